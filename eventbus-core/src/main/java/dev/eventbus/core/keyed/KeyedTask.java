package dev.eventbus.core.keyed;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * One accepted task of a {@link KeyedExecutor}, which is also the future handed to its submitter
 * (one object per task instead of a task and a future). Dependent stages created from it are plain
 * {@link CompletableFuture}s ({@link CompletableFuture#newIncompleteFuture()} is not overridden).
 * Completing or cancelling it before the task started skips the task.
 *
 * <p>Threads: created by the submitter; {@link #start()} runs on a worker (from its {@link Lane}, or
 * through {@link Unkeyed} straight from the pool when it has no key); {@link #discard()} runs on the
 * shutdown caller, only for a task that never started (it was taken out of its queue under its lane's
 * stripe monitor, or out of the pool's queue). An asynchronous task finishes on whatever thread
 * completes its stage. Exactly one of "finish" or "discard" happens per task, and each gives back
 * the task's room in the bound exactly once.
 * @param <T> result type
 */
abstract class KeyedTask<T> extends CompletableFuture<T> {

	final KeyedExecutor owner;

	/** The lane the task was offered to; set by the submitter before the task is published. */
	@Nullable Lane lane;

	/** Next task in the lane's queue; guarded by the monitor of the lane's stripe. */
	@Nullable KeyedTask<?> next;

	KeyedTask(KeyedExecutor owner) {
		this.owner = owner;
	}

	/**
	 * Runs the task on the calling worker.
	 * @return true when it finished (its lane may go on), false when an asynchronous stage is still
	 * in progress (the lane stays held; the stage's completion resumes it)
	 */
	abstract boolean start();

	/** Completes the future with a {@code CancellationException} without running the task. */
	final void discard() {
		release();
		this.owner.taskSkipped();
		cancel(false);
	}

	/**
	 * Drops the task's body and lane, so that a caller keeping the returned future does not keep
	 * what the task captured (the thread starting or discarding the task, before it completes).
	 */
	abstract void release();

	/** A task without a key, run straight from the pool (the task itself is not a {@link Runnable}). */
	static final class Unkeyed implements Runnable {

		final KeyedTask<?> task;

		Unkeyed(KeyedTask<?> task) {
			this.task = task;
		}

		@Override
		public void run() {
			this.task.start();
		}

	}

	static final class Plain extends KeyedTask<Void> {

		/** The body; null once started or discarded. */
		private @Nullable Runnable task;

		Plain(KeyedExecutor owner, Runnable task) {
			super(owner);
			this.task = task;
		}

		@Override
		boolean start() {
			Runnable body = this.task;
			release();
			if (isDone() || body == null) {
				// cancelled (or completed) by its submitter before its turn: skip it
				this.owner.taskSkipped();
				return true;
			}
			this.owner.taskStarted();
			Throwable failure = null;
			try {
				body.run();
			}
			catch (Throwable ex) {
				failure = ex;
			}
			this.owner.taskFinished();
			if (failure == null) {
				complete(null);
			}
			else {
				completeExceptionally(failure);
			}
			return true;
		}

		@Override
		void release() {
			this.task = null;
			this.lane = null;
		}

	}

	/**
	 * A task that starts asynchronous work. {@code phase} settles who moves the lane on: 0 while
	 * the worker is inside {@link #start()}; the worker leaving sets 1 and hands the lane to the
	 * stage's completion; a completion that happens while the worker is still inside sets 2 and the
	 * worker goes on with the lane itself.
	 */
	static final class Async<T> extends KeyedTask<T> {

		private static final VarHandle PHASE;

		static {
			try {
				PHASE = MethodHandles.lookup().findVarHandle(Async.class, "phase", int.class);
			}
			catch (ReflectiveOperationException ex) {
				throw new ExceptionInInitializerError(ex);
			}
		}

		/** The body; null once started or discarded. */
		private @Nullable Supplier<? extends CompletionStage<T>> task;

		@SuppressWarnings("unused") // through PHASE
		private volatile int phase;

		Async(KeyedExecutor owner, Supplier<? extends CompletionStage<T>> task) {
			super(owner);
			this.task = task;
		}

		@Override
		boolean start() {
			Supplier<? extends CompletionStage<T>> body = this.task;
			this.task = null; // the lane stays: the stage's completion resumes it
			if (isDone() || body == null) {
				this.owner.taskSkipped();
				return true;
			}
			this.owner.taskStarted();
			try {
				CompletionStage<T> stage = body.get();
				if (stage == null) {
					throw new NullPointerException("submitAsync task returned null instead of a CompletionStage");
				}
				// a separate callback object: the returned future must not expose a BiConsumer that completes it
				stage.whenComplete(new StageDone<>(this));
			}
			catch (Throwable ex) {
				if (PHASE.compareAndSet(this, 0, 2)) {
					this.owner.taskFinished();
					completeExceptionally(ex);
				}
				return true;
			}
			return !PHASE.compareAndSet(this, 0, 1);
		}

		void stageDone(@Nullable T value, @Nullable Throwable failure) {
			int before;
			do {
				before = (int) PHASE.getVolatile(this);
			}
			while (!PHASE.compareAndSet(this, before, (before == 0) ? 2 : 3));
			if (before >= 2) {
				return; // already finished (the supplier's stage misbehaved)
			}
			this.owner.taskFinished();
			if (failure == null) {
				complete(value);
			}
			else {
				completeExceptionally(failure);
			}
			Lane heldLane = this.lane;
			this.lane = null;
			if (before == 1 && heldLane != null) {
				heldLane.resume();
			}
		}

		@Override
		void release() {
			this.task = null;
			this.lane = null;
		}

	}

	/** Completion callback of an asynchronous task's stage (any thread). */
	private static final class StageDone<T> implements BiConsumer<T, Throwable> {

		private final Async<T> task;

		StageDone(Async<T> task) {
			this.task = task;
		}

		@Override
		public void accept(@Nullable T value, @Nullable Throwable failure) {
			this.task.stageDone(value, failure);
		}

	}

}

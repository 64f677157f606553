package dev.eventbus.core.keyed;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * One accepted task of a {@link KeyedExecutor} and the future handed to its submitter.
 *
 * <p>Threads: created by the submitter; {@link #start()} runs on a worker (from its {@link Lane}, or
 * directly from the pool when it has no key); {@link #discard()} runs on the shutdown caller, only
 * for a task that never started (it was taken out of its queue under its lane's stripe monitor, or out of
 * the pool's queue). An asynchronous task finishes on whatever thread completes its stage.
 * Exactly one of "finish" or "discard" happens per task, and each gives back the task's room in the
 * bound exactly once.
 */
abstract class KeyedTask implements Runnable {

	final KeyedExecutor owner;

	/** The lane the task was offered to; set by the submitter before the task is published. */
	@Nullable Lane lane;

	/** Next task in the lane's queue; guarded by the monitor of the lane's stripe. */
	@Nullable KeyedTask next;

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
	abstract void discard();

	/** Entry point for a task without a key, run straight from the pool. */
	@Override
	public final void run() {
		start();
	}

	static final class Plain extends KeyedTask {

		private final Runnable task;

		final CompletableFuture<Void> future = new CompletableFuture<>();

		Plain(KeyedExecutor owner, Runnable task) {
			super(owner);
			this.task = task;
		}

		@Override
		boolean start() {
			if (this.future.isDone()) {
				// cancelled by its submitter before its turn: skip it
				this.owner.taskSkipped();
				return true;
			}
			this.owner.taskStarted();
			Throwable failure = null;
			try {
				this.task.run();
			}
			catch (Throwable ex) {
				failure = ex;
			}
			this.owner.taskFinished();
			if (failure == null) {
				this.future.complete(null);
			}
			else {
				this.future.completeExceptionally(failure);
			}
			return true;
		}

		@Override
		void discard() {
			this.owner.taskSkipped();
			this.future.cancel(false);
		}

	}

	/**
	 * A task that starts asynchronous work. {@code phase} settles who moves the lane on: 0 while
	 * the worker is inside {@link #start()}; the worker leaving sets 1 and hands the lane to the
	 * stage's completion; a completion that happens while the worker is still inside sets 2 and the
	 * worker goes on with the lane itself.
	 */
	static final class Async<T> extends KeyedTask implements BiConsumer<T, Throwable> {

		private final Supplier<? extends CompletionStage<T>> task;

		final CompletableFuture<T> future = new CompletableFuture<>();

		private final AtomicInteger phase = new AtomicInteger();

		Async(KeyedExecutor owner, Supplier<? extends CompletionStage<T>> task) {
			super(owner);
			this.task = task;
		}

		@Override
		boolean start() {
			if (this.future.isDone()) {
				this.owner.taskSkipped();
				return true;
			}
			this.owner.taskStarted();
			try {
				CompletionStage<T> stage = this.task.get();
				if (stage == null) {
					throw new NullPointerException("submitAsync task returned null instead of a CompletionStage");
				}
				stage.whenComplete(this);
			}
			catch (Throwable ex) {
				if (this.phase.compareAndSet(0, 2)) {
					this.owner.taskFinished();
					this.future.completeExceptionally(ex);
				}
				return true;
			}
			return !this.phase.compareAndSet(0, 1);
		}

		@Override
		public void accept(@Nullable T value, @Nullable Throwable failure) {
			int before = this.phase.getAndUpdate((p) -> (p == 0) ? 2 : 3);
			if (before >= 2) {
				return; // already finished (the supplier's stage misbehaved)
			}
			this.owner.taskFinished();
			if (failure == null) {
				this.future.complete(value);
			}
			else {
				this.future.completeExceptionally(failure);
			}
			Lane heldLane = this.lane;
			if (before == 1 && heldLane != null) {
				heldLane.resume();
			}
		}

		@Override
		void discard() {
			this.owner.taskSkipped();
			this.future.cancel(false);
		}

	}

}

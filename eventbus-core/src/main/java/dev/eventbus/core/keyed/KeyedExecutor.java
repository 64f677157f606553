package dev.eventbus.core.keyed;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * Runs tasks on a shared pool of workers with per-key FIFO order: at most one task of a key runs
 * at a time, tasks of a key run in submission order, different keys run in parallel. Lanes are
 * created on demand and removed when empty. A slow key delays only itself (this is not
 * hash-to-fixed-worker).
 *
 * <p><b>Bounded.</b> At most {@link KeyedExecutorOptions#maxPending()} tasks are pending (queued,
 * running, or asynchronously in progress). A submitter beyond the bound waits for room (up to its
 * max-wait) and is never silently dropped: either the task is accepted or the call throws
 * {@link RejectedExecutionException}. Transports should not rely on waiting: they watch the
 * watermarks ({@link #addPressureListener(PressureListener)}, {@link #isUnderPressure()}) and pause
 * fetching above the high watermark.
 *
 * <p><b>Asynchronous tasks.</b> {@link #submitAsync} tasks hold their key's lane until the returned
 * stage completes, without holding a worker; this is how retries back off inside a lane.
 *
 * <p><b>Null key.</b> A task with a null key has no ordering: it runs as soon as a worker is free.
 */
public final class KeyedExecutor implements AutoCloseable {

	private KeyedExecutor(KeyedExecutorOptions options) {
		throw new UnsupportedOperationException("not implemented yet");
	}

	/**
	 * @param options settings
	 * @return a started executor
	 */
	public static KeyedExecutor create(KeyedExecutorOptions options) {
		return new KeyedExecutor(options);
	}

	/**
	 * Submits a task, waiting without limit for room (interruptibly).
	 * @param key ordering key, or null for none
	 * @param task the task
	 * @return completes when the task finished; exceptionally with its exception
	 * @throws RejectedExecutionException if the executor is shut down or the caller was interrupted
	 * while waiting (the task was not accepted)
	 */
	public CompletableFuture<Void> submit(@Nullable Object key, Runnable task) {
		throw new UnsupportedOperationException();
	}

	/**
	 * Submits a task, waiting at most {@code maxWait} for room.
	 * @param key ordering key, or null for none
	 * @param task the task
	 * @param maxWait longest wait for room; zero fails at once when full
	 * @return completes when the task finished
	 * @throws RejectedExecutionException if no room freed up in time (the message says how many
	 * tasks are pending and the bound), the executor is shut down, or the caller was interrupted
	 */
	public CompletableFuture<Void> submit(@Nullable Object key, Runnable task, Duration maxWait) {
		throw new UnsupportedOperationException();
	}

	/**
	 * Submits an asynchronous task: it starts on a worker, and the key's lane stays held until the
	 * stage it returns completes. The worker is released as soon as the supplier returns.
	 * @param <T> result type
	 * @param key ordering key, or null for none
	 * @param task starts the work and returns its completion
	 * @param maxWait longest wait for room
	 * @return completes like the returned stage (exceptionally if the supplier threw)
	 * @throws RejectedExecutionException as {@link #submit(Object, Runnable, Duration)}
	 */
	public <T> CompletableFuture<T> submitAsync(@Nullable Object key,
			Supplier<? extends CompletionStage<T>> task, Duration maxWait) {
		throw new UnsupportedOperationException();
	}

	/**
	 * @param listener told on every watermark crossing; also told at once if pressure is high now
	 */
	public void addPressureListener(PressureListener listener) {
		throw new UnsupportedOperationException();
	}

	/** @param listener a listener added before */
	public void removePressureListener(PressureListener listener) {
		throw new UnsupportedOperationException();
	}

	/** @return whether pending tasks reached the high watermark and have not fallen to the low one */
	public boolean isUnderPressure() {
		throw new UnsupportedOperationException();
	}

	/** @return tasks accepted and not finished (queued, running, or async in progress) */
	public int pending() {
		throw new UnsupportedOperationException();
	}

	/** @return tasks waiting in lanes for their turn or a worker */
	public int queued() {
		throw new UnsupportedOperationException();
	}

	/** @return workers currently running a task */
	public int busyWorkers() {
		throw new UnsupportedOperationException();
	}

	/** @return lanes (keys with queued or running work) */
	public int activeLanes() {
		throw new UnsupportedOperationException();
	}

	/** @return total time spent under pressure (high watermark reached) since creation */
	public Duration timeUnderPressure() {
		throw new UnsupportedOperationException();
	}

	/** @return tasks completed since creation */
	public long completedTasks() {
		throw new UnsupportedOperationException();
	}

	/**
	 * Runs continuations of a task that already holds its lane (for example the next attempt of a
	 * retried event, after its backoff) on the worker pool, without a lane and without counting
	 * toward {@link #pending()}. Rejects after shutdown.
	 * @return the worker pool as an executor
	 */
	public Executor workers() {
		throw new UnsupportedOperationException();
	}

	/** @return the settings */
	public KeyedExecutorOptions options() {
		throw new UnsupportedOperationException();
	}

	/**
	 * Stops accepting tasks, lets queued and running tasks finish within the timeout, then discards
	 * what is still queued and interrupts what is still running. Idempotent.
	 * @param timeout how long to wait
	 * @return what was left
	 */
	public ShutdownReport shutdown(Duration timeout) {
		throw new UnsupportedOperationException();
	}

	/** @return whether {@link #shutdown(Duration)} was called */
	public boolean isShutdown() {
		throw new UnsupportedOperationException();
	}

	/** Shuts down with {@link KeyedExecutorOptions#shutdownTimeout()}. */
	@Override
	public void close() {
		shutdown(options().shutdownTimeout());
	}

}

package dev.eventbus.core.keyed;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * Keys are compared with {@code equals}/{@code hashCode}.
 *
 * <p><b>Failures.</b> A task that throws completes its future exceptionally; its worker survives
 * and its lane goes on with the next task. Cancelling a returned future before the task started
 * skips the task.
 *
 * <p><b>Threads and state.</b> Workers are {@code options.workers()} threads named
 * {@code <threadNamePrefix>-<n>} of one pool whose queue holds {@link Lane lanes} that have work and
 * tasks without a key. The queue is a {@link LinkedBlockingQueue} on purpose: a submitter signals a
 * waiting worker only when the queue goes from empty to non-empty, and a worker that takes a lane and
 * leaves more behind wakes the next one, so a subscription's single fetch thread pays for few
 * wake-ups. A lock-free {@code LinkedTransferQueue}, tried for issue 15, unparks a waiting worker on
 * every submission and was slower with 256 workers on 2 cores (docs/benchmarks.md). Submitters
 * touch the bound ({@link PendingGate}) and the lane table (a {@link LaneTable} striped by key hash;
 * one stripe monitor guards a stripe's lanes and their queues: a lane is created by the first
 * submitter of its key and removed by the thread that finds it empty, each in one monitor enter). Workers touch the lane they own, the counters (started and completed in
 * their own {@link WorkerCounters}, skipped in the bound; summed only when read) and the bound; busy
 * workers are read from the pool itself. The thread completing an asynchronous task's stage finishes
 * the task and hands its lane back to the pool. Pressure listeners are called without any lock held (see
 * {@link PressureSignal}). {@link #shutdown(Duration)} is serialized on its own lock; it closes the
 * bound, waits, and after the deadline marks {@code discarding} (volatile) before emptying the lanes,
 * so that a submitter racing with it either lands in a lane before it is emptied or is rejected.
 * Future callbacks run on the thread that finished the task (a worker, or the stage's thread).
 *
 * <p><b>Virtual threads.</b> With {@link KeyedExecutorOptions#virtualThreads()} the pool's thread factory
 * makes virtual threads (created through {@code Thread.ofVirtual()}, looked up at run time: the bytecode
 * stays Java 17), named like platform workers. Nothing else changes: a lane still runs on one worker at
 * a time, so key order holds, and the bound still counts every pending task. The workers start on
 * demand rather than all at once and end after a minute idle; {@code workers} (by default
 * {@code maxPending} in this mode) caps how many run at once. Virtual workers count their tasks in the
 * shared counters instead of per-worker ones (a virtual thread cannot carry fields of its own).
 * {@link #busyWorkers()} counts virtual workers running a task as it counts platform ones.
 */
public final class KeyedExecutor implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(KeyedExecutor.class);

	/** Idle time after which a virtual worker ends. */
	private static final long VIRTUAL_KEEP_ALIVE_SECONDS = 60;

	private final KeyedExecutorOptions options;

	private final ThreadPoolExecutor pool;

	private final LaneTable lanes;

	private final PendingGate gate;

	private final PressureSignal pressure;

	/**
	 * Tasks started off the workers (normally none: workers count in their {@link WorkerCounters}).
	 * All started minus all completed: the tasks in progress (asynchronous stages included).
	 */
	private final LongAdder started = new LongAdder();

	/** Started-task counters of every worker ever created. */
	private final CopyOnWriteArrayList<WorkerCounters> startedCounters = new CopyOnWriteArrayList<>();

	private final Executor workerExecutor = this::executeContinuation;

	/** Set once the shutdown deadline passed: queued tasks are being discarded. */
	private volatile boolean discarding;

	private final Object shutdownLock = new Object();

	/** Guarded by {@link #shutdownLock}. */
	private @Nullable ShutdownReport shutdownReport;

	private KeyedExecutor(KeyedExecutorOptions options) {
		this.options = Objects.requireNonNull(options, "options must not be null");
		this.gate = new PendingGate(options.maxPending());
		this.pressure = new PressureSignal(options.highWatermarkTasks(), options.lowWatermarkTasks(),
				this.gate::count);
		if (options.virtualThreads()) {
			// Same pool, lanes and bound; only the threads are virtual. They start on demand (a pool below
			// its core size starts a thread per execute) and end after VIRTUAL_KEEP_ALIVE idle, so an idle
			// executor with workers = maxPending holds no threads.
			this.pool = new ThreadPoolExecutor(options.workers(), options.workers(), VIRTUAL_KEEP_ALIVE_SECONDS,
					TimeUnit.SECONDS, new LinkedBlockingQueue<>(), VirtualThreads.factory(options.threadNamePrefix()));
			this.pool.allowCoreThreadTimeOut(true);
		}
		else {
			this.pool = new ThreadPoolExecutor(options.workers(), options.workers(), 0L, TimeUnit.MILLISECONDS,
					new LinkedBlockingQueue<>(), new WorkerThreadFactory(options.threadNamePrefix(), this));
		}
		this.lanes = new LaneTable(this, options.workers());
		if (!options.virtualThreads()) {
			this.pool.prestartAllCoreThreads();
		}
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
		Objects.requireNonNull(task, "task must not be null");
		KeyedTask.Plain accepted = new KeyedTask.Plain(this, task);
		accept(key, accepted, null);
		return accepted;
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
		Objects.requireNonNull(task, "task must not be null");
		KeyedTask.Plain accepted = new KeyedTask.Plain(this, task);
		accept(key, accepted, checkMaxWait(maxWait));
		return accepted;
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
		Objects.requireNonNull(task, "task must not be null");
		KeyedTask.Async<T> accepted = new KeyedTask.Async<>(this, task);
		accept(key, accepted, checkMaxWait(maxWait));
		return accepted;
	}

	/**
	 * @param listener told on every watermark crossing; also told at once if pressure is high now
	 */
	public void addPressureListener(PressureListener listener) {
		this.pressure.add(Objects.requireNonNull(listener, "listener must not be null"));
	}

	/** @param listener a listener added before */
	public void removePressureListener(PressureListener listener) {
		this.pressure.remove(listener);
	}

	/** @return whether pending tasks reached the high watermark and have not fallen to the low one */
	public boolean isUnderPressure() {
		return this.pressure.isUnderPressure();
	}

	/** @return tasks accepted and not finished (queued, running, or async in progress) */
	public int pending() {
		return this.gate.count();
	}

	/** @return tasks waiting in lanes for their turn or a worker */
	public int queued() {
		return (int) Math.max(0, this.gate.count() - inProgress());
	}

	/** @return workers currently running a task */
	public int busyWorkers() {
		return this.pool.getActiveCount();
	}

	/** @return lanes (keys with queued or running work) */
	public int activeLanes() {
		return this.lanes.size();
	}

	/** @return total time spent under pressure (high watermark reached) since creation */
	public Duration timeUnderPressure() {
		return this.pressure.timeUnderPressure();
	}

	/** @return tasks completed since creation (successfully or not; skipped and discarded ones excluded) */
	public long completedTasks() {
		return this.gate.completed();
	}

	/**
	 * Runs continuations of a task that already holds its lane (for example the next attempt of a
	 * retried event, after its backoff) on the worker pool, without a lane and without counting
	 * toward {@link #pending()}. During a graceful {@link #shutdown(Duration)} it keeps running them
	 * so that in-flight work can finish; it rejects once the shutdown has finished. A continuation
	 * that throws is logged and does not kill its worker.
	 * @return the worker pool as an executor
	 */
	public Executor workers() {
		return this.workerExecutor;
	}

	/** @return the settings */
	public KeyedExecutorOptions options() {
		return this.options;
	}

	/**
	 * Stops accepting tasks, lets queued and running tasks finish within the timeout, then discards
	 * what is still queued and interrupts what is still running. Idempotent: later calls return the
	 * first call's report. Do not call it from a task of this executor (it would wait for itself).
	 * In the report, tasks without a key count toward unstarted tasks but not toward unstarted keys,
	 * and asynchronous tasks whose stage is still open count as running. Continuations handed to
	 * {@link #workers()} that had not started by the deadline are dropped.
	 * @param timeout how long to wait
	 * @return what was left
	 */
	public ShutdownReport shutdown(Duration timeout) {
		Objects.requireNonNull(timeout, "timeout must not be null");
		if (timeout.isNegative()) {
			throw new IllegalArgumentException("shutdown timeout must not be negative but was " + timeout);
		}
		synchronized (this.shutdownLock) {
			if (this.shutdownReport != null) {
				return this.shutdownReport;
			}
			this.gate.close();
			long nanos = PendingGate.saturatedNanos(timeout);
			long deadline = System.nanoTime() + Math.min(nanos, Long.MAX_VALUE / 4);
			ShutdownReport report;
			if (this.gate.awaitDrained(deadline)) {
				this.pool.shutdown();
				awaitWorkersQuietly(deadline);
				report = new ShutdownReport(true, 0, 0, 0);
			}
			else {
				report = discardAndInterrupt();
			}
			this.shutdownReport = report;
			if (!report.terminated()) {
				logger.warn("Keyed executor shut down after {}: discarded {} queued tasks of {} keys, interrupted {} "
						+ "running tasks", timeout, report.unstartedTasks(), report.unstartedKeys(),
						report.runningTasks());
			}
			return report;
		}
	}

	/** @return whether {@link #shutdown(Duration)} was called */
	public boolean isShutdown() {
		return this.gate.isClosed();
	}

	/** Shuts down with {@link KeyedExecutorOptions#shutdownTimeout()}. */
	@Override
	public void close() {
		shutdown(options().shutdownTimeout());
	}

	@Override
	public String toString() {
		return "KeyedExecutor{pending=" + pending() + ", busyWorkers=" + busyWorkers() + ", activeLanes="
				+ activeLanes() + ", shutdown=" + isShutdown() + "}";
	}

	// ---- submission

	private void accept(@Nullable Object key, KeyedTask<?> task, @Nullable Duration maxWait) {
		int pendingNow = this.gate.reserve(maxWait);
		this.pressure.afterIncrease(pendingNow);
		if (key == null) {
			try {
				this.pool.execute(new KeyedTask.Unkeyed(task));
			}
			catch (RejectedExecutionException ex) {
				unaccepted();
				throw PendingGate.shutDown();
			}
			return;
		}
		int result = this.lanes.offer(key, task);
		if (result == LaneTable.ADDED_SCHEDULE) {
			Lane lane = task.lane;
			if (lane != null) { // set by the offer; null only if a shutdown already discarded the new lane
				schedule(lane);
			}
		}
		else if (result == LaneTable.REFUSED) {
			unaccepted();
			throw PendingGate.shutDown();
		}
	}

	/** Gives back the room of a task that was reserved but is not accepted after all. */
	private void unaccepted() {
		this.gate.releaseSkipped();
		this.pressure.afterDecrease();
	}

	private static @Nullable Duration checkMaxWait(Duration maxWait) {
		Objects.requireNonNull(maxWait, "maxWait must not be null");
		if (maxWait.isNegative()) {
			throw new IllegalArgumentException("maxWait must not be negative but was " + maxWait);
		}
		return maxWait;
	}

	// ---- called by lanes and tasks

	boolean isDiscarding() {
		return this.discarding;
	}

	/** Puts a lane with work at the end of the pool's queue. */
	void schedule(Lane lane) {
		try {
			this.pool.execute(lane);
		}
		catch (RejectedExecutionException ex) {
			// the pool stopped at the shutdown deadline: the shutdown caller discards the lane's tasks
		}
	}

	/** @return tasks started and not finished (completed is read first, so it errs high, never negative) */
	private int inProgress() {
		long completedTasks = this.gate.completed();
		long startedTasks = this.started.sum();
		for (WorkerCounters worker : this.startedCounters) {
			startedTasks += worker.startedCount();
		}
		return (int) Math.max(0, startedTasks - completedTasks);
	}

	void taskStarted() {
		if (Thread.currentThread() instanceof WorkerCounters.WorkerThread worker && worker.owner == this) {
			worker.counters.started();
		}
		else {
			this.started.increment();
		}
	}

	void taskFinished() {
		if (Thread.currentThread() instanceof WorkerCounters.WorkerThread worker && worker.owner == this) {
			this.gate.releaseCompleted(worker.counters);
		}
		else {
			this.gate.releaseCompleted();
		}
		this.pressure.afterDecrease();
	}

	/** A task that never started: discarded at shutdown, or cancelled by its submitter. */
	void taskSkipped() {
		this.gate.releaseSkipped();
		this.pressure.afterDecrease();
	}

	// ---- workers() and shutdown

	private void executeContinuation(Runnable command) {
		Objects.requireNonNull(command, "command must not be null");
		try {
			this.pool.execute(() -> {
				try {
					command.run();
				}
				catch (Throwable ex) {
					logger.error("Continuation {} failed on a keyed executor worker", command, ex);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			throw PendingGate.shutDown();
		}
	}

	private ShutdownReport discardAndInterrupt() {
		this.discarding = true;
		int running = inProgress(); // before the interrupts below let tasks end
		List<Runnable> neverRun = this.pool.shutdownNow();
		int unstarted = 0;
		for (Runnable runnable : neverRun) {
			if (runnable instanceof KeyedTask.Unkeyed unkeyed) {
				unkeyed.task.discard();
				unstarted++;
			}
		}
		Set<Object> keys = new HashSet<>();
		for (Lane lane : this.lanes.snapshot()) {
			int discarded = lane.discardQueued();
			if (discarded > 0) {
				unstarted += discarded;
				keys.add(lane.key());
			}
		}
		return new ShutdownReport(false, unstarted, running, keys.size());
	}

	private void awaitWorkersQuietly(long deadline) {
		try {
			this.pool.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Names workers {@code <prefix>-<n>}, counting from 0, and registers their counters. */
	private static final class WorkerThreadFactory implements ThreadFactory {

		private final String prefix;

		private final KeyedExecutor owner;

		private final AtomicInteger next = new AtomicInteger();

		WorkerThreadFactory(String prefix, KeyedExecutor owner) {
			this.prefix = prefix;
			this.owner = owner;
		}

		@Override
		public Thread newThread(Runnable runnable) {
			WorkerCounters counters = new WorkerCounters();
			this.owner.startedCounters.add(counters);
			this.owner.gate.register(counters);
			Thread thread = new WorkerCounters.WorkerThread(runnable, this.prefix + "-" + this.next.getAndIncrement(),
					this.owner, counters);
			thread.setDaemon(false);
			return thread;
		}

	}

}

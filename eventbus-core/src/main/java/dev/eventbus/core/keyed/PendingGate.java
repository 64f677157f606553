package dev.eventbus.core.keyed;

import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bound of a {@link KeyedExecutor}: counts pending tasks (accepted and not finished), makes
 * submitters wait for room, and closes for good at shutdown.
 *
 * <p>Threads: submitters call {@link #reserve}; whoever finishes or discards a task (a worker, the
 * thread completing an asynchronous stage, or the shutdown caller) calls {@link #releaseCompleted()}
 * or {@link #releaseSkipped()}; the
 * shutdown caller calls {@link #close()} and {@link #awaitDrained(long)}.
 *
 * <p>Pending = reservations made minus releases. The two sides count in different places so that a
 * submitter and a worker do not fight over one cache line per task: {@code reserved} is a CAS
 * counter written only by submitters (its sign bit is the closed flag, so no reservation succeeds
 * once {@link #close()} returned); released = {@code completed} + {@code skipped}, striped adders
 * written by finishing threads ({@code completed} doubles as the executor's completed-task count), plus
 * the {@link WorkerCounters} of each worker, written only by its worker (a worker finishing a task
 * counts there; other threads, such as the ones completing asynchronous stages, count in
 * {@code completed}).
 * A submitter checks the bound against {@code releasedSeen}, an earlier sum of the released ones;
 * that sum only grows, so a stale one overestimates pending and the bound always holds. The sum is
 * refreshed only when the estimate says full. Only waiting takes {@code lock}; a releaser signals
 * only when {@code waiters} says somebody waits, and a waiter registers in {@code waiters} before
 * re-reading the counters, so no wake-up is lost.
 */
final class PendingGate {

	private static final long CLOSED = Long.MIN_VALUE;

	private static final long COUNT = Long.MAX_VALUE;

	private final int maxPending;

	private final AtomicLong reserved = new AtomicLong();

	private final LongAdder completed = new LongAdder();

	private final LongAdder skipped = new LongAdder();

	/** Counters of every worker ever created (a replaced worker's counts stay). */
	private final CopyOnWriteArrayList<WorkerCounters> workers = new CopyOnWriteArrayList<>();

	/** A recent sum of completed + skipped; racy writes may lower it, which is only conservative. */
	private volatile long releasedSeen;

	private final ReentrantLock lock = new ReentrantLock();

	/** Signalled when tasks were released (only while somebody waits) and on close. */
	private final Condition changed = this.lock.newCondition();

	/** Threads waiting on {@link #changed}; written under {@link #lock}, read by releasers without. */
	private volatile int waiters;

	PendingGate(int maxPending) {
		this.maxPending = maxPending;
	}

	/**
	 * Reserves room for one task.
	 * @param maxWait longest wait, {@code null} for no limit
	 * @return the pending count including the new task
	 * @throws RejectedExecutionException if closed, full past {@code maxWait}, or interrupted
	 */
	int reserve(Duration maxWait) {
		int reserved = tryReserve();
		if (reserved > 0) {
			return reserved;
		}
		long nanos = (maxWait != null) ? saturatedNanos(maxWait) : Long.MAX_VALUE;
		if (nanos <= 0) {
			throw full(maxWait);
		}
		boolean unbounded = (maxWait == null);
		try {
			this.lock.lockInterruptibly();
			try {
				this.waiters++;
				try {
					for (;;) {
						reserved = tryReserve();
						if (reserved > 0) {
							return reserved;
						}
						if (unbounded) {
							this.changed.await();
						}
						else if (nanos <= 0) {
							throw full(maxWait);
						}
						else {
							nanos = this.changed.awaitNanos(nanos);
						}
					}
				}
				finally {
					this.waiters--;
				}
			}
			finally {
				this.lock.unlock();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new RejectedExecutionException("Interrupted while waiting for room in the keyed executor ("
					+ count() + " tasks pending, maxPending=" + this.maxPending + "); the task was not accepted", ex);
		}
	}

	/** @return an upper estimate of the pending count including the new task, or 0 if full */
	private int tryReserve() {
		for (;;) {
			long r = this.reserved.get();
			if (r < 0) {
				throw shutDown();
			}
			long estimate = r - this.releasedSeen;
			if (estimate >= this.maxPending) {
				estimate = r - refreshReleased();
				if (estimate >= this.maxPending) {
					return 0;
				}
			}
			if (this.reserved.compareAndSet(r, r + 1)) {
				return (int) estimate + 1;
			}
		}
	}

	/** Gives back the room of a task that ran to its end (successfully or not). */
	void releaseCompleted() {
		this.completed.increment();
		if (this.waiters > 0) {
			signalAll();
		}
	}

	/** Like {@link #releaseCompleted()}, counted by the worker that finished the task. */
	void releaseCompleted(WorkerCounters worker) {
		worker.completed(); // a volatile store: ordered before the read of waiters
		if (this.waiters > 0) {
			signalAll();
		}
	}

	/** @param worker counters of a new worker, summed from now on */
	void register(WorkerCounters worker) {
		this.workers.add(worker);
	}

	/** Gives back the room of a task that never ran (discarded, cancelled, or not accepted after all). */
	void releaseSkipped() {
		this.skipped.increment();
		if (this.waiters > 0) {
			signalAll();
		}
	}

	/** @return tasks released by {@link #releaseCompleted()} */
	long completed() {
		long sum = this.completed.sum();
		for (WorkerCounters worker : this.workers) {
			sum += worker.completedCount();
		}
		return sum;
	}

	/** Rejects every later reservation and wakes waiting submitters (who then reject). */
	void close() {
		for (;;) {
			long r = this.reserved.get();
			if (r < 0 || this.reserved.compareAndSet(r, r | CLOSED)) {
				break;
			}
		}
		signalAll();
	}

	boolean isClosed() {
		return this.reserved.get() < 0;
	}

	/** @return tasks accepted and not finished (never below the true count while it is stable) */
	int count() {
		long releasedNow = refreshReleased(); // read before reserved: errs high, never low
		return (int) Math.max(0, (this.reserved.get() & COUNT) - releasedNow);
	}

	private long refreshReleased() {
		long sum = completed() + this.skipped.sum();
		if (sum > this.releasedSeen) {
			this.releasedSeen = sum;
		}
		return sum;
	}

	/**
	 * Waits until the count is zero. Interruption ends the wait early (the flag is kept).
	 * @param deadline {@link System#nanoTime()} to give up at
	 * @return whether the count reached zero
	 */
	boolean awaitDrained(long deadline) {
		this.lock.lock();
		try {
			this.waiters++;
			try {
				while (count() > 0) {
					long nanos = deadline - System.nanoTime();
					if (nanos <= 0) {
						return false;
					}
					this.changed.awaitNanos(nanos);
				}
				return true;
			}
			finally {
				this.waiters--;
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return count() == 0;
		}
		finally {
			this.lock.unlock();
		}
	}

	private void signalAll() {
		this.lock.lock();
		try {
			this.changed.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	private RejectedExecutionException full(Duration maxWait) {
		return new RejectedExecutionException("Keyed executor is full: " + count() + " tasks pending, bound maxPending="
				+ this.maxPending + ", no room freed within maxWait=" + maxWait
				+ "; raise maxPending, allow a longer wait, or pause the producer on the high watermark");
	}

	static RejectedExecutionException shutDown() {
		return new RejectedExecutionException("Keyed executor is shut down: it accepts no new tasks");
	}

	static long saturatedNanos(Duration duration) {
		try {
			return duration.toNanos();
		}
		catch (ArithmeticException ex) {
			return Long.MAX_VALUE;
		}
	}

}

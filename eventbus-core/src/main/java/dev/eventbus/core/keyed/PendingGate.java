package dev.eventbus.core.keyed;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bound of a {@link KeyedExecutor}: counts pending tasks (accepted and not finished), makes
 * submitters wait for room, and closes for good at shutdown.
 *
 * <p>Threads: submitters call {@link #reserve}; whoever finishes or discards a task (a worker, the
 * thread completing an asynchronous stage, or the shutdown caller) calls {@link #release()}; the
 * shutdown caller calls {@link #close()} and {@link #awaitDrained(long)}. The count and the closed
 * flag share one atomic word ({@code state}: sign bit = closed, low bits = count), so that no
 * reservation can succeed once {@link #close()} returned. Only waiting takes {@code lock}; the
 * fast paths are a CAS each. A releaser signals only when {@code waiters} says somebody waits; a
 * waiter registers in {@code waiters} before re-reading the count, so no wake-up is lost.
 */
final class PendingGate {

	private static final int CLOSED = Integer.MIN_VALUE;

	private static final int COUNT = Integer.MAX_VALUE;

	private final int maxPending;

	private final AtomicInteger state = new AtomicInteger();

	private final ReentrantLock lock = new ReentrantLock();

	/** Signalled when the count fell (only while somebody waits) and on close. */
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

	/** @return the new count, or 0 if full */
	private int tryReserve() {
		for (;;) {
			int s = this.state.get();
			if (s < 0) {
				throw shutDown();
			}
			if (s >= this.maxPending) {
				return 0;
			}
			if (this.state.compareAndSet(s, s + 1)) {
				return s + 1;
			}
		}
	}

	/**
	 * Gives back the room of a finished or discarded task.
	 * @return the pending count after the release
	 */
	int release() {
		int count = this.state.decrementAndGet() & COUNT;
		if (this.waiters > 0) {
			signalAll();
		}
		return count;
	}

	/** Rejects every later reservation and wakes waiting submitters (who then reject). */
	void close() {
		for (;;) {
			int s = this.state.get();
			if (s < 0 || this.state.compareAndSet(s, s | CLOSED)) {
				break;
			}
		}
		signalAll();
	}

	boolean isClosed() {
		return this.state.get() < 0;
	}

	/** @return tasks accepted and not finished */
	int count() {
		return this.state.get() & COUNT;
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

package dev.eventbus.core.kafka;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.common.TopicPartition;

/**
 * Offsets of one assigned partition that were dispatched and not yet committed, and the highest
 * contiguous finished offset. Work finishes out of order across keys; the commit point only moves
 * past an offset when it and every offset before it finished (handled or dead-lettered). A record
 * whose work was cancelled (revocation, close) is settled but never finished, so the commit point
 * stops before it and the next owner receives it again.
 *
 * <p>Threads: the poll thread calls {@link #dispatched}, {@link #forgetLast}, {@link #commitPoint},
 * {@link #markCommitted} and {@link #awaitSettled}, and alone touches the queue of entries and the
 * commit offsets; the poll thread moves the commit point over the finished entries at the head of
 * the queue when it dispatches or asks for the commit point. Workers call {@link #finished} and
 * {@link #cancelled}, which take no lock: they mark their entry (a volatile write, so the poll
 * thread sees the handler's effects before it commits past it) and count it settled. Finishing
 * used to take this tracker's monitor, and JFR showed the workers of a 1 ms handler on 2 cores
 * queueing on it; now only the thread settling the last unsettled entry enters the monitor, to wake
 * {@link #awaitSettled}. {@link #unsettled()} may be read by any thread. {@link #revoked} is read by
 * workers before each attempt.
 */
final class PartitionTracker {

	final TopicPartition partition;

	/** Set by the poll thread when the partition is revoked or the subscription closes. */
	volatile boolean revoked;

	/** Poll thread only. */
	private final ArrayDeque<Entry> inFlight = new ArrayDeque<>();

	/** Poll thread only. */
	private long nextCommit = -1;

	/** Poll thread only. */
	private long committed = -1;

	/** Dispatched minus settled; reaching zero wakes {@link #awaitSettled} under this tracker's monitor. */
	private final AtomicInteger unsettled = new AtomicInteger();

	PartitionTracker(TopicPartition partition) {
		this.partition = partition;
	}

	/** One dispatched record. */
	static final class Entry {

		private static final VarHandle SETTLED;

		static {
			try {
				SETTLED = MethodHandles.lookup().findVarHandle(Entry.class, "settled", boolean.class);
			}
			catch (ReflectiveOperationException ex) {
				throw new ExceptionInInitializerError(ex);
			}
		}

		final long offset;

		/** Written by the worker that finished the record, read by the poll thread. */
		volatile boolean finished;

		@SuppressWarnings("unused") // through SETTLED
		private volatile boolean settled;

		Entry(long offset) {
			this.offset = offset;
		}

		/** @return true the first time only */
		boolean settle() {
			return SETTLED.compareAndSet(this, false, true);
		}

	}

	/** Poll thread. */
	Entry dispatched(long offset) {
		advance();
		Entry entry = new Entry(offset);
		this.unsettled.incrementAndGet();
		this.inFlight.addLast(entry);
		return entry;
	}

	/** Worker (or the poll thread): the record was handled or dead-lettered. */
	void finished(Entry entry) {
		entry.finished = true;
		settle(entry);
	}

	/** Worker (or the poll thread): the record's work was dropped; the commit point stays before it. */
	void cancelled(Entry entry) {
		settle(entry);
	}

	/** Removes the last dispatched entry again: the executor refused it and the partition was rewound (poll thread). */
	void forgetLast(Entry entry) {
		if (this.inFlight.peekLast() == entry) {
			this.inFlight.pollLast();
		}
	}

	private void settle(Entry entry) {
		if (entry.settle() && this.unsettled.decrementAndGet() == 0) {
			synchronized (this) {
				notifyAll();
			}
		}
	}

	/** Moves the commit point over the finished entries at the head (poll thread). */
	private void advance() {
		Entry head;
		while ((head = this.inFlight.peekFirst()) != null && head.finished) {
			this.inFlight.pollFirst();
			this.nextCommit = head.offset + 1;
		}
	}

	/**
	 * @return the offset to commit (next offset to consume) if it moved since the last
	 * {@link #markCommitted}, else -1 (poll thread)
	 */
	long commitPoint() {
		advance();
		return (this.nextCommit > this.committed) ? this.nextCommit : -1;
	}

	/** Poll thread. */
	void markCommitted(long offset) {
		if (offset > this.committed) {
			this.committed = offset;
		}
	}

	/** @return records dispatched and not finished or cancelled (any thread) */
	int unsettled() {
		return this.unsettled.get();
	}

	/**
	 * Waits until every dispatched record finished or was cancelled.
	 * @param timeoutMillis longest wait
	 * @return whether everything settled in time
	 * @throws InterruptedException if interrupted
	 */
	synchronized boolean awaitSettled(long timeoutMillis) throws InterruptedException {
		long deadline = System.currentTimeMillis() + timeoutMillis;
		while (this.unsettled.get() > 0) {
			long left = deadline - System.currentTimeMillis();
			if (left <= 0) {
				return false;
			}
			wait(left);
		}
		return true;
	}

}

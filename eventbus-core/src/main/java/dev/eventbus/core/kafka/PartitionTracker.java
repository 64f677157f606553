package dev.eventbus.core.kafka;

import java.util.ArrayDeque;

import org.apache.kafka.common.TopicPartition;

/**
 * Offsets of one assigned partition that were dispatched and not yet committed, and the highest
 * contiguous finished offset. Work finishes out of order across keys; the commit point only moves
 * past an offset when it and every offset before it finished (handled or dead-lettered). A record
 * whose work was cancelled (revocation, close) is settled but never finished, so the commit point
 * stops before it and the next owner receives it again.
 *
 * <p>Threads: the poll thread calls {@link #dispatched}, {@link #commitPoint} and
 * {@link #awaitSettled}; workers call {@link #finished} and {@link #cancelled}. All state is guarded
 * by {@code this}. {@link #revoked} is read by workers before each attempt.
 */
final class PartitionTracker {

	final TopicPartition partition;

	/** Set by the poll thread when the partition is revoked or the subscription closes. */
	volatile boolean revoked;

	private final ArrayDeque<Entry> inFlight = new ArrayDeque<>();

	private long nextCommit = -1;

	private long committed = -1;

	private int unsettled;

	PartitionTracker(TopicPartition partition) {
		this.partition = partition;
	}

	/** One dispatched record. */
	static final class Entry {

		final long offset;

		boolean finished;

		boolean settled;

		Entry(long offset) {
			this.offset = offset;
		}

	}

	synchronized Entry dispatched(long offset) {
		Entry entry = new Entry(offset);
		this.inFlight.addLast(entry);
		this.unsettled++;
		return entry;
	}

	synchronized void finished(Entry entry) {
		entry.finished = true;
		settle(entry);
		while (!this.inFlight.isEmpty() && this.inFlight.peekFirst().finished) {
			this.nextCommit = this.inFlight.pollFirst().offset + 1;
		}
	}

	synchronized void cancelled(Entry entry) {
		settle(entry);
	}

	/** Removes the last dispatched entry again: the executor refused it and the partition was rewound. */
	synchronized void forgetLast(Entry entry) {
		if (this.inFlight.peekLast() == entry) {
			this.inFlight.pollLast();
		}
	}

	private void settle(Entry entry) {
		if (!entry.settled) {
			entry.settled = true;
			this.unsettled--;
			if (this.unsettled == 0) {
				notifyAll();
			}
		}
	}

	/**
	 * @return the offset to commit (next offset to consume) if it moved since the last
	 * {@link #markCommitted}, else -1
	 */
	synchronized long commitPoint() {
		return (this.nextCommit > this.committed) ? this.nextCommit : -1;
	}

	synchronized void markCommitted(long offset) {
		if (offset > this.committed) {
			this.committed = offset;
		}
	}

	/** @return records dispatched and not finished or cancelled */
	synchronized int unsettled() {
		return this.unsettled;
	}

	/**
	 * Waits until every dispatched record finished or was cancelled.
	 * @param timeoutMillis longest wait
	 * @return whether everything settled in time
	 * @throws InterruptedException if interrupted
	 */
	synchronized boolean awaitSettled(long timeoutMillis) throws InterruptedException {
		long deadline = System.currentTimeMillis() + timeoutMillis;
		while (this.unsettled > 0) {
			long left = deadline - System.currentTimeMillis();
			if (left <= 0) {
				return false;
			}
			wait(left);
		}
		return true;
	}

}

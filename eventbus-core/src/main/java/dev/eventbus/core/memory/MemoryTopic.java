package dev.eventbus.core.memory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import dev.eventbus.core.api.PublishRejectedException;
import dev.eventbus.core.api.PublishTimeoutException;
import dev.eventbus.core.codec.WireMessage;
import dev.eventbus.core.support.InboundMessage;

import org.jspecify.annotations.Nullable;

/**
 * One memory topic: an append-only log of wire messages addressed by offset, and the consumer
 * groups reading it. An event is kept until every group's delivery position has passed it; the
 * kept events (the backlog) are bounded by the topic capacity, and publishers wait for room.
 *
 * <p>Thread-safety: every field is guarded by {@link #lock}, taken by publishers (any thread), the
 * groups' delivery threads and the completion callbacks of dispatched events (executor workers).
 * {@link #changed} wakes delivery threads (new event, member change, a key became idle);
 * {@link #notFull} wakes publishers.
 */
final class MemoryTopic {

	private static final int COMPACT_THRESHOLD = 1024;

	final String name;

	private final int capacity;

	final ReentrantLock lock = new ReentrantLock();

	final Condition changed = this.lock.newCondition();

	private final Condition notFull = this.lock.newCondition();

	/** Kept messages; {@code entries.get(head + i)} has offset {@code firstOffset + i}. */
	private final List<@Nullable WireMessage> entries = new ArrayList<>();

	private int head;

	private long firstOffset;

	private long nextOffset;

	private final Map<String, MemoryGroup> groups = new LinkedHashMap<>();

	private boolean closed;

	MemoryTopic(String name, int capacity) {
		this.name = name;
		this.capacity = capacity;
	}

	/**
	 * Appends a message, waiting up to {@code maxBlock} for room.
	 * @return the message's offset
	 * @throws PublishTimeoutException when the backlog stayed full for {@code maxBlock}
	 * @throws PublishRejectedException when the bus closed
	 * @throws InterruptedException when the caller was interrupted while waiting
	 */
	long append(WireMessage message, Duration maxBlock) throws InterruptedException {
		this.lock.lockInterruptibly();
		try {
			long remaining = maxBlock.toNanos();
			while (!this.closed && size() >= this.capacity) {
				if (remaining <= 0) {
					throw new PublishTimeoutException(this.name, maxBlock, "memory topic '" + this.name + "' holds "
							+ size() + " events not yet delivered to every consumer group (eventbus.memory.topic-capacity="
							+ this.capacity + ") and no room freed up within eventbus.memory.max-block=" + maxBlock
							+ "; subscribe a group that consumes it, speed up the handlers, or raise "
							+ "eventbus.memory.topic-capacity or eventbus.memory.max-block", null);
				}
				remaining = this.notFull.awaitNanos(remaining);
			}
			if (this.closed) {
				throw new PublishRejectedException(this.name,
						"the memory event bus is closed; publish to a bus that is open", null);
			}
			this.entries.add(message);
			long offset = this.nextOffset++;
			this.changed.signalAll();
			return offset;
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Rejects further appends and wakes waiting publishers. */
	void close() {
		this.lock.lock();
		try {
			this.closed = true;
			this.notFull.signalAll();
			this.changed.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Wakes the delivery threads, e.g. after a member paused, resumed or closed. */
	void signal() {
		this.lock.lock();
		try {
			this.changed.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * The group of the given name, created (positioned at the oldest kept event) and started if new.
	 * @param factory creates the group
	 */
	MemoryGroup group(String groupName, Function<Long, MemoryGroup> factory) {
		this.lock.lock();
		try {
			MemoryGroup group = this.groups.get(groupName);
			if (group == null) {
				group = factory.apply(this.firstOffset);
				this.groups.put(groupName, group);
				group.start();
			}
			return group;
		}
		finally {
			this.lock.unlock();
		}
	}

	/** @return the groups (snapshot) */
	List<MemoryGroup> groups() {
		this.lock.lock();
		try {
			return List.copyOf(this.groups.values());
		}
		finally {
			this.lock.unlock();
		}
	}

	// The methods below are called with the lock held.

	/** @return the kept message at the offset as an inbound message, or null if not appended yet */
	@Nullable InboundMessage at(long offset) {
		if (offset >= this.nextOffset) {
			return null;
		}
		WireMessage wire = Objects.requireNonNull(this.entries.get(this.head + (int) (offset - this.firstOffset)));
		return new InboundMessage(this.name, wire, null, offset, null);
	}

	/** @return offset the next appended message gets */
	long nextOffset() {
		return this.nextOffset;
	}

	/** Discards the messages every group has had delivered and wakes publishers. */
	void trim() {
		long min = this.nextOffset;
		for (MemoryGroup group : this.groups.values()) {
			min = Math.min(min, group.position());
		}
		if (min <= this.firstOffset) {
			return;
		}
		int drop = (int) (min - this.firstOffset);
		for (int i = this.head; i < this.head + drop; i++) {
			this.entries.set(i, null);
		}
		this.head += drop;
		this.firstOffset = min;
		if (this.head >= COMPACT_THRESHOLD && this.head * 2 >= this.entries.size()) {
			this.entries.subList(0, this.head).clear();
			this.head = 0;
		}
		this.notFull.signalAll();
	}

	private int size() {
		return (int) (this.nextOffset - this.firstOffset);
	}

	/** @param nanos longest wait on {@link #changed} @return false if interrupted */
	boolean awaitChange(long nanos) {
		try {
			this.changed.awaitNanos(nanos);
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	static long millis(long value) {
		return TimeUnit.MILLISECONDS.toNanos(value);
	}

}

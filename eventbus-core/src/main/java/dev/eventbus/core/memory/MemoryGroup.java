package dev.eventbus.core.memory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

import dev.eventbus.core.codec.HeaderStyle;
import dev.eventbus.core.codec.WireMessage;
import dev.eventbus.core.keyed.KeyedExecutor;
import dev.eventbus.core.support.InboundMessage;
import dev.eventbus.core.support.Outcome;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consumer group of one memory topic: its delivery position, its members (the subscriptions of
 * the group on this topic) and its delivery thread {@code eventbus-memory-<topic>-<group>}, which
 * takes events in offset order and hands each to one member's dispatcher. Every group gets every
 * event of the topic once.
 *
 * <p><b>Sharing within a group.</b> An event goes to one running member. An aggregate id is sticky:
 * while any event of the aggregate is in flight (queued, running or waiting for a retry) at a
 * member, further events of the aggregate go to the same member, so its lane orders them; when the
 * aggregate is idle its next event goes to a running member chosen by the aggregate id's hash. So a
 * key is never handled by two members at once, and is re-assigned only when idle. Unkeyed events go
 * round-robin. If an aggregate's member is paused or closing, delivery waits until the aggregate's
 * in-flight events finished (head-of-line) and then re-assigns it.
 *
 * <p><b>Backpressure.</b> While the keyed executor is above its high watermark the delivery thread
 * hands nothing over; it resumes once the executor fell to its low watermark.
 *
 * <p><b>Redelivery.</b> An event whose delivery did not finish (its member closed before it ran or
 * while it waited for a retry) is kept and delivered again, before later events, to a running
 * member; until one exists it counts toward the group's lag.
 *
 * <p>Thread-safety: all state is guarded by the topic's lock; the delivery thread reads and
 * advances it, completion callbacks (executor workers) release in-flight events, subscriptions add,
 * pause and remove members.
 */
final class MemoryGroup implements Runnable {

	private static final Logger logger = LoggerFactory.getLogger(MemoryGroup.class);

	/** Longest wait of one dispatch for room in the executor before the delivery thread re-checks. */
	private static final Duration DISPATCH_WAIT = Duration.ofMillis(100);

	private static final long IDLE_WAIT_NANOS = MemoryTopic.millis(500);

	private static final long PRESSURE_WAIT_NANOS = MemoryTopic.millis(5);

	private static final String SUBJECT_HEADER = HeaderStyle.KAFKA.header("subject");

	private final MemoryTopic topic;

	private final String name;

	private final KeyedExecutor executor;

	private final Thread thread;

	private final List<Member> members = new ArrayList<>();

	private final Map<String, KeyState> keys = new HashMap<>();

	/** Events handed to members and not finished; identity set, guarded by the topic lock. */
	private final Set<Pick> inFlight = Collections.newSetFromMap(new IdentityHashMap<>());

	private final PriorityQueue<InboundMessage> redelivery = new PriorityQueue<>(
			Comparator.comparingLong((InboundMessage message) -> Objects.requireNonNull(message.offset())));

	private long position;

	private int roundRobin;

	private boolean running = true;

	private boolean warnedShutdown;

	MemoryGroup(MemoryTopic topic, String name, long position, KeyedExecutor executor) {
		this.topic = topic;
		this.name = name;
		this.position = position;
		this.executor = executor;
		this.thread = new Thread(this, "eventbus-memory-" + topic.name + "-" + name);
		this.thread.setDaemon(true);
	}

	/** A subscription's side of the group. */
	interface Member {

		/** @return whether new events may go to it (running, not paused or closing) */
		boolean accepting();

		/** Hands an event to its dispatcher; see {@link dev.eventbus.core.support.SubscriptionDispatcher#dispatch}. */
		CompletableFuture<Outcome> dispatch(InboundMessage message, Duration maxWait);

	}

	void start() {
		this.thread.start();
	}

	String name() {
		return this.name;
	}

	/** Called with the topic lock held. @return the next offset to deliver from the log */
	long position() {
		return this.position;
	}

	void add(Member member) {
		this.topic.lock.lock();
		try {
			this.members.add(member);
			this.topic.changed.signalAll();
		}
		finally {
			this.topic.lock.unlock();
		}
	}

	/**
	 * Removes a member. Events still in flight at it (a handler that outlived the close timeout) are
	 * abandoned: delivered again to another member, their keys free; whatever the old member's
	 * handler still does with them later is ignored here (at-least-once, as on a real broker whose
	 * consumer left the group without committing).
	 */
	void remove(Member member) {
		this.topic.lock.lock();
		try {
			this.members.remove(member);
			for (Iterator<Pick> picks = this.inFlight.iterator(); picks.hasNext();) {
				Pick pick = picks.next();
				if (pick.member == member) {
					picks.remove();
					if (this.running) {
						this.redelivery.add(pick.message);
					}
					release(pick);
				}
			}
			this.topic.changed.signalAll();
		}
		finally {
			this.topic.lock.unlock();
		}
	}

	/** @return events kept for this group and not yet handed to a member */
	long lag() {
		this.topic.lock.lock();
		try {
			return (this.topic.nextOffset() - this.position) + this.redelivery.size();
		}
		finally {
			this.topic.lock.unlock();
		}
	}

	/** Stops the delivery thread; events in flight are not redelivered any more. */
	void stop(Duration timeout) {
		this.topic.lock.lock();
		try {
			this.running = false;
			this.topic.changed.signalAll();
		}
		finally {
			this.topic.lock.unlock();
		}
		try {
			this.thread.join(Math.max(1, timeout.toMillis()));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void run() {
		while (true) {
			Pick pick;
			this.topic.lock.lock();
			try {
				pick = next();
			}
			finally {
				this.topic.lock.unlock();
			}
			if (pick == null) {
				return;
			}
			deliver(pick);
		}
	}

	/** Called with the topic lock held: waits for an event and a member for it. @return null to stop */
	private @Nullable Pick next() {
		while (this.running) {
			long wait = IDLE_WAIT_NANOS;
			if (this.executor.isUnderPressure()) {
				wait = PRESSURE_WAIT_NANOS;
			}
			else {
				boolean redelivered = !this.redelivery.isEmpty();
				InboundMessage message = redelivered ? this.redelivery.peek() : this.topic.at(this.position);
				if (message != null) {
					String aggregate = aggregateOf(message.wire());
					Member member = choose(aggregate);
					if (member != null) {
						if (redelivered) {
							this.redelivery.poll();
						}
						else {
							this.position++;
							this.topic.trim();
						}
						if (aggregate != null) {
							this.keys.computeIfAbsent(aggregate, (key) -> new KeyState(member)).inFlight++;
						}
						Pick pick = new Pick(message, aggregate, member);
						this.inFlight.add(pick);
						return pick;
					}
				}
			}
			if (!this.topic.awaitChange(wait)) {
				return null;
			}
		}
		return null;
	}

	/** Called with the topic lock held. @return the member for the aggregate, or null to wait */
	private @Nullable Member choose(@Nullable String aggregate) {
		if (aggregate != null) {
			KeyState state = this.keys.get(aggregate);
			if (state != null) {
				return state.member.accepting() ? state.member : null;
			}
		}
		int accepting = 0;
		for (Member member : this.members) {
			if (member.accepting()) {
				accepting++;
			}
		}
		if (accepting == 0) {
			return null;
		}
		int index = (aggregate != null) ? Math.floorMod(aggregate.hashCode(), accepting)
				: Math.floorMod(this.roundRobin++, accepting);
		for (Member member : this.members) {
			if (member.accepting() && index-- == 0) {
				return member;
			}
		}
		return null;
	}

	private void deliver(Pick pick) {
		CompletableFuture<Outcome> result;
		try {
			result = pick.member.dispatch(pick.message, DISPATCH_WAIT);
		}
		catch (RuntimeException ex) {
			putBack(pick, ex);
			return;
		}
		result.whenComplete((outcome, error) -> completed(pick, error));
	}

	/** The executor did not take the event: keep it for the next round, after a short pause. */
	private void putBack(Pick pick, RuntimeException failure) {
		boolean shutdown = this.executor.isShutdown();
		this.topic.lock.lock();
		try {
			if (shutdown && !this.warnedShutdown && this.running) {
				this.warnedShutdown = true;
				logger.error("The keyed executor was shut down while memory group '{}' of topic '{}' is running; "
						+ "its events wait until the bus is closed", this.name, this.topic.name, failure);
			}
			else if (!(failure instanceof RejectedExecutionException)) {
				logger.error("Handing event at offset {} of memory topic '{}' to group '{}' failed; retrying",
						pick.message.offset(), this.topic.name, this.name, failure);
			}
			this.inFlight.remove(pick);
			this.redelivery.add(pick.message);
			release(pick);
			this.topic.awaitChange(DISPATCH_WAIT.toNanos());
		}
		finally {
			this.topic.lock.unlock();
		}
	}

	private void completed(Pick pick, @Nullable Throwable error) {
		this.topic.lock.lock();
		try {
			if (!this.inFlight.remove(pick)) {
				// Abandoned when its member left: already put back and released.
				return;
			}
			if (error != null) {
				if (this.running) {
					logger.debug("Event at offset {} of memory topic '{}' did not finish in group '{}' ({}); "
							+ "delivering it again", pick.message.offset(), this.topic.name, this.name, error.toString());
					this.redelivery.add(pick.message);
				}
				else {
					logger.debug("Event at offset {} of memory topic '{}' did not finish in group '{}' before the "
							+ "bus closed: {}", pick.message.offset(), this.topic.name, this.name, error.toString());
				}
			}
			release(pick);
			this.topic.changed.signalAll();
		}
		finally {
			this.topic.lock.unlock();
		}
	}

	/** Called with the topic lock held. */
	private void release(Pick pick) {
		if (pick.aggregate != null) {
			KeyState state = this.keys.get(pick.aggregate);
			if (state != null && --state.inFlight == 0) {
				this.keys.remove(pick.aggregate);
			}
		}
	}

	/** @return the aggregate id: the message key, or the CloudEvents subject header; null when unkeyed */
	static @Nullable String aggregateOf(WireMessage wire) {
		String key = wire.key();
		return (key != null) ? key : wire.header(SUBJECT_HEADER);
	}

	/** Which member holds an aggregate and how many of its events are in flight there. */
	private static final class KeyState {

		final Member member;

		int inFlight;

		KeyState(Member member) {
			this.member = member;
		}

	}

	private record Pick(InboundMessage message, @Nullable String aggregate, Member member) {
	}

}

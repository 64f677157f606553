package dev.eventbus.core.memory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import dev.eventbus.core.api.Subscription;
import dev.eventbus.core.support.InboundMessage;
import dev.eventbus.core.support.Outcome;
import dev.eventbus.core.support.SubscriptionDispatcher;

/**
 * A subscription of the memory bus: a member of its group on each of its topics, delivering through
 * its own {@link SubscriptionDispatcher}.
 *
 * <p>Thread-safety: {@link #state} is volatile, read by the groups' delivery threads and changed by
 * application threads under this object's monitor; {@link #drained} is notified by the threads that
 * complete events.
 */
final class MemorySubscription implements Subscription, MemoryGroup.Member {

	private final String id;

	private final List<String> topics;

	private final String group;

	private final SubscriptionDispatcher<?> dispatcher;

	private final Duration defaultCloseTimeout;

	private final Consumer<MemorySubscription> onClosed;

	private final List<MemoryTopic> joinedTopics = new ArrayList<>();

	private final List<MemoryGroup> joinedGroups = new ArrayList<>();

	private final Object drained = new Object();

	private volatile State state = State.RUNNING;

	private volatile boolean closing;

	MemorySubscription(String id, List<String> topics, String group, SubscriptionDispatcher<?> dispatcher,
			Duration defaultCloseTimeout, Consumer<MemorySubscription> onClosed) {
		this.id = id;
		this.topics = List.copyOf(topics);
		this.group = group;
		this.dispatcher = dispatcher;
		this.defaultCloseTimeout = defaultCloseTimeout;
		this.onClosed = onClosed;
	}

	/** Joins the group on a topic; called once per topic before the subscription is returned. */
	void join(MemoryTopic topic, MemoryGroup memoryGroup) {
		synchronized (this) {
			this.joinedTopics.add(topic);
			this.joinedGroups.add(memoryGroup);
		}
		memoryGroup.add(this);
	}

	@Override
	public String id() {
		return this.id;
	}

	@Override
	public List<String> topics() {
		return this.topics;
	}

	@Override
	public String group() {
		return this.group;
	}

	@Override
	public State state() {
		return this.state;
	}

	@Override
	public void pause() {
		synchronized (this) {
			if (this.state != State.RUNNING) {
				return;
			}
			this.state = State.PAUSED;
		}
		signalTopics();
	}

	@Override
	public void resume() {
		synchronized (this) {
			if (this.state != State.PAUSED) {
				return;
			}
			this.state = State.RUNNING;
		}
		signalTopics();
	}

	@Override
	public long pending() {
		return this.dispatcher.pending();
	}

	@Override
	public long lag() {
		long lag = 0;
		for (MemoryGroup memoryGroup : groups()) {
			lag += memoryGroup.lag();
		}
		return lag;
	}

	@Override
	public void close(Duration timeout) {
		if (!beginClose()) {
			return;
		}
		awaitDrained(timeout);
		finishClose();
	}

	@Override
	public void close() {
		close(this.defaultCloseTimeout);
	}

	/** Stops taking new events. @return false if already closing */
	boolean beginClose() {
		synchronized (this) {
			if (this.closing) {
				return false;
			}
			this.closing = true;
			this.state = State.CLOSED;
		}
		signalTopics();
		return true;
	}

	/** Waits until every event handed to this subscription finished, or the timeout passed. */
	void awaitDrained(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (this.drained) {
			while (this.dispatcher.pending() > 0) {
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0) {
					return;
				}
				try {
					this.drained.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining)));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}
	}

	/**
	 * Closes the dispatcher (events not finished complete exceptionally and their groups deliver them
	 * again to another member) and leaves the groups.
	 */
	void finishClose() {
		this.dispatcher.close();
		for (MemoryGroup memoryGroup : groups()) {
			memoryGroup.remove(this);
		}
		this.onClosed.accept(this);
	}

	@Override
	public boolean accepting() {
		return this.state == State.RUNNING;
	}

	@Override
	public CompletableFuture<Outcome> dispatch(InboundMessage message, Duration maxWait) {
		return this.dispatcher.dispatch(message, maxWait);
	}

	@Override
	public void finished() {
		if (this.closing) {
			synchronized (this.drained) {
				this.drained.notifyAll();
			}
		}
	}

	private synchronized List<MemoryGroup> groups() {
		return List.copyOf(this.joinedGroups);
	}

	private void signalTopics() {
		List<MemoryTopic> topicsToSignal;
		synchronized (this) {
			topicsToSignal = List.copyOf(this.joinedTopics);
		}
		topicsToSignal.forEach(MemoryTopic::signal);
	}

	@Override
	public String toString() {
		return "MemorySubscription{id=" + this.id + ", state=" + this.state + "}";
	}

}

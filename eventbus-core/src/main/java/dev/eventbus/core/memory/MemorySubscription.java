package dev.eventbus.core.memory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.eventbus.core.support.AbstractSubscription;
import dev.eventbus.core.support.InboundMessage;
import dev.eventbus.core.support.Outcome;
import dev.eventbus.core.support.SubscriptionRequest;

/**
 * A subscription of the memory bus: a member of its group on each of its topics, delivering through
 * its own dispatcher. It takes new events only while RUNNING.
 *
 * <p>Thread-safety: the joined topics and groups are guarded by this object's monitor; the state
 * lives in {@link AbstractSubscription}, read by the groups' delivery threads.
 */
final class MemorySubscription extends AbstractSubscription implements MemoryGroup.Member {

	private final List<MemoryTopic> joinedTopics = new ArrayList<>();

	private final List<MemoryGroup> joinedGroups = new ArrayList<>();

	MemorySubscription(SubscriptionRequest<?> request) {
		super(request);
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
	public long lag() {
		long lag = 0;
		for (MemoryGroup memoryGroup : groups()) {
			lag += memoryGroup.lag();
		}
		return lag;
	}

	@Override
	protected void onPaused() {
		signalTopics();
	}

	@Override
	protected void onResumed() {
		signalTopics();
	}

	@Override
	protected void onFailed(Throwable cause) {
		signalTopics();
	}

	@Override
	protected void stopFetching() {
		signalTopics();
	}

	/**
	 * Leaves the groups: events it did not finish go back to the group, to be delivered to another
	 * member (or kept until one subscribes).
	 */
	@Override
	protected void release(long unfinished, long deadline) {
		for (MemoryGroup memoryGroup : groups()) {
			memoryGroup.remove(this);
		}
	}

	@Override
	public boolean accepting() {
		return fetching();
	}

	@Override
	public CompletableFuture<Outcome> dispatch(InboundMessage message, Duration maxWait) {
		return dispatcher().dispatch(message, maxWait);
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

}

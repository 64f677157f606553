package dev.eventbus.core.memory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-process "broker" of memory buses: their topics and consumer groups. A bus built without
 * one has its own, closed with the bus. Several buses given the same broker behave like instances
 * of one service on a real broker: every group gets every event, and the subscriptions of one group
 * on the different buses share its events, one key at one subscription at a time. Keeps nothing
 * across restarts.
 *
 * <p>Thread-safe.
 */
public final class MemoryBroker implements AutoCloseable {

	private final Map<String, MemoryTopic> topics = new ConcurrentHashMap<>();

	/** Creates an empty broker. */
	public MemoryBroker() {
	}

	/**
	 * @param name topic name
	 * @param capacity backlog bound used when the topic is created by this call
	 * @return the topic, created if new
	 */
	MemoryTopic topic(String name, int capacity) {
		return this.topics.computeIfAbsent(name, (key) -> new MemoryTopic(key, capacity));
	}

	/** @return the topic names, a snapshot */
	public List<String> topicNames() {
		return List.copyOf(this.topics.keySet());
	}

	/**
	 * Stops the groups' delivery threads and rejects further publishes. Buses using this broker
	 * should be closed first.
	 */
	@Override
	public void close() {
		List<MemoryTopic> all = List.copyOf(this.topics.values());
		for (MemoryTopic topic : all) {
			for (MemoryGroup group : topic.groups()) {
				group.stop(Duration.ofSeconds(1));
			}
		}
		all.forEach(MemoryTopic::close);
	}

}

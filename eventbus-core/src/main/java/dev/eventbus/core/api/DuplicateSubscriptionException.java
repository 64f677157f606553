package dev.eventbus.core.api;

/**
 * Thrown by {@link EventBus#subscribe} when the bus already has an open subscription of the same
 * consumer group to one of the topics. One bus holds at most one subscription per (group, topic):
 * two would split that topic's events between their listeners inside one application, which is never
 * what a second handler method means. Instances of one group share the events across buses (other
 * processes), not within one.
 */
public class DuplicateSubscriptionException extends EventBusException {

	private static final long serialVersionUID = 1L;

	private final String subscriptionId;

	private final String group;

	private final String topic;

	/**
	 * @param transport the transport name
	 * @param subscriptionId id of the subscription that exists already ({@code group/topic[,topic...]})
	 * @param group the consumer group both subscriptions name
	 * @param topic a topic both subscriptions read
	 */
	public DuplicateSubscriptionException(String transport, String subscriptionId, String group, String topic) {
		super("The " + transport + " event bus already has subscription '" + subscriptionId + "', which reads topic '"
				+ topic + "' for group '" + group + "': close it first, or subscribe with another group "
				+ "(each group gets every event; instances of one group in other processes share them)");
		this.subscriptionId = subscriptionId;
		this.group = group;
		this.topic = topic;
	}

	/** @return id of the existing subscription, {@code group/topic[,topic...]} */
	public String subscriptionId() {
		return this.subscriptionId;
	}

	/** @return the consumer group both subscriptions name */
	public String group() {
		return this.group;
	}

	/** @return the first topic found that both subscriptions read */
	public String topic() {
		return this.topic;
	}

}

package dev.eventbus.core.api;

/**
 * Thrown by {@link EventBus#subscribe} when the bus already has an open subscription with the same
 * consumer group and topics. One bus holds at most one subscription per (group, topics): two would
 * compete for the same events inside one application, which is never what a second handler method
 * means. Instances of one group share the events across buses (other processes), not within one.
 */
public class DuplicateSubscriptionException extends EventBusException {

	private static final long serialVersionUID = 1L;

	private final String subscriptionId;

	/**
	 * @param transport the transport name
	 * @param subscriptionId id of the subscription that exists already ({@code group/topic[,topic...]})
	 */
	public DuplicateSubscriptionException(String transport, String subscriptionId) {
		super("The " + transport + " event bus already has subscription '" + subscriptionId
				+ "' (same group and topics): close it first, or subscribe with another group "
				+ "(each group gets every event; instances of one group in other processes share them)");
		this.subscriptionId = subscriptionId;
	}

	/** @return id of the existing subscription, {@code group/topic[,topic...]} */
	public String subscriptionId() {
		return this.subscriptionId;
	}

}

package dev.eventbus.test.recording;

import org.jspecify.annotations.Nullable;

import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.PublishReceipt;

/**
 * One event the broker acknowledged, as the application handed it to the bus (before the bus's own
 * decorators, such as envelope customizers, changed it).
 *
 * @param topic the topic it was published to
 * @param envelope the event
 * @param receipt where the broker stored it
 */
public record PublishedEvent(String topic, Envelope<?> envelope, PublishReceipt receipt) {

	/** @return the event id */
	public String eventId() {
		return this.envelope.eventId();
	}

	/** @return the aggregate id, or null for an unkeyed event */
	public @Nullable String aggregateId() {
		return this.envelope.aggregateId();
	}

	/** @return the CloudEvents type */
	public String eventType() {
		return this.envelope.eventType();
	}

	/** @return the payload as published */
	public Object payload() {
		return this.envelope.payload();
	}

	/**
	 * The payload as a given type.
	 * @param <T> the type
	 * @param type the payload's expected class
	 * @return the payload
	 * @throws AssertionError naming both classes if the payload is of another class
	 */
	public <T> T payload(Class<T> type) {
		Object payload = this.envelope.payload();
		if (!type.isInstance(payload)) {
			throw new AssertionError("the payload of " + this + " is a " + payload.getClass().getName()
					+ ", not a " + type.getName());
		}
		return type.cast(payload);
	}

	@Override
	public String toString() {
		return eventType() + " " + eventId() + " on '" + this.topic + "'"
				+ ((aggregateId() != null) ? " of aggregate '" + aggregateId() + "'" : " (unkeyed)") + ": "
				+ this.envelope.payload();
	}

}

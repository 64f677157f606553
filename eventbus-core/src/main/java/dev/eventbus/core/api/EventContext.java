package dev.eventbus.core.api;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What a handler knows about the event it is handling besides the payload.
 *
 * @param envelope the event's envelope (metadata and payload)
 * @param transport {@code kafka}, {@code nats} or {@code memory}
 * @param topic the topic the event was consumed from
 * @param group the consumer group of the subscription
 * @param attempt 1 for the first delivery to the handler, 2 for the first retry, and so on
 * @param partition Kafka partition, null on other transports
 * @param offset Kafka offset or memory log position, null on NATS
 * @param streamSequence JetStream stream sequence, null on other transports
 * @param transportHeaders the raw transport headers, for diagnostics
 */
public record EventContext(Envelope<?> envelope, String transport, String topic, String group, int attempt,
		@Nullable Integer partition, @Nullable Long offset, @Nullable Long streamSequence,
		Map<String, String> transportHeaders) {

	/** @return the event id */
	public String eventId() {
		return this.envelope.eventId();
	}

	/** @return the aggregate id, or null for an unkeyed event */
	public @Nullable String aggregateId() {
		return this.envelope.aggregateId();
	}

	/** @return the event type */
	public String eventType() {
		return this.envelope.eventType();
	}

	/**
	 * A copy for a later attempt.
	 * @param nextAttempt the attempt number
	 * @return the copy
	 */
	public EventContext withAttempt(int nextAttempt) {
		return new EventContext(this.envelope, this.transport, this.topic, this.group, nextAttempt, this.partition,
				this.offset, this.streamSequence, this.transportHeaders);
	}

}

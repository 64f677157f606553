package dev.eventbus.core.api;

import org.jspecify.annotations.Nullable;

/**
 * The broker's acknowledgement of a publish.
 *
 * @param topic the topic the event was stored in
 * @param eventId the event id
 * @param partition Kafka partition, null on other transports
 * @param offset Kafka offset or memory log position, null on NATS
 * @param streamSequence JetStream stream sequence, null on other transports
 * @param duplicate whether the broker recognised the event id as already stored (JetStream
 * de-duplication) and did not store it again
 */
public record PublishReceipt(String topic, String eventId, @Nullable Integer partition, @Nullable Long offset,
		@Nullable Long streamSequence, boolean duplicate) {

}

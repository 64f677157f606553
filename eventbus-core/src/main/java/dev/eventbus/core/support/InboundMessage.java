package dev.eventbus.core.support;

import dev.eventbus.core.codec.WireMessage;

import org.jspecify.annotations.Nullable;

/**
 * A message as fetched from a broker, before decoding.
 *
 * @param topic the topic (Kafka topic, NATS subject without prefix)
 * @param wire key, headers and payload
 * @param partition Kafka partition or null
 * @param offset Kafka offset or memory position, or null
 * @param streamSequence JetStream stream sequence or null
 */
public record InboundMessage(String topic, WireMessage wire, @Nullable Integer partition, @Nullable Long offset,
		@Nullable Long streamSequence) {

}

package dev.eventbus.test;

import dev.eventbus.core.kafka.KafkaGroupProtocol;

/**
 * The contract on Kafka under the consumer group protocol of KIP-848 ({@code group.protocol=consumer}):
 * the broker set-up of {@link KafkaEventBusContractTests}, whose consumers speak the classic protocol,
 * with the bus's consumers on {@link KafkaGroupProtocol#CONSUMER} (no classic-only client settings).
 */
class KafkaConsumerProtocolContractTests extends KafkaEventBusContractTests {

	@Override
	protected KafkaGroupProtocol groupProtocol() {
		return KafkaGroupProtocol.CONSUMER;
	}

}

package dev.eventbus.autoconfigure.kafka;

import dev.eventbus.core.kafka.KafkaOptions;

/**
 * Adjusts the Kafka transport's options after they were mapped from {@code eventbus.kafka.*} and
 * before the bus is built, for settings that are not properties (for example credentials read from
 * a vault). Customizer beans are applied in their {@code @Order}.
 */
@FunctionalInterface
public interface EventBusKafkaOptionsCustomizer {

	/**
	 * @param options the options builder, pre-filled from the properties
	 */
	void customize(KafkaOptions.Builder options);

}

package dev.eventbus.autoconfigure.kafka;

import org.springframework.kafka.core.DefaultKafkaConsumerFactory;

/**
 * Adjusts the consumer factories the Kafka bus creates, one per subscription (its
 * {@code group.id} is in {@code getConfigurationProperties()}), for what {@code eventbus.kafka.*} and
 * {@link EventBusKafkaOptionsCustomizer} do not cover: a {@code ConsumerFactory.Listener}, a consumer
 * post-processor, or configuration through {@code updateConfigs}. The factories live inside the bus
 * and are never beans.
 *
 * <p>Customizer beans are applied in their {@code @Order} (the starter's own
 * {@code eventBusKafkaConsumerMetrics}, which adds spring-kafka's {@code MicrometerConsumerListener},
 * is one of them) to every consumer factory, on the thread subscribing, before its consumer is
 * created. The deserializers, {@code group.id} and {@code enable.auto.commit} belong to the bus and
 * must not be changed.
 */
@FunctionalInterface
public interface EventBusKafkaConsumerFactoryCustomizer {

	/**
	 * @param factory a subscription's consumer factory, configured from the options; no consumer
	 * created yet
	 */
	void customize(DefaultKafkaConsumerFactory<String, byte[]> factory);

}

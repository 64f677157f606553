package dev.eventbus.autoconfigure.kafka;

import org.springframework.kafka.core.DefaultKafkaProducerFactory;

/**
 * Adjusts the producer factory the Kafka bus creates for its publisher, for what
 * {@code eventbus.kafka.*} and {@link EventBusKafkaOptionsCustomizer} do not cover: a
 * {@code ProducerFactory.Listener}, a producer post-processor, or configuration through
 * {@code updateConfigs}. The factory lives inside the bus and is never a bean.
 *
 * <p>Customizer beans are applied in their {@code @Order} (the starter's own
 * {@code eventBusKafkaProducerMetrics}, which adds spring-kafka's {@code MicrometerProducerListener},
 * is one of them), once, on the thread creating the {@code eventBus} bean, after the client
 * configuration was derived from the options and before the producer is created. The key and value
 * serializers belong to the bus and must not be changed.
 */
@FunctionalInterface
public interface EventBusKafkaProducerFactoryCustomizer {

	/**
	 * @param factory the bus's producer factory, configured from the options; no producer created yet
	 */
	void customize(DefaultKafkaProducerFactory<String, byte[]> factory);

}

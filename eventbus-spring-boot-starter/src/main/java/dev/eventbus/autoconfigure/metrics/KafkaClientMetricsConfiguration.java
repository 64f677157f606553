package dev.eventbus.autoconfigure.metrics;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.kafka.core.MicrometerConsumerListener;
import org.springframework.kafka.core.MicrometerProducerListener;

import dev.eventbus.autoconfigure.kafka.EventBusKafkaConsumerFactoryCustomizer;
import dev.eventbus.autoconfigure.kafka.EventBusKafkaProducerFactoryCustomizer;

/**
 * The Kafka clients' own meters ({@code kafka.producer.*}, {@code kafka.consumer.*}) for the bus's
 * producer and consumers, bound by spring-kafka's {@link MicrometerProducerListener} and
 * {@link MicrometerConsumerListener} through the factory customizers {@code eventBusKafkaProducerMetrics}
 * and {@code eventBusKafkaConsumerMetrics} (ordered first). The meters carry the listeners' usual tags
 * ({@code client.id}, {@code kafka.version}, {@code spring.id}) and no extra one, so they coexist with
 * the meters Spring Boot binds for its own Kafka factories: Micrometer's Kafka binder drops or
 * replaces a meter whose name is already registered with a different set of tag keys. The bus's
 * clients are the ones whose {@code client.id} starts with {@code eventbus.kafka.client-id}. Meters of
 * a client are removed when the bus closes it.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = { "org.springframework.kafka.core.MicrometerProducerListener",
		"org.apache.kafka.clients.producer.KafkaProducer" })
@ConditionalOnProperty(name = "eventbus.transport", havingValue = "kafka")
class KafkaClientMetricsConfiguration {

	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE)
	@ConditionalOnMissingBean(name = "eventBusKafkaProducerMetrics")
	EventBusKafkaProducerFactoryCustomizer eventBusKafkaProducerMetrics(MeterRegistry registry) {
		MicrometerProducerListener<String, byte[]> listener = new MicrometerProducerListener<>(registry);
		return (factory) -> factory.addListener(listener);
	}

	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE)
	@ConditionalOnMissingBean(name = "eventBusKafkaConsumerMetrics")
	EventBusKafkaConsumerFactoryCustomizer eventBusKafkaConsumerMetrics(MeterRegistry registry) {
		MicrometerConsumerListener<String, byte[]> listener = new MicrometerConsumerListener<>(registry);
		return (factory) -> factory.addListener(listener);
	}

}

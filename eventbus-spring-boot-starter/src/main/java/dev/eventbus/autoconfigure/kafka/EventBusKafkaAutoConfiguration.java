package dev.eventbus.autoconfigure.kafka;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

import dev.eventbus.autoconfigure.EventBusComponents;
import dev.eventbus.autoconfigure.EventBusOptionsErrors;
import dev.eventbus.autoconfigure.EventBusProperties;
import dev.eventbus.autoconfigure.EventBusTransportProbe;
import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.kafka.KafkaEventBus;
import dev.eventbus.core.kafka.KafkaOptions;

/**
 * The Kafka transport, selected by {@code eventbus.transport=kafka} when spring-kafka is on the
 * classpath. Beans: {@code eventBusKafkaOptions} ({@link KafkaOptions} from {@code eventbus.kafka.*},
 * the scenario and the {@link EventBusKafkaOptionsCustomizer}s), {@code eventBus} (a
 * {@link KafkaEventBus} behind the publish circuit breaker) and {@code eventBusTransportProbe}
 * (cluster description). The tuned producer and consumer factories live inside the bus: no
 * {@code ProducerFactory}, {@code ConsumerFactory} or {@code KafkaTemplate} bean is registered, so
 * Spring Boot's own Kafka auto-configuration is unaffected. {@link EventBusKafkaProducerFactoryCustomizer}
 * and {@link EventBusKafkaConsumerFactoryCustomizer} beans reach those factories, in their
 * {@code @Order}. {@code eventbus.kafka.ssl.bundle} takes every client's TLS material from a Spring
 * Boot SSL bundle ({@link SslBundles}). With spring-boot-kafka on the classpath, a Spring Boot
 * {@code KafkaConnectionDetails} bean defined by the application or a service connection
 * ({@code @ServiceConnection}) replaces {@code eventbus.kafka.bootstrap-servers} (and, when it
 * returns them, the security protocol and TLS material); the one Spring Boot derives from
 * {@code spring.kafka.*} is ignored, so the {@code eventbus.kafka.*} properties win over it.
 */
@AutoConfiguration
@ConditionalOnClass(name = { "org.springframework.kafka.core.DefaultKafkaProducerFactory",
		"org.apache.kafka.clients.producer.KafkaProducer" })
@ConditionalOnProperty(name = "eventbus.transport", havingValue = "kafka")
@EnableConfigurationProperties({ EventBusProperties.class, EventBusKafkaProperties.class })
@Import({ EventBusKafkaAutoConfiguration.KafkaBusConfiguration.class,
		EventBusKafkaAutoConfiguration.BootConnectionDetailsConfiguration.class })
public final class EventBusKafkaAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	KafkaOptions eventBusKafkaOptions(EventBusKafkaProperties properties, EventBusProperties busProperties,
			Environment environment, ObjectProvider<EventBusKafkaOptionsCustomizer> customizers,
			ObjectProvider<SslBundles> sslBundles, ObjectProvider<KafkaConnection.Source> connectionSource) {
		KafkaConnection.Source source = connectionSource.getIfAvailable();
		KafkaConnection connection = (source != null) ? source.connection() : null;
		KafkaOptions mapped = KafkaOptionsMapper.map(properties, environment, sslBundles.getIfAvailable(), connection);
		String deadLetterSuffix = busProperties.getDeadLetter().getSuffix();
		if (deadLetterSuffix == null && customizers.orderedStream().findAny().isEmpty()) {
			return mapped;
		}
		KafkaOptions.Builder builder = mapped.toBuilder();
		if (deadLetterSuffix != null) {
			builder.deadLetterSuffix(deadLetterSuffix);
		}
		customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
		try {
			return builder.build();
		}
		catch (IllegalArgumentException ex) {
			throw EventBusOptionsErrors.translate("eventbus.kafka", ex);
		}
	}

	@Bean
	@ConditionalOnMissingBean(name = "eventBusTransportProbe")
	EventBusTransportProbe eventBusTransportProbe(KafkaOptions eventBusKafkaOptions) {
		return new KafkaTransportProbe(eventBusKafkaOptions);
	}

	/**
	 * Spring Boot's {@code KafkaConnectionDetails}, read only when spring-boot-kafka is present.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails")
	static class BootConnectionDetailsConfiguration {

		@Bean
		KafkaConnection.Source eventBusKafkaConnectionSource(ObjectProvider<KafkaConnectionDetails> details) {
			return new BootKafkaConnectionDetails(details)::connection;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(EventBus.class)
	static class KafkaBusConfiguration {

		@Bean
		EventBus eventBus(KafkaOptions eventBusKafkaOptions, EventBusComponents components,
				ObjectProvider<EventBusKafkaProducerFactoryCustomizer> producerFactoryCustomizers,
				ObjectProvider<EventBusKafkaConsumerFactoryCustomizer> consumerFactoryCustomizers) {
			KafkaEventBus.Builder builder = KafkaEventBus.builder(eventBusKafkaOptions).settings(components.settings());
			producerFactoryCustomizers.orderedStream()
				.forEach((customizer) -> builder.producerFactoryCustomizer(customizer::customize));
			consumerFactoryCustomizers.orderedStream()
				.forEach((customizer) -> builder.consumerFactoryCustomizer(customizer::customize));
			return components.decorate(builder.build());
		}

	}

}

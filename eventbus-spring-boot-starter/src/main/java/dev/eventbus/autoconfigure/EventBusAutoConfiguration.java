package dev.eventbus.autoconfigure;

import java.util.List;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.observation.ObservationRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.codec.EnvelopeCodec;
import dev.eventbus.core.codec.JsonPayloadCodec;
import dev.eventbus.core.codec.PayloadCodec;
import dev.eventbus.core.keyed.KeyedExecutor;
import dev.eventbus.core.keyed.KeyedExecutorOptions;
import dev.eventbus.core.metrics.EventBusObserver;
import dev.eventbus.core.observation.HandleObservationConvention;
import dev.eventbus.core.observation.PublishObservationConvention;

/**
 * Auto-configuration of the parts of the event bus every transport shares: the keyed executor
 * ({@code eventBusExecutor}), the envelope codec ({@code eventBusEnvelopeCodec}), the publish
 * circuit breaker ({@code eventBusPublishCircuitBreaker}) and {@code eventBusComponents}, from which
 * the transport auto-configurations build the {@code eventBus} bean. Runs after them so that it can
 * explain a selected transport that could not be configured. The components carry the application's
 * {@code ObservationRegistry} (Boot's, when Micrometer Observation is auto-configured) and any
 * {@code PublishObservationConvention} / {@code HandleObservationConvention} bean, unless
 * {@code eventbus.observation.enabled=false}.
 */
@AutoConfiguration(afterName = { "dev.eventbus.autoconfigure.EventBusMemoryAutoConfiguration",
		"dev.eventbus.autoconfigure.kafka.EventBusKafkaAutoConfiguration",
		"dev.eventbus.autoconfigure.nats.EventBusNatsAutoConfiguration" })
@EnableConfigurationProperties(EventBusProperties.class)
@Import(EventBusAutoConfiguration.CircuitBreakerConfiguration.class)
public final class EventBusAutoConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(EventBusAutoConfiguration.class);

	private static final String VIRTUAL_THREADS_PROPERTY = "eventbus.executor.virtual-threads";

	private static final String SPRING_VIRTUAL_THREADS_PROPERTY = "spring.threads.virtual.enabled";

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	KeyedExecutor eventBusExecutor(EventBusProperties properties, Environment environment) {
		EventBusProperties.Executor executor = properties.getExecutor();
		boolean virtualThreads = virtualThreads(executor, environment);
		KeyedExecutorOptions options;
		try {
			KeyedExecutorOptions.Builder builder = KeyedExecutorOptions.builder()
				.virtualThreads(virtualThreads)
				.maxPending(executor.getMaxPending())
				.highWatermark(executor.getHighWatermark())
				.lowWatermark(executor.getLowWatermark())
				.shutdownTimeout(executor.getShutdownTimeout())
				.threadNamePrefix(executor.getThreadNamePrefix());
			if (!virtualThreads || executor.workersSetExplicitly()) {
				builder.workers(executor.getWorkers()); // virtual and unset: the core default, max-pending
			}
			options = builder.build();
		}
		catch (IllegalArgumentException ex) {
			EventBusConfigurationException translated = EventBusOptionsErrors.translate("eventbus.executor", ex);
			if (VIRTUAL_THREADS_PROPERTY.equals(translated.property())) {
				throw new EventBusConfigurationException(VIRTUAL_THREADS_PROPERTY, translated.getMessage(),
						"Run the application on Java 21 or later, or remove " + VIRTUAL_THREADS_PROPERTY
								+ " (or set it to false) to run handlers on platform threads.",
						ex);
			}
			throw translated;
		}
		return KeyedExecutor.create(options);
	}

	/**
	 * {@code eventbus.executor.virtual-threads} if set (on Java 17 {@code true} fails start-up naming it);
	 * else {@code spring.threads.virtual.enabled}, which, like Spring Boot itself, is ignored before
	 * Java 21: a WARN, and platform threads.
	 */
	private static boolean virtualThreads(EventBusProperties.Executor executor, Environment environment) {
		Boolean explicit = executor.getVirtualThreads();
		if (explicit != null) {
			return explicit;
		}
		if (!environment.getProperty(SPRING_VIRTUAL_THREADS_PROPERTY, Boolean.class, false)) {
			return false;
		}
		if (Runtime.version().feature() < 21) {
			logger.warn("{}=true, but virtual threads need Java 21+, this runtime is Java {}: event handlers run on "
					+ "platform threads (set {} to choose explicitly)", SPRING_VIRTUAL_THREADS_PROPERTY,
					Runtime.version().feature(), VIRTUAL_THREADS_PROPERTY);
			return false;
		}
		return true;
	}

	@Bean
	@ConditionalOnMissingBean
	EnvelopeCodec eventBusEnvelopeCodec(ObjectProvider<PayloadCodec> payloadCodec,
			ObjectProvider<JsonMapper> jsonMapper) {
		PayloadCodec codec = payloadCodec.getIfAvailable(
				() -> new JsonPayloadCodec(jsonMapper.getIfAvailable(JsonPayloadCodec::defaultMapper)));
		return new EnvelopeCodec(codec);
	}

	@Bean
	@ConditionalOnMissingBean
	EventBusComponents eventBusComponents(EventBusProperties properties, Environment environment,
			KeyedExecutor executor, EnvelopeCodec codec, ObjectProvider<EventBusObserver> observers,
			ObjectProvider<PublishCircuitBreaker> circuitBreaker,
			ObjectProvider<EventBusEnvelopeCustomizer> customizers, ObjectProvider<ObservationRegistry> observations,
			ObjectProvider<PublishObservationConvention> publishConvention,
			ObjectProvider<HandleObservationConvention> handleConvention) {
		// Fails start-up on invalid eventbus.retry.* even when no @EventHandler uses the default policy.
		RetryPolicyMapper.defaultPolicy(properties.getRetry(), null);
		String source = properties.getSource();
		if (source == null || source.isBlank()) {
			source = environment.getProperty("spring.application.name", "eventbus");
		}
		List<EventBusObserver> observerList = observers.orderedStream().toList();
		EventBusComponents components = new EventBusComponents(executor, codec,
				CompositeEventBusObserver.of(observerList), source, properties.getShutdownTimeout(),
				circuitBreaker.getIfAvailable(), customizers.orderedStream().toList(),
				properties.getObservation().isEnabled() ? observations.getIfUnique(() -> ObservationRegistry.NOOP)
						: ObservationRegistry.NOOP,
				publishConvention.getIfUnique(), handleConvention.getIfUnique());
		try {
			components.settings();
		}
		catch (IllegalArgumentException ex) {
			throw EventBusOptionsErrors.translate("eventbus", null, ex, "shutdownTimeout", "source");
		}
		EventBusOptionsErrors.validateRetryDefaults(properties.getRetry());
		return components;
	}

	/**
	 * Reached only when no transport auto-configuration defined the bus: the selected transport's
	 * client library is missing.
	 */
	@Bean
	@ConditionalOnMissingBean
	EventBus eventBus(EventBusProperties properties) {
		EventBusProperties.Transport transport = properties.getTransport();
		String library = switch (transport) {
			case KAFKA -> "org.springframework.kafka:spring-kafka";
			case NATS -> "io.nats:jnats";
			case MEMORY -> "eventbus-core";
		};
		throw new EventBusConfigurationException("eventbus.transport",
				"eventbus.transport is '" + transport.id() + "' but the " + transport.id()
						+ " transport could not be configured: its client library is not on the classpath",
				"Add " + library + " to the application's dependencies, or select another transport with "
						+ "eventbus.transport (kafka, nats or memory).");
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(CircuitBreaker.class)
	@ConditionalOnProperty(name = "eventbus.publish.circuit-breaker.enabled", matchIfMissing = true)
	static class CircuitBreakerConfiguration {

		@Bean
		@ConditionalOnMissingBean
		PublishCircuitBreaker eventBusPublishCircuitBreaker(EventBusProperties properties) {
			return new PublishCircuitBreaker(properties.getPublish().getCircuitBreaker());
		}

	}

}

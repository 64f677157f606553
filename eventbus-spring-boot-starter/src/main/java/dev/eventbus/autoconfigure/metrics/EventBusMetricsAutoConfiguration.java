package dev.eventbus.autoconfigure.metrics;

import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import dev.eventbus.autoconfigure.EventBusAutoConfiguration;
import dev.eventbus.autoconfigure.EventBusProperties;
import dev.eventbus.autoconfigure.PublishCircuitBreaker;
import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.keyed.KeyedExecutor;
import dev.eventbus.core.metrics.EventBusObserver;
import dev.eventbus.core.metrics.KeyedExecutorMetrics;
import dev.eventbus.core.metrics.MicrometerEventBusObserver;
import dev.eventbus.core.metrics.SubscriptionMetrics;

/**
 * Micrometer wiring of the event bus when a {@link MeterRegistry} bean exists: the bus's timers
 * ({@code eventBusMeterObserver}), the keyed executor gauges ({@code eventBusExecutorMetrics}),
 * the per-subscription gauges ({@code eventBusSubscriptionMetrics}, refreshed every
 * {@code eventbus.metrics.refresh-interval} and removed when the subscription closes:
 * {@code eventBusSubscriptionMetricsCloseObserver}), resilience4j's meters of the
 * publish circuit breaker ({@code eventBusCircuitBreakerMetrics}), the Kafka client meters through
 * spring-kafka's Micrometer listeners ({@code eventBusKafkaProducerMetrics},
 * {@code eventBusKafkaConsumerMetrics}, see {@link KafkaClientMetricsConfiguration}). Tracing is not
 * configured here: publish and handle are Observations of the application's registry (see
 * {@code eventbus.observation.enabled}), so Boot's tracing propagator writes the trace headers.
 */
@AutoConfiguration(after = EventBusAutoConfiguration.class,
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(MeterRegistry.class)
@Import({ EventBusMetricsAutoConfiguration.CircuitBreakerMetricsConfiguration.class,
		KafkaClientMetricsConfiguration.class })
public final class EventBusMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	MicrometerEventBusObserver eventBusMeterObserver(MeterRegistry registry) {
		return new MicrometerEventBusObserver(registry);
	}

	@Bean
	@ConditionalOnMissingBean(name = "eventBusSubscriptionMetricsCloseObserver")
	EventBusObserver eventBusSubscriptionMetricsCloseObserver(ObjectProvider<SubscriptionMetrics> metrics) {
		return new SubscriptionMetricsCloseObserver(metrics);
	}

	@Bean
	@ConditionalOnBean(KeyedExecutor.class)
	@ConditionalOnMissingBean(name = "eventBusExecutorMetrics")
	KeyedExecutorMetrics eventBusExecutorMetrics(KeyedExecutor executor) {
		return new KeyedExecutorMetrics(executor);
	}

	@Bean
	@ConditionalOnBean(EventBus.class)
	@ConditionalOnMissingBean
	SubscriptionMetrics eventBusSubscriptionMetrics(EventBus eventBus, MeterRegistry registry,
			ObjectProvider<MicrometerEventBusObserver> observer) {
		return new SubscriptionMetrics(eventBus, registry, observer.getIfUnique());
	}

	@Bean
	@ConditionalOnBean(SubscriptionMetrics.class)
	SubscriptionMetricsRefresher eventBusSubscriptionMetricsRefresher(SubscriptionMetrics metrics,
			EventBusProperties properties) {
		return new SubscriptionMetricsRefresher(metrics, properties.getMetrics().getRefreshInterval());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(TaggedCircuitBreakerMetrics.class)
	@ConditionalOnBean(PublishCircuitBreaker.class)
	static class CircuitBreakerMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "eventBusCircuitBreakerMetrics")
		MeterBinder eventBusCircuitBreakerMetrics(PublishCircuitBreaker circuitBreaker) {
			return TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(circuitBreaker.registry());
		}

	}

}

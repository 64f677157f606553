package dev.eventbus.autoconfigure.metrics;

import java.time.Duration;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import dev.eventbus.autoconfigure.EventBusAutoConfigurationTests;
import dev.eventbus.autoconfigure.kafka.EventBusKafkaAutoConfiguration;
import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.api.EventHandler;
import dev.eventbus.core.metrics.MicrometerEventBusObserver;
import dev.eventbus.core.metrics.SubscriptionMetrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class EventBusMetricsAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
				CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class))
		.withConfiguration(EventBusAutoConfigurationTests.EVENTBUS)
		.withConfiguration(AutoConfigurations.of(EventBusMetricsAutoConfiguration.class))
		.withPropertyValues("spring.application.name=metrics-test", "eventbus.executor.workers=2",
				"eventbus.shutdown-timeout=2s", "eventbus.executor.shutdown-timeout=2s",
				"eventbus.metrics.refresh-interval=200ms");

	@Test
	void publishesHandlersAndTheExecutorAreMeasured() {
		this.runner.withUserConfiguration(Handler.class).run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(context).hasSingleBean(MicrometerEventBusObserver.class).hasSingleBean(SubscriptionMetrics.class);
			context.getBean(EventBus.class).publish("metrics-orders", Envelope.of("a-1", "Placed", "x")).get();
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(registry.find("eventbus.handler")
					.tags("transport", "memory", "topic", "metrics-orders", "group", "metrics-test", "outcome",
							"success")
					.timer()).isNotNull());
			assertThat(registry.get("eventbus.publish").tags("transport", "memory", "outcome", "success").timer()
				.count()).isEqualTo(1);
			assertThat(registry.get("eventbus.keyed.pending").gauge().value()).isGreaterThanOrEqualTo(0);
			assertThat(registry.get("eventbus.keyed.workers").gauge().value()).isEqualTo(2);
			assertThat(registry.find("eventbus.keyed.pressure.time").functionCounter()).isNotNull();
			assertThat(registry.get("eventbus.consumer.pending").tags("group", "metrics-test").gauge()).isNotNull();
			assertThat(registry.find("resilience4j.circuitbreaker.state").tag("name", "eventbus-publish").gauges())
				.isNotEmpty();
		});
	}

	@Test
	void subscriptionMetersAreRemovedWhenTheSubscriptionCloses() {
		this.runner.withUserConfiguration(Handler.class).run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			EventBus bus = context.getBean(EventBus.class);
			bus.publish("metrics-orders", Envelope.of("a-1", "Placed", "x")).get();
			await().atMost(Duration.ofSeconds(10))
				.until(() -> registry.find("eventbus.handler").tag("group", "metrics-test").timer() != null);
			assertThat(registry.find("eventbus.consumer.lag").tag("group", "metrics-test").gauge()).isNotNull();
			bus.subscriptions().forEach((subscription) -> subscription.close(Duration.ofSeconds(2)));
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				assertThat(registry.find("eventbus.consumer.lag").tag("group", "metrics-test").gauge()).isNull();
				assertThat(registry.find("eventbus.handler").tag("group", "metrics-test").timer()).isNull();
			});
		});
	}

	@Test
	void kafkaClientMetersAreBoundThroughSpringKafkasMicrometerListeners() {
		this.runner.withConfiguration(AutoConfigurations.of(EventBusKafkaAutoConfiguration.class))
			.withPropertyValues("eventbus.transport=kafka", "eventbus.kafka.bootstrap-servers=127.0.0.1:19092")
			.withUserConfiguration(Handler.class)
			.run((context) -> {
				assertThat(context).hasBean("eventBusKafkaProducerMetrics").hasBean("eventBusKafkaConsumerMetrics");
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
					assertThat(clientMeters(registry, "kafka.producer.", "eventbus-producer-1")).isNotEmpty();
					assertThat(clientMeters(registry, "kafka.consumer.", "eventbus-metrics-test-1")).isNotEmpty();
				});
				context.getBean(EventBus.class)
					.subscriptions()
					.forEach((subscription) -> subscription.close(Duration.ofSeconds(2)));
				await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
						clientMeters(registry, "kafka.consumer.", "eventbus-metrics-test-1")).isEmpty());
			});
	}

	@Test
	void kafkaClientMetersAreNotConfiguredForAnotherTransport() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean("eventBusKafkaProducerMetrics")
			.doesNotHaveBean("eventBusKafkaConsumerMetrics"));
	}

	static List<String> clientMeters(MeterRegistry registry, String prefix, String clientId) {
		return registry.getMeters().stream()
			.filter((meter) -> meter.getId().getName().startsWith(prefix)
					&& clientId.equals(meter.getId().getTag("client.id")))
			.map((meter) -> meter.getId().getName())
			.toList();
	}

	@Test
	void withoutMicrometerNothingIsRegistered() {
		new ApplicationContextRunner().withConfiguration(EventBusAutoConfigurationTests.EVENTBUS)
			.withConfiguration(AutoConfigurations.of(EventBusMetricsAutoConfiguration.class))
			.withPropertyValues("spring.application.name=metrics-test")
			.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.doesNotHaveBean(MicrometerEventBusObserver.class)
					.doesNotHaveBean(SubscriptionMetrics.class);
			});
	}

	@Test
	@SuppressWarnings("removal")
	void handFormattedTraceparentCustomizerIsNoLongerRegistered() {
		this.runner.run((context) -> assertThat(context).hasNotFailed()
			.doesNotHaveBean(TraceparentEnvelopeCustomizer.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class Handler {

		@EventHandler("metrics-orders")
		void on(String event) {
		}

	}

}

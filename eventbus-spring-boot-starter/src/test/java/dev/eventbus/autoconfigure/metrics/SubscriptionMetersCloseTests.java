package dev.eventbus.autoconfigure.metrics;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.eventbus.autoconfigure.EventBusAutoConfigurationTests;
import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.api.Subscription;
import dev.eventbus.core.api.SubscriptionOptions;
import dev.eventbus.core.metrics.SubscriptionMetrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A subscription that application code opens and closes itself (not an {@code @EventHandler}) loses
 * its meters when {@code close()} returns, not at the next refresh (set to an hour here).
 */
class SubscriptionMetersCloseTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
				CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class))
		.withConfiguration(EventBusAutoConfigurationTests.EVENTBUS)
		.withConfiguration(AutoConfigurations.of(EventBusMetricsAutoConfiguration.class))
		.withPropertyValues("spring.application.name=meters-close", "eventbus.executor.workers=1",
				"eventbus.shutdown-timeout=2s", "eventbus.executor.shutdown-timeout=2s",
				"eventbus.metrics.refresh-interval=1h");

	@Test
	void metersOfASubscriptionClosedByApplicationCodeGoAtClose() {
		this.runner.run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			EventBus bus = context.getBean(EventBus.class);
			Subscription subscription = bus.subscribe("meters-close-orders", String.class,
					SubscriptionOptions.builder("own-group").build(), (envelope, eventContext) -> {
					});
			context.getBean(SubscriptionMetrics.class).refresh();
			bus.publish("meters-close-orders", Envelope.of("a-1", "Placed", "x")).get();
			await().atMost(Duration.ofSeconds(10))
				.until(() -> registry.find("eventbus.handler").tag("group", "own-group").timer() != null);
			assertThat(registry.find("eventbus.consumer.lag").tag("group", "own-group").gauge()).isNotNull();
			assertThat(registry.find("eventbus.consumer.pending").tag("group", "own-group").gauge()).isNotNull();

			subscription.close(Duration.ofSeconds(2));

			assertThat(registry.find("eventbus.consumer.lag").tag("group", "own-group").gauge()).isNull();
			assertThat(registry.find("eventbus.consumer.pending").tag("group", "own-group").gauge()).isNull();
			assertThat(registry.find("eventbus.handler").tag("group", "own-group").timer()).isNull();
			assertThat(registry.find("eventbus.consume").tag("group", "own-group").timer()).isNull();
		});
	}

}

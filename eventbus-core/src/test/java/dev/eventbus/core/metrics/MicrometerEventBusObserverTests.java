package dev.eventbus.core.metrics;

import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import dev.eventbus.core.api.PublishRejectedException;

import static org.assertj.core.api.Assertions.assertThat;

class MicrometerEventBusObserverTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final MicrometerEventBusObserver observer = new MicrometerEventBusObserver(this.registry);

	@Test
	void publishesAreTimedByTransportTopicOutcomeAndExceptionClass() {
		this.observer.published("kafka", "orders", TimeUnit.MILLISECONDS.toNanos(5), null);
		this.observer.published("kafka", "orders", TimeUnit.MILLISECONDS.toNanos(7), null);
		this.observer.published("kafka", "orders", 1,
				new CompletionException(new IllegalStateException("broker down")));
		this.observer.published("kafka", "orders", 1, new PublishRejectedException("orders", "open", null));

		Timer success = this.registry.get("eventbus.publish").tags("transport", "kafka", "topic", "orders", "outcome",
				"success", "exception", "none").timer();
		assertThat(success.count()).isEqualTo(2);
		assertThat(success.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(12.0);
		assertThat(this.registry.get("eventbus.publish").tags("outcome", "failure", "exception",
				"IllegalStateException").timer().count()).isEqualTo(1);
		assertThat(this.registry.get("eventbus.publish").tags("outcome", "rejected").timer().count()).isEqualTo(1);
	}

	@Test
	void tagsNeverCarryKeysOrEventIdsOnlyTheCatalogueKeys() {
		this.observer.handled("memory", "orders", "billing", 10, new RuntimeException("order-42 failed"));
		this.observer.consumed("memory", "orders", "billing", "dead_lettered", 10, new RuntimeException("x"));
		this.registry.getMeters().forEach((meter) -> {
			List<String> keys = meter.getId().getTags().stream().map((tag) -> tag.getKey()).toList();
			MeterDefinition definition = EventBusMetricNames.all()
				.stream()
				.filter((candidate) -> candidate.name().equals(meter.getId().getName()))
				.findFirst()
				.orElseThrow();
			assertThat(keys).containsExactlyInAnyOrderElementsOf(definition.tagKeys());
			assertThat(meter.getId().getTags()).noneMatch((tag) -> tag.getValue().contains("order-42"));
		});
		assertThat(this.registry.get("eventbus.handler").tags("group", "billing", "outcome", "failure", "exception",
				"RuntimeException").timer().count()).isEqualTo(1);
		assertThat(this.registry.get("eventbus.consume").tags("outcome", "dead_lettered").timer().count())
			.isEqualTo(1);
	}

	@Test
	void removingASubscriptionsMetersLeavesOtherSubscriptionsAlone() {
		this.observer.handled("nats", "orders", "billing", 10, null);
		this.observer.consumed("nats", "orders", "billing", "success", 10, null);
		this.observer.handled("nats", "orders", "shipping", 10, null);
		this.observer.published("nats", "orders", 10, null);

		int removed = this.observer.removeSubscriptionMeters("nats", List.of("orders"), "billing");

		assertThat(removed).isEqualTo(2);
		assertThat(this.registry.find("eventbus.handler").tag("group", "billing").timer()).isNull();
		assertThat(this.registry.find("eventbus.consume").tag("group", "billing").timer()).isNull();
		assertThat(this.registry.find("eventbus.handler").tag("group", "shipping").timer()).isNotNull();
		assertThat(this.registry.find("eventbus.publish").timer()).isNotNull();
		this.observer.handled("nats", "orders", "billing", 10, null);
		assertThat(this.registry.get("eventbus.handler").tag("group", "billing").timer().count())
			.as("a re-opened subscription gets fresh meters").isEqualTo(1);
	}

	@Test
	void catalogueNamesAreLowercaseDottedWithoutUnitsAndPrometheusNamesFollowMicrometer() {
		assertThat(EventBusMetricNames.all()).allSatisfy((meter) -> {
			assertThat(meter.name()).matches("[a-z]+(\\.[a-z]+)*").doesNotEndWith("seconds");
			assertThat(meter.description()).isNotBlank();
		});
		assertThat(EventBusMetricNames.PUBLISH.prometheusName()).isEqualTo("eventbus_publish_seconds_count");
		assertThat(EventBusMetricNames.KEYED_PRESSURE_TIME.prometheusName())
			.isEqualTo("eventbus_keyed_pressure_time_seconds_total");
		assertThat(EventBusMetricNames.KEYED_QUEUED.prometheusName()).isEqualTo("eventbus_keyed_queued");
	}

}

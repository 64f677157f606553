package dev.eventbus.autoconfigure.observation;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryEventPublisherBeansApplicationListener;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration;
import org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.eventbus.autoconfigure.EventBusAutoConfigurationTests;
import dev.eventbus.autoconfigure.EventBusComponents;
import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.api.SubscriptionOptions;
import dev.eventbus.core.observation.DefaultHandleObservationConvention;
import dev.eventbus.core.observation.DefaultPublishObservationConvention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The starter hands the application's {@link ObservationRegistry} to the bus, and
 * {@code eventbus.observation.enabled=false} takes it away; under Boot's own tracing (Micrometer
 * Tracing over OpenTelemetry, its MDC wiring and its propagation type) a handler logs the publisher's
 * trace id.
 */
class EventBusObservationAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(EventBusAutoConfigurationTests.EVENTBUS)
		.withPropertyValues("spring.application.name=observed-service", "eventbus.executor.workers=2",
				"eventbus.shutdown-timeout=2s", "eventbus.executor.shutdown-timeout=2s");

	@Test
	void publishAndHandleAreObservedInTheApplicationsRegistry() {
		this.runner.withUserConfiguration(TestRegistry.class).run((context) -> {
			TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);
			assertThat(context.getBean(EventBusComponents.class).observationRegistry()).isSameAs(registry);
			List<String> handled = handleOne(context, "observed-orders");
			assertThat(handled).hasSize(1);
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> TestObservationRegistryAssert.assertThat(registry)
					.hasObservationWithNameEqualTo(DefaultHandleObservationConvention.NAME)
					.that()
					.hasBeenStopped()
					.hasLowCardinalityKeyValue("outcome", "success")
					.hasLowCardinalityKeyValue("group", "observed-group")
					.hasLowCardinalityKeyValue("transport", "memory"));
			TestObservationRegistryAssert.assertThat(registry)
				.hasObservationWithNameEqualTo(DefaultPublishObservationConvention.NAME)
				.that()
				.hasBeenStopped()
				.hasContextualNameEqualTo("observed-orders publish")
				.hasLowCardinalityKeyValue("topic", "observed-orders")
				.hasLowCardinalityKeyValue("type", "Placed");
		});
	}

	@Test
	void bootsObservationRegistryIsUsedWhenObservationIsAutoConfigured() {
		this.runner.withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class))
			.run((context) -> assertThat(context.getBean(EventBusComponents.class).observationRegistry())
				.isSameAs(context.getBean(ObservationRegistry.class)));
	}

	@Test
	void observationEnabledFalseKeepsTheBusOutOfTheRegistry() {
		this.runner.withUserConfiguration(TestRegistry.class)
			.withPropertyValues("eventbus.observation.enabled=false")
			.run((context) -> {
				assertThat(context.getBean(EventBusComponents.class).observationRegistry())
					.isSameAs(ObservationRegistry.NOOP);
				assertThat(handleOne(context, "unobserved-orders")).hasSize(1);
				TestObservationRegistryAssert.assertThat(context.getBean(TestObservationRegistry.class))
					.doesNotHaveAnyObservation();
			});
	}

	@Test
	void handlerLogsThePublishersTraceIdUnderBootsTracingWithW3cPropagation() {
		tracing().run((context) -> {
			Traced traced = publishInSpan(context, "w3c-orders");
			assertThat(traced.mdcTraceId()).isEqualTo(traced.traceId());
			assertThat(traced.headers()).containsKey("traceparent").doesNotContainKey("b3");
			assertThat(traced.ceTraceparent()).startsWith("00-" + traced.traceId() + "-")
				.isEqualTo(traced.headers().get("traceparent"));
		});
	}

	@Test
	void handlerLogsThePublishersTraceIdUnderBootsTracingWithB3Propagation() {
		tracing().withPropertyValues("management.tracing.propagation.type=b3").run((context) -> {
			Traced traced = publishInSpan(context, "b3-orders");
			assertThat(traced.mdcTraceId()).isEqualTo(traced.traceId());
			assertThat(traced.headers()).containsKey("b3").doesNotContainKey("traceparent");
			String b3SpanId = traced.headers().get("b3").split("-")[1];
			assertThat(traced.ceTraceparent()).as("CloudEvents traceparent formatted from the B3 context")
				.isEqualTo("00-" + traced.traceId() + "-" + b3SpanId + "-01");
		});
	}

	private ApplicationContextRunner tracing() {
		return this.runner
			.withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class,
					OpenTelemetrySdkAutoConfiguration.class, MicrometerTracingAutoConfiguration.class,
					OpenTelemetryTracingAutoConfiguration.class))
			// what SpringApplication registers from spring.factories: the MDC publishers of the context
			.withInitializer((context) -> context.addApplicationListener(
					new OpenTelemetryEventPublisherBeansApplicationListener()))
			.withPropertyValues("management.tracing.sampling.probability=1.0");
	}

	private static List<String> handleOne(AssertableApplicationContext context, String topic) throws Exception {
		EventBus bus = context.getBean(EventBus.class);
		List<String> handled = new CopyOnWriteArrayList<>();
		bus.subscribe(topic, String.class, SubscriptionOptions.of("observed-group"),
				(envelope, eventContext) -> handled.add(envelope.eventId()));
		bus.publish(topic, Envelope.of("a-1", "Placed", "x")).get(10, TimeUnit.SECONDS);
		await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == 1);
		return handled;
	}

	private static Traced publishInSpan(AssertableApplicationContext context, String topic) throws Exception {
		EventBus bus = context.getBean(EventBus.class);
		Tracer tracer = context.getBean(Tracer.class);
		List<Traced> seen = new CopyOnWriteArrayList<>();
		bus.subscribe(topic, String.class, SubscriptionOptions.of("traced-group"), (envelope, eventContext) -> {
			String mdc = MDC.get("traceId");
			seen.add(new Traced("", (mdc != null) ? mdc : "none", String.valueOf(envelope.traceparent()),
					eventContext.transportHeaders()));
		});
		Span span = tracer.nextSpan().name("place-order").start();
		try (Tracer.SpanInScope scope = tracer.withSpan(span)) {
			bus.publish(topic, Envelope.of("a-1", "Placed", "x")).get(10, TimeUnit.SECONDS);
		}
		finally {
			span.end();
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 1);
		Traced handled = seen.get(0);
		return new Traced(span.context().traceId(), handled.mdcTraceId(), handled.ceTraceparent(), handled.headers());
	}

	private record Traced(String traceId, String mdcTraceId, String ceTraceparent, Map<String, String> headers) {
	}

	@Configuration(proxyBeanMethods = false)
	static class TestRegistry {

		@Bean
		TestObservationRegistry testObservationRegistry() {
			return TestObservationRegistry.create();
		}

	}

}

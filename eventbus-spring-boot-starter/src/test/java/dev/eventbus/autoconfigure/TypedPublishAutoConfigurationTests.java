package dev.eventbus.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.api.EventHandler;
import dev.eventbus.core.api.EventType;
import dev.eventbus.core.resilience.CircuitBreakerEventBus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link EventBus#publishEvent(String, String, Object)} on the starter's {@code eventBus} bean: it
 * passes through the decorators (publish circuit breaker, envelope customizers) and reaches an
 * {@code @EventHandler}.
 */
class TypedPublishAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(EventBusAutoConfigurationTests.EVENTBUS)
		.withPropertyValues("spring.application.name=orders-service", "eventbus.executor.workers=4",
				"eventbus.shutdown-timeout=2s", "eventbus.executor.shutdown-timeout=2s");

	@EventType("OrderPlaced")
	record PlacedV2(String orderId, long amountCents) {
	}

	@Test
	void publishEventGoesThroughTheDecoratorsToTheHandler() {
		this.runner.withUserConfiguration(Handlers.class, Customizer.class).run((context) -> {
			EventBus bus = context.getBean(EventBus.class);
			assertThat(bus).isNotInstanceOf(CircuitBreakerEventBus.class); // customizers wrap the breaker
			assertThat(EventBusComponents.unwrap(bus).transport()).isEqualTo("memory");

			bus.publishEvent("typed-orders", "o-1", new PlacedV2("o-1", 990)).join();

			Handlers handlers = context.getBean(Handlers.class);
			await().atMost(Duration.ofSeconds(30)).until(() -> handlers.received.size() == 1);
			Envelope<PlacedV2> envelope = handlers.received.get(0);
			assertThat(envelope.eventType()).isEqualTo("OrderPlaced");
			assertThat(envelope.aggregateId()).isEqualTo("o-1");
			assertThat(envelope.payload()).isEqualTo(new PlacedV2("o-1", 990));
			assertThat(envelope.headers()).containsEntry("customized", "yes");
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class Handlers {

		final List<Envelope<PlacedV2>> received = new CopyOnWriteArrayList<>();

		@EventHandler(topics = "typed-orders", group = "billing")
		void on(Envelope<PlacedV2> envelope) {
			this.received.add(envelope);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Customizer {

		@Bean
		EventBusEnvelopeCustomizer marker() {
			return (topic, envelope) -> envelope.toBuilder().header("customized", "yes").build();
		}

	}

}

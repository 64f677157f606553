package dev.eventbus.test.spring;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.PropertySource;
import org.springframework.core.env.Environment;

import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.api.RetryPolicy;
import dev.eventbus.core.api.Subscription;
import dev.eventbus.core.api.SubscriptionOptions;
import dev.eventbus.core.memory.MemoryEventBus;
import dev.eventbus.core.memory.MemoryOptions;
import dev.eventbus.core.support.ForwardingEventBus;
import dev.eventbus.test.recording.EventBusRecorder;
import dev.eventbus.test.recording.HandlingAttempt;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @EventBusTest} on a Spring Boot test of an application without the starter (this module may
 * not depend on it): the application's own {@code EventBus} bean is wrapped, a handler bean subscribing
 * through it is recorded, the transport property reads {@code memory} over the application's
 * {@code kafka}, and the recorder is cleared between test methods.
 */
@SpringBootTest(classes = EventBusTestTests.App.class, properties = "spring.main.banner-mode=off")
@EventBusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EventBusTestTests {

	static final String TOPIC = "orders-" + UUID.randomUUID().toString().substring(0, 8);

	@Autowired
	EventBus bus;

	@Autowired
	EventBusRecorder recorder;

	@Autowired
	Environment environment;

	@Autowired
	Billing billing;

	@Test
	@Order(1)
	void theApplicationsBusIsRecordedAndItsHandlersAttemptsAreSeen() {
		assertThat(this.environment.getProperty("eventbus.transport")).isEqualTo("memory");
		assertThat(ForwardingEventBus.unwrap(this.bus)).isInstanceOf(MemoryEventBus.class);
		Envelope<String> placed = Envelope.ofEvent("o-1", "placed");
		this.recorder.failures().failNext("billing", placed.eventId(), 1);

		this.bus.publish(TOPIC, placed).join();

		HandlingAttempt handled = this.recorder.await().handledBy("billing", placed.eventId());
		assertThat(handled.attempt()).isEqualTo(2);
		assertThat(this.billing.handled).containsExactly(placed.eventId());
		assertThat(this.recorder.published().ofTopic(TOPIC).withAggregateId("o-1").single().eventId())
			.isEqualTo(placed.eventId());
		this.recorder.failures().failNext("billing", "left-for-the-next-test", 1);
	}

	@Test
	@Order(2)
	void theNextTestStartsWithNothingRecorded() {
		assertThat(this.recorder.published()).isEmpty();
		assertThat(this.recorder.attempts()).isEmpty();
		assertThat(this.recorder.failures().pending()).isEmpty();
	}

	/** Its properties select {@code eventbus.transport=kafka}, as an application's configuration would. */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@PropertySource("classpath:eventbus-test-app.properties")
	static class App {

		@Bean
		EventBus eventBus() {
			return MemoryEventBus.builder(MemoryOptions.builder().build())
				.shutdownTimeout(Duration.ofSeconds(5))
				.build();
		}

		@Bean
		Billing billing(EventBus bus) {
			return new Billing(bus);
		}

	}

	/** A handler bean that subscribes through the injected bus, as the starter's @EventHandler support does. */
	static class Billing implements SmartLifecycle {

		final List<String> handled = new CopyOnWriteArrayList<>();

		private final EventBus bus;

		private volatile Subscription subscription;

		Billing(EventBus bus) {
			this.bus = bus;
		}

		@Override
		public void start() {
			this.subscription = this.bus.subscribe(TOPIC, String.class,
					SubscriptionOptions.builder("billing")
						.retryPolicy(RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ofMillis(10)).build())
						.build(),
					(envelope, context) -> this.handled.add(envelope.eventId()));
		}

		@Override
		public void stop() {
			this.subscription.close();
			this.subscription = null;
		}

		@Override
		public boolean isRunning() {
			return this.subscription != null;
		}

	}

}

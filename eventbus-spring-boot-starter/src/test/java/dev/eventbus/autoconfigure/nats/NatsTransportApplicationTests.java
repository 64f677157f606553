package dev.eventbus.autoconfigure.nats;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.eventbus.autoconfigure.ActuatorClient;
import dev.eventbus.autoconfigure.EventBusComponents;
import dev.eventbus.core.api.CircuitBreakerOpenException;
import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.api.EventHandler;
import dev.eventbus.core.api.PublishReceipt;
import dev.eventbus.core.nats.NatsEventBus;
import dev.eventbus.test.broker.NatsServerProcess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The starter on the NATS transport against its own nats-server process (JetStream, free port,
 * temporary store), which the test stops and starts again: health follows the server, the publish
 * circuit breaker opens while it is down.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.application.name=nats-app", "eventbus.transport=nats", "eventbus.executor.workers=4",
				"eventbus.shutdown-timeout=2s", "eventbus.executor.shutdown-timeout=2s",
				"eventbus.nats.reconnect-wait=250ms", "eventbus.nats.connection-timeout=1s",
				"eventbus.nats.request-timeout=2s", "eventbus.nats.publish.max-block=1s",
				"eventbus.nats.publish.ack-timeout=2s", "eventbus.nats.consumer.pull-expiry=200ms",
				"eventbus.publish.circuit-breaker.sliding-window-size=4",
				"eventbus.publish.circuit-breaker.minimum-number-of-calls=2",
				"eventbus.publish.circuit-breaker.wait-in-open-state=60s", "eventbus.health.timeout=2s",
				"management.endpoints.web.exposure.include=health,prometheus,eventbus",
				"management.endpoint.health.show-details=always" })
class NatsTransportApplicationTests {

	static final String TOPIC = "nats-app-orders";

	static final NatsServerProcess server = NatsServerProcess.launch();

	@Autowired
	EventBus bus;

	@Autowired
	Handlers handlers;

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void nats(DynamicPropertyRegistry registry) {
		registry.add("eventbus.nats.servers", server::url);
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	@Test
	void handlerReceivesEventsHealthFollowsTheServerAndTheCircuitBreakerOpensWhileItIsDown() throws Exception {
		ActuatorClient actuator = new ActuatorClient(this.port);
		assertThat(EventBusComponents.unwrap(this.bus)).isInstanceOf(NatsEventBus.class);

		this.bus.publish(TOPIC, Envelope.of("order-1", "OrderPlaced", new OrderPlaced("order-1"))).get();
		await().atMost(Duration.ofSeconds(30)).until(() -> this.handlers.received.size() == 1);
		assertThat(this.handlers.received.get(0).orderId()).isEqualTo("order-1");

		assertThat(actuator.eventBusHealth()).isEqualTo("UP");
		assertThat(actuator.health().at("/components/eventbus/details/jetStream/streams").asLong())
			.isGreaterThanOrEqualTo(1);
		String prometheus = actuator.prometheus();
		assertThat(prometheus).contains("eventbus_publish_seconds_count{")
			.contains("transport=\"nats\"")
			.contains("eventbus_keyed_pending ")
			.contains("eventbus_keyed_lanes ");

		server.stop();
		await().atMost(Duration.ofSeconds(30)).until(() -> "DOWN".equals(actuator.eventBusHealth()));

		List<CompletableFuture<PublishReceipt>> failing = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			failing.add(this.bus.publish(TOPIC, Envelope.of("order-x" + i, "OrderPlaced", new OrderPlaced("x"))));
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> failing.stream().allMatch(CompletableFuture::isDone));
		assertThat(failing).allMatch(CompletableFuture::isCompletedExceptionally);
		CompletableFuture<PublishReceipt> rejected = this.bus.publish(TOPIC,
				Envelope.of("order-y", "OrderPlaced", new OrderPlaced("y")));
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(rejected::get)
			.havingCause()
			.isInstanceOf(CircuitBreakerOpenException.class)
			.withMessageContaining("is OPEN")
			.withMessageContaining(TOPIC);

		server.start();
		await().atMost(Duration.ofSeconds(60)).until(() -> "UP".equals(actuator.eventBusHealth()));
	}

	record OrderPlaced(String orderId) {
	}

	static class Handlers {

		final List<OrderPlaced> received = new CopyOnWriteArrayList<>();

		@EventHandler(TOPIC)
		void on(OrderPlaced event) {
			this.received.add(event);
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(Handlers.class)
	static class App {

	}

}

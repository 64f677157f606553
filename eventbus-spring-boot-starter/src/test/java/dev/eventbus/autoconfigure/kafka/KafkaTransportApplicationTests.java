package dev.eventbus.autoconfigure.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;

import io.micrometer.core.instrument.MeterRegistry;
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
import dev.eventbus.core.kafka.KafkaEventBus;
import dev.eventbus.test.broker.KafkaTestBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The starter on the Kafka transport against an in-JVM KRaft broker whose broker process the test
 * shuts down and starts up again (same port, same log directories): health follows the broker, the
 * publish circuit breaker opens while it is down.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.application.name=kafka-app", "eventbus.transport=kafka",
				"eventbus.executor.workers=4", "eventbus.shutdown-timeout=2s", "eventbus.executor.shutdown-timeout=2s",
				"eventbus.kafka.consumer.fetch-min-size=1B", "eventbus.kafka.consumer.fetch-max-wait=100ms",
				"eventbus.kafka.consumer.commit-interval=100ms", "eventbus.kafka.consumer.session-timeout=10s",
				"eventbus.kafka.consumer.heartbeat-interval=1s", "eventbus.kafka.network.dial-timeout=1s",
				"eventbus.kafka.network.read-timeout=2s", "eventbus.kafka.network.write-timeout=2s",
				"eventbus.kafka.producer.max-block=5s", "eventbus.kafka.producer.delivery-timeout=6s",
				"eventbus.publish.circuit-breaker.sliding-window-size=4",
				"eventbus.publish.circuit-breaker.minimum-number-of-calls=2",
				"eventbus.publish.circuit-breaker.wait-in-open-state=60s", "eventbus.health.timeout=2s",
				"management.endpoints.web.exposure.include=health,prometheus,eventbus",
				"management.endpoint.health.show-details=always" })
class KafkaTransportApplicationTests {

	static final String TOPIC = "kafka-app-orders";

	static final KafkaTestBroker broker = startBroker();

	@Autowired
	EventBus bus;

	@Autowired
	Handlers handlers;

	@Autowired
	MeterRegistry registry;

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void kafka(DynamicPropertyRegistry registry) {
		registry.add("eventbus.kafka.bootstrap-servers", broker::bootstrapServers);
	}

	@AfterAll
	static void stopBroker() {
		broker.close();
	}

	@Test
	void handlerReceivesEventsHealthFollowsTheBrokerAndTheCircuitBreakerOpensWhileItIsDown() throws Exception {
		ActuatorClient actuator = new ActuatorClient(this.port);
		assertThat(EventBusComponents.unwrap(this.bus)).isInstanceOf(KafkaEventBus.class);
		awaitLeader();
		await().atMost(Duration.ofSeconds(30)).until(() -> "UP".equals(actuator.eventBusHealth()));

		this.bus.publish(TOPIC, Envelope.of("order-1", "OrderPlaced", new OrderPlaced("order-1"))).get();
		await().atMost(Duration.ofSeconds(60)).until(() -> this.handlers.received.size() == 1);
		assertThat(this.handlers.received.get(0).orderId()).isEqualTo("order-1");

		assertThat(actuator.eventBusHealth()).isEqualTo("UP");
		assertThat(actuator.health().at("/components/eventbus/details/nodes").asInt()).isEqualTo(1);
		String prometheus = actuator.prometheus();
		assertThat(prometheus).contains("eventbus_publish_seconds_count{")
			.contains("transport=\"kafka\"")
			.contains("eventbus_keyed_pending ")
			.contains("eventbus_keyed_workers_busy ")
			.contains("eventbus_keyed_lanes ")
			.contains("kafka_producer_record_send_total{")
			.contains("client_id=\"eventbus-producer-1\"")
			.contains("kafka_consumer_fetch_manager_records_consumed_total{")
			.contains("client_id=\"eventbus-kafka-app-1\"");
		assertThat(this.registry.get("kafka.producer.record.send.total")
			.tag("client.id", "eventbus-producer-1")
			.functionCounter()
			.count()).isGreaterThanOrEqualTo(1);
		assertThat(this.registry.get("kafka.consumer.fetch.manager.records.consumed.total")
			.tag("client.id", "eventbus-kafka-app-1")
			.functionCounters()).anyMatch((counter) -> counter.count() >= 1);

		broker.embedded().getCluster().brokers().values().forEach((server) -> {
			server.shutdown();
			server.awaitShutdown();
		});
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
		assertThat(actuator.health().at("/components/eventbus/details/circuitBreaker/state").asString())
			.isEqualTo("OPEN");

		broker.embedded().getCluster().brokers().values().forEach((server) -> server.startup());
		await().atMost(Duration.ofSeconds(90)).until(() -> "UP".equals(actuator.eventBusHealth()));
	}

	static void awaitLeader() {
		await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> broker.embedded().doWithAdminFunction((admin) -> {
			try {
				return admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC).partitions().stream()
					.allMatch((partition) -> partition.leader() != null);
			}
			catch (Exception ex) {
				return false;
			}
		}));
	}

	static KafkaTestBroker startBroker() {
		KafkaTestBroker started = KafkaTestBroker.start();
		started.addTopic(TOPIC, 1);
		return started;
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

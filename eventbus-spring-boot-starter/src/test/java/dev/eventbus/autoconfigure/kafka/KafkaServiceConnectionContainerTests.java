package dev.eventbus.autoconfigure.kafka;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;

import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.api.Subscription;
import dev.eventbus.core.api.SubscriptionOptions;
import dev.eventbus.core.kafka.KafkaOptions;
import dev.eventbus.test.broker.KafkaTestBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code @ServiceConnection} on a Testcontainers {@link KafkaContainer}: Spring Boot's
 * {@link KafkaConnectionDetails} for the container replace {@code eventbus.kafka.bootstrap-servers}
 * (set to a port nothing listens on), and events flow through the container's broker. Skipped where
 * Docker is not available; {@link KafkaConnectionDetailsTests} covers the same wiring everywhere.
 */
@Testcontainers(disabledWithoutDocker = true)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
		properties = { "spring.application.name=kafka-service-connection", "eventbus.transport=kafka",
				"eventbus.kafka.bootstrap-servers=127.0.0.1:1", "eventbus.executor.workers=2",
				"eventbus.shutdown-timeout=2s", "eventbus.executor.shutdown-timeout=2s",
				"eventbus.kafka.consumer.fetch-min-size=1B", "eventbus.kafka.consumer.fetch-max-wait=100ms" })
class KafkaServiceConnectionContainerTests {

	@Container
	@ServiceConnection
	static final KafkaContainer kafka = new KafkaContainer("apache/kafka-native:4.1.0");

	@Autowired
	EventBus bus;

	@Autowired
	KafkaOptions options;

	@Test
	void serviceConnectionReplacesTheBootstrapServersProperty() throws Exception {
		assertThat(this.options.bootstrapServers()).containsExactly(kafka.getBootstrapServers());
		String topic = KafkaTestBroker.uniqueTopic("service-connection");
		List<String> handled = new CopyOnWriteArrayList<>();
		try (Subscription subscription = this.bus.subscribe(topic, String.class,
				SubscriptionOptions.of("service-connection"), (event, context) -> handled.add(event.payload()))) {
			this.bus.publish(topic, Envelope.of("order-1", "OrderPlaced", "first")).get(60, TimeUnit.SECONDS);
			await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(handled).contains("first"));
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class App {

	}

}

package dev.eventbus.core.kafka;

import dev.eventbus.test.broker.KafkaTestBroker;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.SubscriptionOptions;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The publish/consume round trip against a real Kafka broker in Docker. Skipped where Docker is not
 * available; the in-JVM KRaft broker tests cover the same behaviour everywhere.
 */
@Testcontainers(disabledWithoutDocker = true)
class KafkaContainerTest {

	@Container
	static final KafkaContainer kafka = new KafkaContainer("apache/kafka-native:4.1.0");

	@Test
	void publishedEventsAreConsumedInKeyOrderFromADockerBroker() {
		String topic = KafkaTestBroker.uniqueTopic("container");
		List<Integer> received = new CopyOnWriteArrayList<>();
		KafkaOptions options = KafkaOptions.builder()
			.bootstrapServers(kafka.getBootstrapServers())
			.topics(KafkaTopicOptions.builder().strategy(KafkaTopicOptions.Strategy.CREATE_ONLY).partitions(3).build())
			.build();
		try (KafkaEventBus bus = KafkaEventBus.builder(options).build()) {
			bus.subscribe(topic, Integer.class, SubscriptionOptions.of("container"),
					(envelope, context) -> received.add(envelope.payload()));
			for (int i = 0; i < 100; i++) {
				bus.publish(topic, Envelope.of("order-1", "Counted", i));
			}
			await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(received).hasSize(100));
			assertThat(received).isSorted();
		}
	}

}

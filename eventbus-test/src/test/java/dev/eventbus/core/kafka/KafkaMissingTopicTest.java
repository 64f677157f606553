package dev.eventbus.core.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.PublishReceipt;
import dev.eventbus.core.api.PublishTimeoutException;
import dev.eventbus.test.broker.KafkaTestBroker;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A publish to a topic that does not exist, on a broker that does not create topics on first use,
 * says that the topic does not exist and how to provision it, not that the broker may be unreachable.
 */
class KafkaMissingTopicTest {

	@Test
	void publishToAMissingTopicWithAutoCreateOffSaysTheTopicDoesNotExist() throws Exception {
		try (KafkaTestBroker broker = KafkaTestBroker.start(Map.of("auto.create.topics.enable", "false"))) {
			String existing = broker.createTopic("exists", 1);
			KafkaOptions options = broker.options()
				.producer(KafkaProducerOptions.builder()
					.maxBlock(Duration.ofSeconds(2))
					.requestTimeout(Duration.ofSeconds(2))
					.deliveryTimeout(Duration.ofSeconds(5))
					.build())
				.build();
			try (KafkaEventBus bus = KafkaEventBus.builder(options).shutdownTimeout(Duration.ofSeconds(1)).build()) {
				bus.publish(existing, Envelope.of("k", "T", "warm-up")).get(30, TimeUnit.SECONDS);
				String missing = existing + "-missing";
				CompletableFuture<PublishReceipt> publish = bus.publish(missing, Envelope.of("k", "T", "x"));
				await().atMost(Duration.ofSeconds(15)).until(publish::isDone);
				assertThatExceptionOfType(ExecutionException.class).isThrownBy(publish::get)
					.havingCause()
					.isInstanceOf(PublishTimeoutException.class)
					.withMessageContaining("topic '" + missing + "' does not exist on the cluster at")
					.withMessageContaining("eventbus.kafka.topics.names")
					.withMessageNotContaining("may be unreachable");
			}
		}
	}

}

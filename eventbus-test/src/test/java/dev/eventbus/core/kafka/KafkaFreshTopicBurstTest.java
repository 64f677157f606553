package dev.eventbus.core.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.PublishReceipt;
import dev.eventbus.test.broker.KafkaTestBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 11 item 14: a service publishing a burst into a topic that was created a moment earlier
 * (here by a raw admin client, without waiting for anything). Before the bus waited for the
 * topic's leaders to serve it, idempotent publishes could retry OUT_OF_ORDER_SEQUENCE_NUMBER until
 * the delivery timeout (reproduced on a standalone broker: hundreds of 20,000 publishes failed).
 */
class KafkaFreshTopicBurstTest {

	static KafkaTestBroker broker;

	@BeforeAll
	static void startBroker() {
		broker = KafkaTestBroker.start();
	}

	@AfterAll
	static void stopBroker() {
		broker.close();
	}

	@Test
	void aBurstIntoATopicCreatedAMomentEarlierIsAcknowledgedInFull() throws Exception {
		KafkaOptions options = broker.options()
			.producer(KafkaProducerOptions.builder().deliveryTimeout(Duration.ofSeconds(45)).build())
			.build();
		int events = 10_000;
		try (Admin admin = broker.admin(); KafkaEventBus bus = KafkaEventBus.builder(options).build()) {
			for (int trial = 0; trial < 3; trial++) {
				String topic = KafkaTestBroker.uniqueTopic("fresh");
				admin.createTopics(List.of(new NewTopic(topic, 12, (short) 1))).all().get(30, TimeUnit.SECONDS);
				List<CompletableFuture<PublishReceipt>> receipts = new ArrayList<>();
				for (int i = 0; i < events; i++) {
					receipts.add(bus.publish(topic, Envelope.of("key-" + (i % 1000), "Burst", "v" + i)));
				}
				List<Throwable> failures = new ArrayList<>();
				for (CompletableFuture<PublishReceipt> receipt : receipts) {
					try {
						receipt.get(2, TimeUnit.MINUTES);
					}
					catch (ExecutionException ex) {
						failures.add(ex.getCause());
					}
				}
				assertThat(failures).as("failed publishes of trial %d into %s", trial, topic).isEmpty();
			}
		}
	}

}

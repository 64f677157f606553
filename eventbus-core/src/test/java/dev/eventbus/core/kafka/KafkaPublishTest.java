package dev.eventbus.core.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.InvalidEnvelopeException;
import dev.eventbus.core.api.PublishReceipt;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

class KafkaPublishTest {

	static KafkaTestBroker broker;

	record OrderPlaced(String orderId, int amount) {
	}

	@BeforeAll
	static void startBroker() {
		broker = KafkaTestBroker.start();
	}

	@AfterAll
	static void stopBroker() {
		broker.close();
	}

	@Test
	void keyedEnvelopeBecomesARecordKeyedByAggregateWithCloudEventsHeaders() throws Exception {
		String topic = broker.createTopic("publish-keyed", 3);
		try (KafkaEventBus bus = KafkaEventBus.builder(broker.options().build()).source("billing-service").build()) {
			Envelope<OrderPlaced> envelope = Envelope.builder("OrderPlaced", new OrderPlaced("o-1", 42))
				.aggregateId("order-1")
				.correlationId("corr-7")
				.build();
			PublishReceipt receipt = bus.publish(topic, envelope).get();
			assertThat(receipt.topic()).isEqualTo(topic);
			assertThat(receipt.eventId()).isEqualTo(envelope.eventId());
			assertThat(receipt.partition()).isBetween(0, 2);
			assertThat(receipt.offset()).isZero();

			ConsumerRecord<String, byte[]> record = broker.readAll(topic, 1).get(0);
			assertThat(record.key()).isEqualTo("order-1");
			assertThat(record.partition()).isEqualTo(receipt.partition());
			assertThat(header(record, "ce_specversion")).isEqualTo("1.0");
			assertThat(header(record, "ce_id")).isEqualTo(envelope.eventId());
			assertThat(header(record, "ce_type")).isEqualTo("OrderPlaced");
			assertThat(header(record, "ce_source")).isEqualTo("billing-service");
			assertThat(header(record, "ce_subject")).isEqualTo("order-1");
			assertThat(header(record, "ce_correlationid")).isEqualTo("corr-7");
			assertThat(header(record, "content-type")).startsWith("application/json");
			assertThat(new String(record.value(), StandardCharsets.UTF_8)).contains("\"orderId\":\"o-1\"")
				.contains("\"amount\":42");
		}
	}

	@Test
	void plainPayloadIsPublishedWithoutAKey() throws Exception {
		String topic = broker.createTopic("publish-plain", 1);
		try (KafkaEventBus bus = KafkaEventBus.builder(broker.options().build()).build()) {
			bus.publish(topic, "Ping", new OrderPlaced("x", 1)).get();
			ConsumerRecord<String, byte[]> record = broker.readAll(topic, 1).get(0);
			assertThat(record.key()).isNull();
			assertThat(header(record, "ce_type")).isEqualTo("Ping");
			assertThat(header(record, "ce_source")).isEqualTo("eventbus");
			assertThat(record.headers().lastHeader("ce_subject")).isNull();
		}
	}

	@Test
	void flushMessagesSendsAFullCountLongBeforeTheFlushFrequencyElapses() {
		String topic = broker.createTopic("publish-flush", 1);
		KafkaOptions options = broker.options()
			.producer(KafkaProducerOptions.builder()
				.flushFrequency(Duration.ofSeconds(60))
				.deliveryTimeout(Duration.ofSeconds(120))
				.flushMessages(5)
				.build())
			.build();
		try (KafkaEventBus bus = KafkaEventBus.builder(options).build()) {
			List<CompletableFuture<PublishReceipt>> futures = new ArrayList<>();
			for (int i = 0; i < 5; i++) {
				futures.add(bus.publish(topic, Envelope.of("k", "Tick", new OrderPlaced("o", i))));
			}
			// linger is 60 s: only the message-count trigger can send these within the wait
			await().atMost(Duration.ofSeconds(20))
				.until(() -> futures.stream().allMatch((future) -> future.isDone() && !future.isCompletedExceptionally()));
		}
	}

	@Test
	void invalidTopicIsRejectedAtTheCallSiteNamingIt() {
		try (KafkaEventBus bus = KafkaEventBus.builder(broker.options().build()).build()) {
			assertThatExceptionOfType(InvalidEnvelopeException.class)
				.isThrownBy(() -> bus.publish("bad topic", Envelope.of("k", "T", "x")))
				.withMessageContaining("bad topic");
		}
	}

	static String header(ConsumerRecord<String, byte[]> record, String name) {
		return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
	}

}

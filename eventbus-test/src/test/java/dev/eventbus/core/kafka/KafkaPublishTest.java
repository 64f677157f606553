package dev.eventbus.core.kafka;

import dev.eventbus.test.broker.KafkaTestBroker;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.InvalidEnvelopeException;
import dev.eventbus.core.api.PublishException;
import dev.eventbus.core.api.PublishReceipt;
import dev.eventbus.core.api.PublishTimeoutException;
import dev.eventbus.core.codec.WireMessage;
import dev.eventbus.core.metrics.EventBusObserver;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.BufferExhaustedException;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilter;
import org.apache.kafka.common.quota.ClientQuotaFilterComponent;
import org.apache.kafka.common.utils.Utils;
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
		KafkaOptions options = broker.options().producer(lingering().build()).build();
		try (KafkaEventBus bus = KafkaEventBus.builder(options).build()) {
			List<CompletableFuture<PublishReceipt>> futures = new ArrayList<>();
			for (int i = 0; i < 5; i++) {
				futures.add(bus.publish(topic, Envelope.of("k", "Tick", new OrderPlaced("o", i))));
			}
			// linger is 60 s: only the message-count trigger can send these within the wait
			awaitAllSent(futures);
		}
	}

	@Test
	void flushMessagesCountsTheRecordsOfEachPartitionSeparately() {
		String topic = broker.createTopic("publish-flush-partitions", 3);
		KafkaOptions options = broker.options().producer(lingering().build()).build();
		List<String> keys = oneKeyPerPartition(3);
		try (KafkaPublisher publisher = new KafkaPublisher(options, EventBusObserver.NOOP, Duration.ofSeconds(5))) {
			List<CompletableFuture<PublishReceipt>> futures = new ArrayList<>();
			// 12 records, more than flush-messages, but no partition's batch holds 5 of them
			for (int round = 0; round < 4; round++) {
				for (String key : keys) {
					futures.add(publisher.send(topic, message(key, 10), "id"));
				}
			}
			assertThat(publisher.flushRequests()).isZero();
			futures.add(publisher.send(topic, message(keys.get(0), 10), "id"));
			assertThat(publisher.flushRequests()).isOne();
			// linger is 60 s: only the flush sends them
			awaitAllSent(futures);
			// the bus's partition of each key is the client's
			for (int i = 0; i < futures.size(); i++) {
				assertThat(futures.get(i).join().partition()).isEqualTo((i < 12) ? i % 3 : 0);
			}
		}
	}

	@Test
	void flushMessagesLeavesBatchesThatFillByBytesToTheClient() {
		String topic = broker.createTopic("publish-flush-bytes", 1);
		KafkaOptions options = broker.options().producer(lingering().flushBytes(4096).build()).build();
		try (KafkaPublisher publisher = new KafkaPublisher(options, EventBusObserver.NOOP, Duration.ofSeconds(5))) {
			List<CompletableFuture<PublishReceipt>> futures = new ArrayList<>();
			// 2 KiB records: every second one fills a 4 KiB batch, which the client sends by itself
			for (int i = 0; i < 10; i++) {
				futures.add(publisher.send(topic, message("k", 2048), "id"));
			}
			assertThat(publisher.flushRequests()).isZero();
			for (int i = 0; i < 5; i++) {
				futures.add(publisher.send(topic, message("k", 10), "id"));
			}
			assertThat(publisher.flushRequests()).isOne();
			awaitAllSent(futures);
		}
	}

	/**
	 * @return producer options whose linger (flush-frequency) is 60 s and flush-messages 5: within a
	 * test's wait only a flush can send a record that does not fill its batch
	 */
	private static KafkaProducerOptions.Builder lingering() {
		return KafkaProducerOptions.builder()
			.flushFrequency(Duration.ofSeconds(60))
			.deliveryTimeout(Duration.ofSeconds(120))
			.flushMessages(5);
	}

	private static void awaitAllSent(List<CompletableFuture<PublishReceipt>> futures) {
		await().atMost(Duration.ofSeconds(20))
			.until(() -> futures.stream().allMatch((future) -> future.isDone() && !future.isCompletedExceptionally()));
	}

	private static WireMessage message(String key, int size) {
		return new WireMessage(key, Map.of("ce_id", "id"), "x".repeat(size).getBytes(StandardCharsets.UTF_8));
	}

	/** @return keys that the client's default partitioner puts in partitions 0, 1, 2, ... */
	private static List<String> oneKeyPerPartition(int partitions) {
		String[] keys = new String[partitions];
		int found = 0;
		for (int i = 0; found < partitions; i++) {
			String key = "key-" + i;
			int partition = Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
			if (keys[partition] == null) {
				keys[partition] = key;
				found++;
			}
		}
		return List.of(keys);
	}

	@Test
	void invalidTopicIsRejectedAtTheCallSiteNamingIt() {
		try (KafkaEventBus bus = KafkaEventBus.builder(broker.options().build()).build()) {
			assertThatExceptionOfType(InvalidEnvelopeException.class)
				.isThrownBy(() -> bus.publish("bad topic", Envelope.of("k", "T", "x")))
				.withMessageContaining("bad topic");
		}
	}

	/**
	 * A produce quota of 10 bytes/s for this test's producer makes the live broker throttle it for
	 * minutes after its first request, so the client sends nothing more: accepted records stay in
	 * the 64 KiB buffer until it is full, and the next caller must give up after max-block with the
	 * buffer error naming the topic. Every accepted record then ends by its delivery timeout.
	 */
	@Test
	void publishWhenTheProducerBufferIsFullWaitsAtMostMaxBlockThenFailsNamingTheTopic() throws Exception {
		Duration maxBlock = Duration.ofSeconds(1);
		Duration deliveryTimeout = Duration.ofSeconds(8);
		String topic = broker.createTopic("publish-buffer-full", 1);
		String clientId = KafkaTestBroker.uniqueTopic("throttled");
		// spring-kafka numbers the producers of a factory: the bus's only producer is "<client.id>-1"
		throttle(clientId + "-producer-1");
		KafkaOptions options = broker.options()
			.clientId(clientId)
			.producer(KafkaProducerOptions.builder()
				.maxBlock(maxBlock)
				.requestTimeout(Duration.ofSeconds(2))
				.deliveryTimeout(deliveryTimeout)
				.bufferMemory(64 * 1024)
				.flushBytes(16 * 1024)
				.build())
			.build();
		List<CompletableFuture<PublishReceipt>> accepted = new CopyOnWriteArrayList<>();
		try (KafkaEventBus bus = KafkaEventBus.builder(options).shutdownTimeout(Duration.ofSeconds(1)).build()) {
			Random random = new Random(7);
			// 1 KiB of random letters per envelope: lz4 cannot shrink them, so 64 KiB hold a few dozen
			CompletableFuture<FailedPublish> publishing = CompletableFuture.supplyAsync(() -> {
				for (int i = 0; i < 1_000; i++) {
					long start = System.nanoTime();
					CompletableFuture<PublishReceipt> future = bus.publish(topic,
							Envelope.of("k", "T", randomLetters(random, 1024)));
					Duration call = Duration.ofNanos(System.nanoTime() - start);
					if (future.isCompletedExceptionally()) {
						return new FailedPublish(i, call, future.handle((receipt, error) -> error).join());
					}
					accepted.add(future);
				}
				return null;
			}, (task) -> new Thread(task, "buffer-filler").start());
			// "did not hang": the loop ends soon after the buffer is full
			await().atMost(Duration.ofSeconds(60)).until(publishing::isDone);
			FailedPublish failed = publishing.get();
			assertThat(failed).as("a publish failed once the 64 KiB buffer was full").isNotNull();
			assertThat(failed.index()).as("publishes accepted into the buffer first; then: " + failed.error())
				.isBetween(20, 200);
			assertThat(failed.call()).isLessThan(maxBlock.plusSeconds(10));
			assertThat(failed.error()).isInstanceOf(PublishTimeoutException.class)
				.hasMessageContaining("'" + topic + "'")
				.hasMessageContaining("eventbus.kafka.producer.max-block (PT1S)")
				.hasMessageContaining("eventbus.kafka.producer.buffer-memory = 65536 bytes")
				.hasCauseInstanceOf(BufferExhaustedException.class);
			PublishTimeoutException timeout = (PublishTimeoutException) failed.error();
			assertThat(timeout.topic()).isEqualTo(topic);
			// it waited for room (the client gives up after max-block) rather than failing at once
			assertThat(timeout.waited()).isGreaterThanOrEqualTo(maxBlock.dividedBy(2));

			// nothing accepted stays pending: each one ends by its delivery timeout with a clear error
			await().atMost(deliveryTimeout.plusSeconds(30))
				.until(() -> accepted.stream().allMatch(CompletableFuture::isDone));
		}
		// the first request got through before the throttle; the rest expired in the buffer
		for (CompletableFuture<PublishReceipt> future : accepted) {
			Throwable error = future.handle((receipt, failure) -> failure).get();
			if (error == null) {
				assertThat(future.get().topic()).isEqualTo(topic);
				continue;
			}
			assertThat(error).isInstanceOf(PublishTimeoutException.class)
				.hasMessageContaining("'" + topic + "'")
				.hasMessageContaining("eventbus.kafka.producer.delivery-timeout (PT8S)");
			assertThat(((PublishException) error).topic()).isEqualTo(topic);
		}
	}

	private static void throttle(String producerClientId) throws Exception {
		ClientQuotaEntity entity = new ClientQuotaEntity(Map.of(ClientQuotaEntity.CLIENT_ID, producerClientId));
		try (Admin admin = broker.admin()) {
			admin.alterClientQuotas(List.of(new ClientQuotaAlteration(entity,
					List.of(new ClientQuotaAlteration.Op("producer_byte_rate", 10.0)))))
				.all()
				.get(30, TimeUnit.SECONDS);
			await().atMost(Duration.ofSeconds(30))
				.until(() -> !admin.describeClientQuotas(ClientQuotaFilter.containsOnly(
						List.of(ClientQuotaFilterComponent.ofEntity(ClientQuotaEntity.CLIENT_ID, producerClientId))))
					.entities()
					.get(30, TimeUnit.SECONDS)
					.isEmpty());
		}
	}

	private static String randomLetters(Random random, int length) {
		StringBuilder letters = new StringBuilder(length);
		for (int i = 0; i < length; i++) {
			letters.append((char) ('a' + random.nextInt(26)));
		}
		return letters.toString();
	}

	private record FailedPublish(int index, Duration call, Throwable error) {
	}

	static String header(ConsumerRecord<String, byte[]> record, String name) {
		return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
	}

}

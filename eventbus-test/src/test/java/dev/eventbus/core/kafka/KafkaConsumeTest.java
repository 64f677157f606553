package dev.eventbus.core.kafka;

import dev.eventbus.core.api.DeadLetterRecord;
import dev.eventbus.test.broker.KafkaTestBroker;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.RetryPolicy;
import dev.eventbus.core.api.Subscription;
import dev.eventbus.core.api.SubscriptionOptions;
import dev.eventbus.core.keyed.KeyedExecutor;
import dev.eventbus.core.keyed.KeyedExecutorOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Tests 1, 2, 3 and 7 of the Kafka transport, and lag, against one in-JVM KRaft broker. */
class KafkaConsumeTest {

	static KafkaTestBroker broker;

	record Seq(int seq) {
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
	void everyEventIsHandledExactlyOnceInKeyOrderAcrossSixPartitionsAndSixtyFourWorkers() {
		int keys = 1_000;
		int perKey = 100;
		String topic = broker.createTopic("exactly-once", 6);
		Map<String, AtomicInteger> timesHandled = new ConcurrentHashMap<>();
		Map<String, Integer> lastSeq = new ConcurrentHashMap<>();
		AtomicInteger orderViolations = new AtomicInteger();
		AtomicInteger handled = new AtomicInteger();
		try (KeyedExecutor executor = KeyedExecutor.create(KeyedExecutorOptions.builder().workers(64).build());
				KafkaEventBus bus = KafkaEventBus.builder(broker.options().build()).executor(executor).build()) {
			Subscription subscription = bus.subscribe(topic, Seq.class, SubscriptionOptions.of("exactly-once"),
					(envelope, context) -> {
						timesHandled.computeIfAbsent(envelope.eventId(), (id) -> new AtomicInteger()).incrementAndGet();
						Integer previous = lastSeq.put(envelope.aggregateId(), envelope.payload().seq());
						int expected = (previous == null) ? 0 : previous + 1;
						if (envelope.payload().seq() != expected) {
							orderViolations.incrementAndGet();
						}
						handled.incrementAndGet();
					});
			List<CompletableFuture<?>> publishes = new ArrayList<>(keys * perKey);
			for (int seq = 0; seq < perKey; seq++) {
				for (int key = 0; key < keys; key++) {
					publishes.add(bus.publish(topic, Envelope.of("agg-" + key, "Seq", new Seq(seq))));
				}
			}
			CompletableFuture.allOf(publishes.toArray(CompletableFuture[]::new)).join();
			await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> assertThat(handled.get()).isEqualTo(keys * perKey));
			await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(subscription.lag()).isZero());
			assertThat(timesHandled).hasSize(keys * perKey);
			assertThat(timesHandled.values()).allMatch((count) -> count.get() == 1);
			assertThat(orderViolations.get()).isZero();
			assertThat(lastSeq).hasSize(keys).allSatisfy((key, last) -> assertThat(last).isEqualTo(perKey - 1));
			assertThat(subscription.pending()).isZero();
		}
	}

	@Test
	void failingHandlerIsRetriedInKeyOrderThenDeadLetteredWhileOtherKeysFlow() {
		String topic = broker.createTopic("retry", 3);
		List<String> flaky = new CopyOnWriteArrayList<>();
		List<String> poisoned = new CopyOnWriteArrayList<>();
		Set<String> others = ConcurrentHashMap.newKeySet();
		AtomicInteger flakyFailures = new AtomicInteger();
		SubscriptionOptions options = SubscriptionOptions.builder("retry")
			.retryPolicy(RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ofMillis(50)).build())
			.build();
		try (KafkaEventBus bus = KafkaEventBus.builder(broker.options().build()).build()) {
			bus.subscribe(topic, Seq.class, options, (envelope, context) -> {
				String key = envelope.aggregateId();
				int seq = envelope.payload().seq();
				if (key.equals("flaky")) {
					flaky.add(seq + "#" + context.attempt());
					if (seq == 0 && flakyFailures.getAndIncrement() < 2) {
						throw new IllegalStateException("flaky failure " + flakyFailures.get());
					}
				}
				else if (key.equals("poisoned")) {
					poisoned.add(seq + "#" + context.attempt());
					if (seq == 0) {
						throw new IllegalArgumentException("always fails\non line two");
					}
				}
				else {
					others.add(key + ":" + seq);
				}
			});
			for (int seq = 0; seq < 3; seq++) {
				bus.publish(topic, Envelope.of("flaky", "Seq", new Seq(seq)));
				bus.publish(topic, Envelope.of("poisoned", "Seq", new Seq(seq)));
				for (int other = 0; other < 20; other++) {
					bus.publish(topic, Envelope.of("other-" + other, "Seq", new Seq(seq)));
				}
			}
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
				assertThat(flaky).containsExactly("0#1", "0#2", "0#3", "1#1", "2#1");
				assertThat(poisoned).containsExactly("0#1", "0#2", "0#3", "1#1", "2#1");
				assertThat(others).hasSize(60);
			});
		}
		ConsumerRecord<String, byte[]> deadLetter = broker.readAll(topic + KafkaEventBus.DEAD_LETTER_SUFFIX, 1).get(0);
		assertThat(deadLetter.key()).isEqualTo("poisoned");
		assertThat(header(deadLetter, DeadLetterRecord.HEADER_ORIGINAL_TOPIC)).isEqualTo(topic);
		assertThat(Integer.parseInt(header(deadLetter, DeadLetterRecord.HEADER_ORIGINAL_PARTITION))).isBetween(0, 2);
		assertThat(Long.parseLong(header(deadLetter, DeadLetterRecord.HEADER_ORIGINAL_OFFSET))).isNotNegative();
		assertThat(header(deadLetter, DeadLetterRecord.HEADER_EXCEPTION_CLASS)).isEqualTo(IllegalArgumentException.class.getName());
		assertThat(header(deadLetter, DeadLetterRecord.HEADER_EXCEPTION_MESSAGE)).isEqualTo("always fails on line two");
		assertThat(header(deadLetter, DeadLetterRecord.HEADER_ATTEMPTS)).isEqualTo("3");
		assertThat(header(deadLetter, DeadLetterRecord.HEADER_REASON)).isEqualTo(DeadLetterRecord.REASON_FAILED);
		assertThat(header(deadLetter, "ce_type")).isEqualTo("Seq");
		assertThat(new String(deadLetter.value(), StandardCharsets.UTF_8)).contains("\"seq\":0");
	}

	@Test
	void undecodableRecordsAreDeadLetteredAtOnceAndConsumptionContinues() throws Exception {
		String topic = broker.createTopic("poison", 1);
		List<Integer> handled = new CopyOnWriteArrayList<>();
		AtomicInteger attemptsOnPoison = new AtomicInteger();
		try (KafkaEventBus bus = KafkaEventBus.builder(broker.options().build()).build();
				KafkaProducer<String, byte[]> raw = new KafkaProducer<>(
						Map.of("bootstrap.servers", broker.bootstrapServers()), new StringSerializer(),
						new ByteArraySerializer())) {
			bus.subscribe(topic, Seq.class, SubscriptionOptions.of("poison"), (envelope, context) -> {
				if (envelope.payload() == null) {
					attemptsOnPoison.incrementAndGet();
				}
				handled.add(envelope.payload().seq());
			});
			bus.publish(topic, Envelope.of("a", "Seq", new Seq(1))).get();
			ProducerRecord<String, byte[]> noHeaders = new ProducerRecord<>(topic, "a", "not json".getBytes(StandardCharsets.UTF_8));
			raw.send(noHeaders).get();
			ProducerRecord<String, byte[]> badPayload = new ProducerRecord<>(topic, "a", "{\"seq\":\"NaN\"".getBytes(StandardCharsets.UTF_8));
			for (String[] header : new String[][] { { "ce_specversion", "1.0" }, { "ce_id", "bad-1" },
					{ "ce_type", "Seq" }, { "ce_source", "test" }, { "content-type", "application/json" } }) {
				badPayload.headers().add(header[0], header[1].getBytes(StandardCharsets.UTF_8));
			}
			raw.send(badPayload).get();
			bus.publish(topic, Envelope.of("a", "Seq", new Seq(2))).get();
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(handled).containsExactly(1, 2));
		}
		List<ConsumerRecord<String, byte[]>> deadLetters = broker.readAll(topic + KafkaEventBus.DEAD_LETTER_SUFFIX, 2);
		assertThat(deadLetters).hasSize(2);
		assertThat(deadLetters).allSatisfy((record) -> {
			assertThat(header(record, DeadLetterRecord.HEADER_REASON)).isEqualTo(DeadLetterRecord.REASON_POISON);
			assertThat(header(record, DeadLetterRecord.HEADER_ATTEMPTS)).isEqualTo("0");
			assertThat(header(record, DeadLetterRecord.HEADER_ORIGINAL_TOPIC)).isEqualTo(topic);
			assertThat(header(record, DeadLetterRecord.HEADER_EXCEPTION_CLASS)).isNotBlank();
		});
		assertThat(deadLetters).extracting((record) -> header(record, DeadLetterRecord.HEADER_ORIGINAL_OFFSET))
			.containsExactlyInAnyOrder("1", "2");
		assertThat(attemptsOnPoison.get()).isZero();
	}

	@Test
	void saturatedExecutorPausesAndResumesThePartitionsWithoutRebalanceAndLosesNothing() {
		String topic = broker.createTopic("backpressure", 3);
		int events = 600;
		Set<String> published = ConcurrentHashMap.newKeySet();
		Set<String> handled = ConcurrentHashMap.newKeySet();
		AtomicInteger maxPendingSeen = new AtomicInteger();
		KeyedExecutorOptions executorOptions = KeyedExecutorOptions.builder()
			.workers(2)
			.maxPending(20)
			.highWatermark(0.8)
			.lowWatermark(0.4)
			.build();
		try (KeyedExecutor executor = KeyedExecutor.create(executorOptions);
				KafkaEventBus bus = KafkaEventBus.builder(broker.options().build()).executor(executor).build()) {
			for (int i = 0; i < events; i++) {
				Envelope<Seq> envelope = Envelope.of("key-" + (i % 60), "Seq", new Seq(i));
				published.add(envelope.eventId());
				bus.publish(topic, envelope);
			}
			KafkaSubscription subscription = (KafkaSubscription) bus.subscribe(topic, Seq.class,
					SubscriptionOptions.of("backpressure"), (envelope, context) -> {
						maxPendingSeen.accumulateAndGet(executor.pending(), Math::max);
						Thread.sleep(2);
						handled.add(envelope.eventId());
					});
			await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(handled).hasSize(events));
			assertThat(handled).isEqualTo(published);
			assertThat(subscription.backpressurePauses()).isPositive();
			assertThat(subscription.backpressureResumes()).isPositive();
			assertThat(subscription.revocations()).isZero();
			assertThat(maxPendingSeen.get()).isLessThanOrEqualTo(20);
			assertThat(subscription.state()).isEqualTo(Subscription.State.RUNNING);
		}
	}

	@Test
	void pauseStopsFetchingResumeContinuesAndCloseCommitsAndRemovesTheSubscription() throws Exception {
		String topic = broker.createTopic("pause", 2);
		List<Integer> handled = new CopyOnWriteArrayList<>();
		try (KafkaEventBus bus = KafkaEventBus.builder(broker.options().build()).build()) {
			Subscription subscription = bus.subscribe(topic, Seq.class, SubscriptionOptions.of("pause"),
					(envelope, context) -> handled.add(envelope.payload().seq()));
			assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
				.contains("eventbus-kafka-consumer-" + topic + "-0");
			bus.publish(topic, Envelope.of("k", "Seq", new Seq(0))).get();
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(handled).containsExactly(0));

			subscription.pause();
			assertThat(subscription.state()).isEqualTo(Subscription.State.PAUSED);
			bus.publish(topic, Envelope.of("k", "Seq", new Seq(1))).get();
			await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
				.untilAsserted(() -> assertThat(handled).containsExactly(0));

			subscription.resume();
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(handled).containsExactly(0, 1));
			assertThat(subscription.state()).isEqualTo(Subscription.State.RUNNING);

			subscription.close();
			assertThat(subscription.state()).isEqualTo(Subscription.State.CLOSED);
			assertThat(bus.subscriptions()).isEmpty();
			try (var admin = broker.admin()) {
				long committed = admin.listConsumerGroupOffsets("pause")
					.partitionsToOffsetAndMetadata()
					.get()
					.values()
					.stream()
					.mapToLong((offset) -> offset.offset())
					.sum();
				assertThat(committed).isEqualTo(2);
			}
		}
	}

	static String header(ConsumerRecord<String, byte[]> record, String name) {
		return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
	}

	static Set<String> copy(Set<String> set) {
		return Collections.unmodifiableSet(new HashSet<>(set));
	}

}

package dev.eventbus.core.nats;

import dev.eventbus.core.api.DeadLetterRecord;
import dev.eventbus.test.broker.NatsServerProcess;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.PublishReceipt;
import dev.eventbus.core.api.RetryPolicy;
import dev.eventbus.core.api.Subscription;
import dev.eventbus.core.api.SubscriptionOptions;
import dev.eventbus.core.keyed.KeyedExecutor;
import dev.eventbus.core.keyed.KeyedExecutorOptions;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.MessageInfo;
import io.nats.client.impl.Headers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Consuming against a real nats-server started for this class: ordering, retry, dead letters, ack
 * deadline extension.
 */
class NatsConsumeTest {

	private static NatsServerProcess server;

	private static Connection admin;

	private final List<AutoCloseable> resources = new ArrayList<>();

	record Step(String key, int n) {
	}

	@BeforeAll
	static void startServer() throws Exception {
		server = NatsServerProcess.launch();
		admin = Nats.connect(server.url());
	}

	@AfterAll
	static void stopServer() throws Exception {
		admin.close();
		server.close();
	}

	@AfterEach
	void closeResources() throws Exception {
		for (int i = this.resources.size() - 1; i >= 0; i--) {
			this.resources.get(i).close();
		}
	}

	private static String topic(String name) {
		return name + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

	private KeyedExecutor executor(int workers) {
		KeyedExecutor executor = KeyedExecutor.create(KeyedExecutorOptions.builder().workers(workers).build());
		this.resources.add(() -> executor.shutdown(Duration.ofSeconds(10)));
		return executor;
	}

	private NatsEventBus bus(KeyedExecutor executor, NatsOptions.Builder options) {
		NatsEventBus bus = NatsEventBus.builder(options.servers(server.url()).build())
			.executor(executor)
			.shutdownTimeout(Duration.ofSeconds(20))
			.build();
		this.resources.add(bus);
		return bus;
	}

	@Test
	void builderSettersOnlyRecordAndBuildRejectsABadSettingNamingIt() {
		NatsEventBus.Builder builder = NatsEventBus.builder(NatsOptions.builder().servers(server.url()).build())
			.source(" ")
			.shutdownTimeout(Duration.ofSeconds(1));

		assertThatIllegalArgumentException().isThrownBy(builder::build).withMessageContaining("source");
	}

	@Test
	void aSubscriptionWhoseStreamWasDeletedFailsNamingTheStreamInsteadOfRetryingForever() throws Exception {
		String topic = topic("deleted");
		NatsEventBus bus = bus(executor(2), NatsOptions.builder());
		Subscription subscription = bus.subscribe(topic, Step.class, SubscriptionOptions.of("g"), (e, c) -> {
		});
		String stream = NatsStreamOptions.streamName(topic);

		admin.jetStreamManagement().deleteStream(stream);

		await().atMost(Duration.ofSeconds(30)).until(() -> subscription.state() == Subscription.State.FAILED);
		assertThat(subscription.failure()).hasMessageContaining(stream).hasMessageContaining("for good");
		subscription.close();
		assertThat(bus.subscriptions()).isEmpty();
	}

	@Test
	void hundredThousandEventsOfThousandKeysAreHandledExactlyOnceInPerKeyOrder() {
		String topic = topic("bulk");
		int keys = 1_000;
		int perKey = 100;
		NatsEventBus bus = bus(executor(64), NatsOptions.builder());
		Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
		Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
		AtomicInteger overlaps = new AtomicInteger();
		AtomicInteger handled = new AtomicInteger();
		bus.subscribe(topic, Step.class, SubscriptionOptions.of("bulk"), (envelope, context) -> {
			Step step = envelope.payload();
			AtomicInteger active = running.computeIfAbsent(step.key(), (k) -> new AtomicInteger());
			if (active.incrementAndGet() > 1) {
				overlaps.incrementAndGet();
			}
			seen.computeIfAbsent(step.key(), (k) -> new CopyOnWriteArrayList<>()).add(step.n());
			active.decrementAndGet();
			handled.incrementAndGet();
		});
		List<CompletableFuture<PublishReceipt>> receipts = new ArrayList<>(keys * perKey);
		for (int n = 0; n < perKey; n++) {
			for (int k = 0; k < keys; k++) {
				String key = "key-" + k;
				receipts.add(bus.publish(topic, Envelope.of(key, "Step", new Step(key, n))));
			}
		}
		CompletableFuture.allOf(receipts.toArray(CompletableFuture[]::new)).join();

		await().atMost(Duration.ofMinutes(3)).until(() -> handled.get() >= keys * perKey);
		List<Integer> expected = new ArrayList<>();
		for (int n = 0; n < perKey; n++) {
			expected.add(n);
		}
		assertThat(seen).hasSize(keys);
		seen.forEach((key, steps) -> assertThat(steps).as(key).isEqualTo(expected));
		assertThat(overlaps).hasValue(0);
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			ConsumerInfo info = consumerInfo(topic, "bulk");
			assertThat(info.getNumAckPending()).isZero();
			assertThat(info.getNumPending()).isZero();
			assertThat(info.getDelivered().getConsumerSequence()).isEqualTo(keys * perKey);
		});
		assertThat(handled).hasValue(keys * perKey);
	}

	@Test
	void failingEventIsRetriedInItsLaneThenDeadLetteredWithHeadersWhileOtherKeysContinue() throws Exception {
		String topic = topic("retry");
		NatsEventBus bus = bus(executor(8), NatsOptions.builder());
		List<String> badKey = new CopyOnWriteArrayList<>();
		Map<String, List<Integer>> others = new ConcurrentHashMap<>();
		RetryPolicy retry = RetryPolicy.builder()
			.maxAttempts(3)
			.initialBackoff(Duration.ofMillis(200))
			.maxBackoff(Duration.ofMillis(200))
			.build();
		bus.subscribe(topic, Step.class, SubscriptionOptions.builder("billing").retryPolicy(retry).build(),
				(envelope, context) -> {
					Step step = envelope.payload();
					if (step.key().equals("bad")) {
						badKey.add(step.n() + "@" + context.attempt());
						if (step.n() == 2) {
							throw new IllegalStateException("cannot bill step 2");
						}
					}
					else {
						others.computeIfAbsent(step.key(), (k) -> new CopyOnWriteArrayList<>()).add(step.n());
					}
				});
		long failingSequence = -1;
		for (int n = 0; n < 5; n++) {
			PublishReceipt receipt = bus.publish(topic, Envelope.of("bad", "Step", new Step("bad", n))).join();
			if (n == 2) {
				failingSequence = receipt.streamSequence();
			}
			for (int k = 0; k < 10; k++) {
				bus.publish(topic, Envelope.of("good-" + k, "Step", new Step("good-" + k, n))).join();
			}
		}

		await().atMost(Duration.ofSeconds(30)).until(() -> badKey.size() == 7);
		assertThat(badKey).containsExactly("0@1", "1@1", "2@1", "2@2", "2@3", "3@1", "4@1");
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(others.values()).hasSize(10)
				.allSatisfy((steps) -> assertThat(steps).containsExactly(0, 1, 2, 3, 4)));

		JetStreamManagement jsm = admin.jetStreamManagement();
		String dltStream = NatsStreamOptions.streamName(topic + ".dlt");
		await().atMost(Duration.ofSeconds(10))
			.until(() -> jsm.getStreamInfo(dltStream).getStreamState().getMsgCount() == 1);
		MessageInfo dead = jsm.getMessage(dltStream, 1);
		assertThat(dead.getSubject()).isEqualTo(topic + ".dlt");
		Headers headers = dead.getHeaders();
		assertThat(headers.getFirst(DeadLetterRecord.HEADER_ORIGINAL_TOPIC)).isEqualTo(topic);
		assertThat(headers.getFirst(DeadLetterRecord.HEADER_ORIGINAL_SEQUENCE)).isEqualTo(Long.toString(failingSequence));
		assertThat(headers.getFirst(DeadLetterRecord.HEADER_EXCEPTION_CLASS)).isEqualTo(IllegalStateException.class.getName());
		assertThat(headers.getFirst(DeadLetterRecord.HEADER_EXCEPTION_MESSAGE)).isEqualTo("cannot bill step 2");
		assertThat(headers.getFirst(DeadLetterRecord.HEADER_ATTEMPTS)).isEqualTo("3");
		assertThat(headers.getFirst(DeadLetterRecord.HEADER_GROUP)).isEqualTo("billing");
		assertThat(headers.getFirst("ce-subject")).isEqualTo("bad");
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			ConsumerInfo info = consumerInfo(topic, "billing");
			assertThat(info.getNumAckPending()).isZero();
			assertThat(info.getNumPending()).isZero();
			assertThat(info.getDelivered().getConsumerSequence()).isEqualTo(55);
		});
	}

	@Test
	void undecodableMessageIsDeadLetteredAtOnceAndConsumptionContinues() throws Exception {
		String topic = topic("poison");
		NatsEventBus bus = bus(executor(4), NatsOptions.builder());
		List<Integer> handled = new CopyOnWriteArrayList<>();
		bus.subscribe(topic, Step.class, SubscriptionOptions.of("audit"),
				(envelope, context) -> handled.add(envelope.payload().n()));
		bus.publish(topic, Envelope.of("k", "Step", new Step("k", 1))).join();
		Headers headers = new Headers().add("ce-specversion", "1.0")
			.add("ce-id", "poison-1")
			.add("ce-type", "Step")
			.add("ce-source", "elsewhere")
			.add("ce-subject", "k")
			.add("content-type", "application/json");
		admin.jetStream().publish(topic, headers, "{not json".getBytes(StandardCharsets.UTF_8));
		admin.jetStream().publish(topic, new Headers().add("x", "y"), "no cloudevents headers".getBytes());
		bus.publish(topic, Envelope.of("k", "Step", new Step("k", 2))).join();

		await().atMost(Duration.ofSeconds(30)).until(() -> handled.size() == 2);
		assertThat(handled).containsExactly(1, 2);
		JetStreamManagement jsm = admin.jetStreamManagement();
		String dltStream = NatsStreamOptions.streamName(topic + ".dlt");
		await().atMost(Duration.ofSeconds(10))
			.until(() -> jsm.getStreamInfo(dltStream).getStreamState().getMsgCount() == 2);
		// The unkeyed poison message runs without a lane, so the two may be dead-lettered in either order.
		Map<String, MessageInfo> deadBySequence = new ConcurrentHashMap<>();
		for (long sequence = 1; sequence <= 2; sequence++) {
			MessageInfo info = jsm.getMessage(dltStream, sequence);
			deadBySequence.put(info.getHeaders().getFirst(DeadLetterRecord.HEADER_ORIGINAL_SEQUENCE), info);
		}
		assertThat(deadBySequence).containsOnlyKeys("2", "3");
		Headers dead = deadBySequence.get("2").getHeaders();
		assertThat(dead.getFirst(DeadLetterRecord.HEADER_REASON)).isEqualTo(DeadLetterRecord.REASON_POISON);
		assertThat(dead.getFirst(DeadLetterRecord.HEADER_ATTEMPTS)).isEqualTo("0");
		assertThat(dead.getFirst("ce-id")).isEqualTo("poison-1");
		assertThat(new String(deadBySequence.get("2").getData(), StandardCharsets.UTF_8)).isEqualTo("{not json");
		assertThat(deadBySequence.get("3").getHeaders().getFirst(DeadLetterRecord.HEADER_REASON))
			.isEqualTo(DeadLetterRecord.REASON_POISON);
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(consumerInfo(topic, "audit").getNumAckPending()).isZero());
	}

	@Test
	void handlerRunningLongerThanAckWaitIsNotRedelivered() throws Exception {
		String topic = topic("slow");
		NatsOptions.Builder options = NatsOptions.builder()
			.consumer(NatsConsumerOptions.builder().ackWait(Duration.ofSeconds(1)).build());
		NatsEventBus bus = bus(executor(4), options);
		AtomicInteger calls = new AtomicInteger();
		AtomicInteger finished = new AtomicInteger();
		Subscription subscription = bus.subscribe(topic, Step.class, SubscriptionOptions.of("slow"),
				(envelope, context) -> {
					calls.incrementAndGet();
					Thread.sleep(3_500);
					finished.incrementAndGet();
				});
		bus.publish(topic, Envelope.of("k1", "Step", new Step("k1", 1))).join();
		bus.publish(topic, Envelope.of("k2", "Step", new Step("k2", 1))).join();

		await().atMost(Duration.ofSeconds(30)).until(() -> finished.get() == 2);
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(consumerInfo(topic, "slow").getNumAckPending()).isZero());
		assertThat(calls).hasValue(2);
		// Two deliveries in all: the ack deadline was extended, the server never redelivered.
		assertThat(consumerInfo(topic, "slow").getDelivered().getConsumerSequence()).isEqualTo(2);
		assertThat(subscription.pending()).isZero();
	}

	@Test
	void pausedSubscriptionStopsPullingAndLagReportsTheBacklog() throws Exception {
		String topic = topic("pause");
		NatsEventBus bus = bus(executor(4), NatsOptions.builder());
		AtomicInteger handled = new AtomicInteger();
		Subscription subscription = bus.subscribe(topic, Step.class, SubscriptionOptions.of("lagging"),
				(envelope, context) -> handled.incrementAndGet());
		bus.publish(topic, Envelope.of("k", "Step", new Step("k", 0))).join();
		await().atMost(Duration.ofSeconds(10)).until(() -> handled.get() == 1);
		subscription.pause();
		await().atMost(Duration.ofSeconds(5)).until(() -> subscription.state() == Subscription.State.PAUSED);
		// a pull in progress when pausing may still deliver; publish after it expired
		await().pollDelay(Duration.ofMillis(700)).atMost(Duration.ofSeconds(5)).until(() -> true);
		for (int n = 1; n <= 20; n++) {
			bus.publish(topic, Envelope.of("k", "Step", new Step("k", n))).join();
		}
		await().atMost(Duration.ofSeconds(15)).until(() -> subscription.lag() == 20);
		assertThat(handled).hasValue(1);
		subscription.resume();
		await().atMost(Duration.ofSeconds(15)).until(() -> handled.get() == 21);
		await().atMost(Duration.ofSeconds(15)).until(() -> subscription.lag() == 0);
	}

	@Test
	void subjectPrefixNamesTheSubjectsAndStreamsOfTopicAndDeadLetters() throws Exception {
		String topic = topic("prefixed");
		NatsOptions.Builder options = NatsOptions.builder()
			.stream(NatsStreamOptions.builder().subjectPrefix("shop.eu").build());
		NatsEventBus bus = bus(executor(2), options);
		List<String> handled = new CopyOnWriteArrayList<>();
		bus.subscribe(topic, Step.class,
				SubscriptionOptions.builder("prefix").retryPolicy(RetryPolicy.none()).build(),
				(envelope, context) -> {
					if (envelope.payload().n() == 2) {
						throw new IllegalArgumentException("rejected");
					}
					handled.add(context.topic() + ":" + envelope.payload().n());
				});
		bus.publish(topic, Envelope.of("k", "Step", new Step("k", 1))).join();
		bus.publish(topic, Envelope.of("k", "Step", new Step("k", 2))).join();
		await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == 1);
		assertThat(handled).containsExactly(topic + ":1");

		JetStreamManagement jsm = admin.jetStreamManagement();
		String stream = NatsStreamOptions.streamName("shop.eu." + topic);
		assertThat(stream).startsWith("SHOP_EU_");
		assertThat(jsm.getStreamInfo(stream).getConfiguration().getSubjects()).containsExactly("shop.eu." + topic);
		String dltStream = NatsStreamOptions.streamName("shop.eu." + topic + ".dlt");
		await().atMost(Duration.ofSeconds(10))
			.until(() -> jsm.getStreamInfo(dltStream).getStreamState().getMsgCount() == 1);
		MessageInfo dead = jsm.getMessage(dltStream, 1);
		assertThat(dead.getSubject()).isEqualTo("shop.eu." + topic + ".dlt");
		assertThat(dead.getHeaders().getFirst(DeadLetterRecord.HEADER_ORIGINAL_TOPIC)).isEqualTo(topic);
	}

	@Test
	void deletedDurableConsumerIsCreatedAgainAndConsumptionResumes() throws Exception {
		String topic = topic("deleted");
		NatsEventBus bus = bus(executor(2), NatsOptions.builder());
		List<Integer> handled = new CopyOnWriteArrayList<>();
		bus.subscribe(topic, Step.class, SubscriptionOptions.of("phoenix"),
				(envelope, context) -> handled.add(envelope.payload().n()));
		bus.publish(topic, Envelope.of("k", "Step", new Step("k", 1))).join();
		await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == 1);
		// nats-server 2.9 sometimes refuses a delete while it writes the consumer's state: try again
		await().atMost(Duration.ofSeconds(10))
			.ignoreExceptions()
			.until(() -> admin.jetStreamManagement()
				.deleteConsumer(NatsStreamOptions.streamName(topic), NatsConsumerOptions.durableName("phoenix", topic)));
		bus.publish(topic, Envelope.of("k", "Step", new Step("k", 2))).join();
		// The re-created consumer starts from the beginning of the stream: event 1 comes again.
		await().atMost(Duration.ofSeconds(30)).until(() -> handled.contains(2));
		assertThat(handled).endsWith(2);
	}

	static ConsumerInfo consumerInfo(String topic, String group) throws Exception {
		return admin.jetStreamManagement()
			.getConsumerInfo(NatsStreamOptions.streamName(topic), NatsConsumerOptions.durableName(group, topic));
	}

}

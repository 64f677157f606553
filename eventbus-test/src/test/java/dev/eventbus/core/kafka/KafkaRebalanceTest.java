package dev.eventbus.core.kafka;

import dev.eventbus.test.broker.KafkaTestBroker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.EventContext;
import dev.eventbus.core.api.EventListener;
import dev.eventbus.core.api.Subscription;
import dev.eventbus.core.api.SubscriptionOptions;
import dev.eventbus.core.keyed.KeyedExecutor;
import dev.eventbus.core.keyed.KeyedExecutorOptions;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests 4 and 5: members joining and leaving mid-stream, and an abrupt stop, against one KRaft
 * broker, each under both consumer group protocols (classic with the cooperative sticky assignor,
 * and the consumer protocol of KIP-848, whose broker moves partitions member by member). The
 * broker's consumer-protocol heartbeat and session bounds are lowered so that assignments move
 * within the tests' timeouts (broker defaults: 5 s heartbeats, 45 s sessions).
 */
class KafkaRebalanceTest {

	/** Broker settings of the consumer protocol for tests: heartbeats every 500 ms, sessions of 10 s. */
	static final Map<String, String> CONSUMER_PROTOCOL_BROKER = Map.of("group.consumer.min.heartbeat.interval.ms",
			"500", "group.consumer.heartbeat.interval.ms", "500", "group.consumer.min.session.timeout.ms", "6000",
			"group.consumer.session.timeout.ms", "10000");

	static KafkaTestBroker broker;

	record Seq(int seq) {
	}

	/** Where one delivery of an event happened. */
	record Delivery(String member, String key, int seq, int partition, long offset) {
	}

	@BeforeAll
	static void startBroker() {
		broker = KafkaTestBroker.start(CONSUMER_PROTOCOL_BROKER);
	}

	@AfterAll
	static void stopBroker() {
		broker.close();
	}

	/** Records deliveries and checks that no key is in progress on two members at once. */
	static final class Recorder {

		final Map<String, String> inProgress = new ConcurrentHashMap<>();

		final AtomicInteger concurrentViolations = new AtomicInteger();

		final List<Delivery> deliveries = new CopyOnWriteArrayList<>();

		final Set<String> handledIds = ConcurrentHashMap.newKeySet();

		EventListener<Seq> listener(String member) {
			return listener(member, Duration.ofNanos(TimeUnit.MICROSECONDS.toNanos(300)));
		}

		EventListener<Seq> listener(String member, Duration work) {
			return (Envelope<Seq> envelope, EventContext context) -> {
				String key = envelope.aggregateId();
				String other = this.inProgress.putIfAbsent(key, member);
				if (other != null) {
					this.concurrentViolations.incrementAndGet();
				}
				try {
					LockSupport.parkNanos(work.toNanos());
					this.deliveries.add(new Delivery(member, key, envelope.payload().seq(), context.partition(),
							context.offset()));
					this.handledIds.add(envelope.eventId());
				}
				finally {
					this.inProgress.remove(key, member);
				}
			};
		}

		/** @return keys whose deliveries skipped ahead (a later event before an earlier one was first handled) */
		List<String> orderViolations() {
			Map<String, List<Integer>> byKey = new ConcurrentHashMap<>();
			for (Delivery delivery : this.deliveries) {
				byKey.computeIfAbsent(delivery.key(), (key) -> new ArrayList<>()).add(delivery.seq());
			}
			List<String> violations = new ArrayList<>();
			byKey.forEach((key, seqs) -> {
				int max = -1;
				int previous = -1;
				for (int seq : seqs) {
					// a redelivery may go back, but never skip past the next unseen event
					if (seq > max + 1 || seq > previous + 1) {
						violations.add(key + ": " + seqs);
						return;
					}
					max = Math.max(max, seq);
					previous = seq;
				}
			});
			return violations;
		}

		int duplicates() {
			return this.deliveries.size() - this.handledIds.size();
		}

	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(KafkaGroupProtocol.class)
	void memberJoiningAndLeavingMidStreamLosesNothingKeepsKeyOrderAndNeverRunsAKeyTwiceAtOnce(
			KafkaGroupProtocol protocol) throws Exception {
		String topic = broker.createTopic("rebalance-" + protocol.clientValue(), 12);
		String group = "rebalance-" + protocol.clientValue();
		int keys = 100;
		int rounds = 240;
		Recorder recorder = new Recorder();
		Set<String> published = ConcurrentHashMap.newKeySet();
		KeyedExecutorOptions executorOptions = KeyedExecutorOptions.builder().workers(4).build();
		KafkaOptions options = broker.options(protocol).build();
		try (KeyedExecutor executorA = KeyedExecutor.create(executorOptions);
				KeyedExecutor executorB = KeyedExecutor.create(executorOptions);
				KeyedExecutor executorC = KeyedExecutor.create(executorOptions);
				KafkaEventBus publisher = KafkaEventBus.builder(broker.options().build()).build();
				KafkaEventBus busA = KafkaEventBus.builder(options).executor(executorA).build();
				KafkaEventBus busB = KafkaEventBus.builder(options).executor(executorB).build();
				KafkaEventBus busC = KafkaEventBus.builder(options).executor(executorC).build()) {
			// handlers slower than the publisher, so that every reassignment finds queued and running work
			Duration work = Duration.ofMillis(2);
			Subscription a = busA.subscribe(topic, Seq.class, SubscriptionOptions.of(group), recorder.listener("A", work));
			CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> {
				for (int round = 0; round < rounds; round++) {
					List<CompletableFuture<?>> acks = new ArrayList<>();
					for (int key = 0; key < keys; key++) {
						Envelope<Seq> envelope = Envelope.of("key-" + key, "Seq", new Seq(round));
						published.add(envelope.eventId());
						acks.add(publisher.publish(topic, envelope));
					}
					CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
					LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
				}
			});
			await().atMost(Duration.ofSeconds(60)).until(() -> recorder.handledIds.size() >= keys * rounds / 6);
			Subscription b = busB.subscribe(topic, Seq.class, SubscriptionOptions.of(group), recorder.listener("B", work));
			await().atMost(Duration.ofSeconds(60)).until(() -> handledBy(recorder, "B"));
			Subscription c = busC.subscribe(topic, Seq.class, SubscriptionOptions.of(group), recorder.listener("C", work));
			await().atMost(Duration.ofSeconds(60)).until(() -> handledBy(recorder, "C"));
			// the group really speaks the protocol under test, with its three members
			try (Admin admin = broker.admin()) {
				ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group))
					.all()
					.get(30, TimeUnit.SECONDS)
					.get(group);
				assertThat(description.type())
					.isEqualTo((protocol == KafkaGroupProtocol.CONSUMER) ? GroupType.CONSUMER : GroupType.CLASSIC);
				assertThat(description.members()).hasSize(3);
			}
			// incremental (cooperative sticky, or KIP-848): the first member gave partitions up in two
			// steps (to B, then to C) while it kept others
			KafkaSubscription first = (KafkaSubscription) a;
			await().atMost(Duration.ofSeconds(60)).until(() -> first.revocations() >= 2);
			assertThat(first.assignedPartitions()).isNotEmpty();
			await().atMost(Duration.ofSeconds(60)).until(() -> recorder.handledIds.size() >= keys * rounds * 2 / 3);
			a.close(Duration.ofSeconds(10));
			publishing.get(120, TimeUnit.SECONDS);
			await().atMost(Duration.ofSeconds(90))
				.untilAsserted(() -> assertThat(recorder.handledIds).hasSize(keys * rounds));
			assertThat(b.state()).isEqualTo(Subscription.State.RUNNING);
			assertThat(c.state()).isEqualTo(Subscription.State.RUNNING);
		}
		assertThat(recorder.handledIds).isEqualTo(published);
		assertThat(recorder.concurrentViolations.get()).isZero();
		assertThat(recorder.orderViolations()).isEmpty();
		System.out.printf("%s join/join/leave: %d events, %d deliveries, %d duplicates%n", protocol,
				published.size(), recorder.deliveries.size(), recorder.duplicates());
	}

	private static boolean handledBy(Recorder recorder, String member) {
		return recorder.deliveries.stream().anyMatch((delivery) -> delivery.member().equals(member));
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(KafkaGroupProtocol.class)
	void abruptStopLosesNothingAndRedeliversOnlyTheUncommittedWindow(KafkaGroupProtocol protocol) throws Exception {
		String topic = broker.createTopic("abrupt-" + protocol.clientValue(), 3);
		String group = "abrupt-" + protocol.clientValue();
		int events = 3_000;
		Recorder recorder = new Recorder();
		Set<String> published = ConcurrentHashMap.newKeySet();
		try (KafkaEventBus bus = KafkaEventBus.builder(broker.options(protocol).build()).build()) {
			for (int i = 0; i < events; i++) {
				Envelope<Seq> envelope = Envelope.of("key-" + (i % 50), "Seq", new Seq(i / 50));
				published.add(envelope.eventId());
				bus.publish(topic, envelope);
			}
			Subscription first = bus.subscribe(topic, Seq.class, SubscriptionOptions.of(group), recorder.listener("first"));
			await().atMost(Duration.ofSeconds(60)).until(() -> recorder.handledIds.size() >= events / 3);
			first.close(Duration.ZERO);
			Map<TopicPartition, OffsetAndMetadata> committed;
			try (Admin admin = broker.admin()) {
				// close(ZERO) does not wait for the poll thread: its final commit and leaving the group
				// happen in the background. Read the commits once the member has left.
				await().atMost(Duration.ofSeconds(30))
					.until(() -> admin.describeConsumerGroups(List.of(group)).all().get().get(group).members().isEmpty());
				committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
			}
			// a handler records its delivery before it returns, and only returned work is committed
			List<Delivery> firstSession = List.copyOf(recorder.deliveries);
			// nothing below a committed offset is unfinished: every such record was handled in the first session
			Set<String> handledPositions = ConcurrentHashMap.newKeySet();
			firstSession.forEach((delivery) -> handledPositions.add(delivery.partition() + "@" + delivery.offset()));
			committed.forEach((partition, offset) -> {
				for (long position = 0; position < offset.offset(); position++) {
					assertThat(handledPositions).contains(partition.partition() + "@" + position);
				}
			});

			bus.subscribe(topic, Seq.class, SubscriptionOptions.of(group), recorder.listener("second"));
			await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(recorder.handledIds).hasSize(events));
			assertThat(recorder.handledIds).isEqualTo(published);
			// handlers running at the abrupt stop still finish afterwards: count every first-session delivery
			Set<String> firstPositions = ConcurrentHashMap.newKeySet();
			recorder.deliveries.stream()
				.filter((delivery) -> delivery.member().equals("first"))
				.forEach((delivery) -> firstPositions.add(delivery.partition() + "@" + delivery.offset()));
			List<Delivery> redelivered = recorder.deliveries.stream()
				.filter((delivery) -> delivery.member().equals("second"))
				.filter((delivery) -> firstPositions.contains(delivery.partition() + "@" + delivery.offset()))
				.toList();
			// every duplicate comes from the uncommitted window: at or above the committed offset
			assertThat(redelivered).allSatisfy((delivery) -> {
				OffsetAndMetadata offset = committed.get(new TopicPartition(topic, delivery.partition()));
				assertThat(delivery.offset()).isGreaterThanOrEqualTo((offset != null) ? offset.offset() : 0);
			});
			assertThat(recorder.duplicates()).isEqualTo(redelivered.size());
			assertThat(recorder.orderViolations()).isEmpty();
			System.out.printf("%s abrupt stop: %d events, %d handled before the stop, %d duplicates (uncommitted window)%n",
					protocol, events, firstSession.size(), recorder.duplicates());
		}
	}

}

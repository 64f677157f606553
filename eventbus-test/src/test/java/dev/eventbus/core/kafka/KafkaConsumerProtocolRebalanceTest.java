package dev.eventbus.core.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.Subscription;
import dev.eventbus.core.api.SubscriptionOptions;
import dev.eventbus.core.kafka.KafkaRebalanceTest.Recorder;
import dev.eventbus.core.kafka.KafkaRebalanceTest.Seq;
import dev.eventbus.core.keyed.KeyedExecutor;
import dev.eventbus.core.keyed.KeyedExecutorOptions;
import dev.eventbus.test.broker.KafkaTestBroker;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.GroupType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Rebalance under load with the consumer group protocol (KIP-848): the broker moves partitions to a
 * second and a third member that join mid-stream, and back when one leaves, in incremental steps
 * (several assignment and revocation callbacks per member, each with part of its partitions).
 * Nothing is lost, per-key order is kept, no key is in progress on two members at once.
 */
class KafkaConsumerProtocolRebalanceTest {

	static KafkaTestBroker broker;

	@BeforeAll
	static void startBroker() {
		broker = KafkaTestBroker.start(Map.of("group.consumer.min.heartbeat.interval.ms", "500",
				"group.consumer.heartbeat.interval.ms", "500", "group.consumer.min.session.timeout.ms", "6000",
				"group.consumer.session.timeout.ms", "10000"));
	}

	@AfterAll
	static void stopBroker() {
		broker.close();
	}

	private static KafkaOptions consumerProtocol() {
		KafkaOptions options = broker.options().build();
		return options.toBuilder()
			.consumer(options.consumer()
				.toBuilder()
				.sessionTimeout(null)
				.heartbeatInterval(null)
				.groupProtocol(KafkaGroupProtocol.CONSUMER)
				.build())
			.build();
	}

	@Test
	void secondAndThirdMemberJoiningAndOneLeavingMidStreamLoseNothingAndKeepKeysOrderedAndExclusive()
			throws Exception {
		String topic = broker.createTopic("kip848-rebalance", 12);
		String group = "kip848-rebalance";
		int keys = 100;
		int rounds = 240;
		Recorder recorder = new Recorder();
		Set<String> published = ConcurrentHashMap.newKeySet();
		KeyedExecutorOptions executorOptions = KeyedExecutorOptions.builder().workers(4).build();
		try (KeyedExecutor executorA = KeyedExecutor.create(executorOptions);
				KeyedExecutor executorB = KeyedExecutor.create(executorOptions);
				KeyedExecutor executorC = KeyedExecutor.create(executorOptions);
				KafkaEventBus publisher = KafkaEventBus.builder(broker.options().build()).build();
				KafkaEventBus busA = KafkaEventBus.builder(consumerProtocol()).executor(executorA).build();
				KafkaEventBus busB = KafkaEventBus.builder(consumerProtocol()).executor(executorB).build();
				KafkaEventBus busC = KafkaEventBus.builder(consumerProtocol()).executor(executorC).build()) {
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
			// the group really is a consumer-protocol group, with its three members
			try (var admin = broker.admin()) {
				ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group))
					.all()
					.get(30, TimeUnit.SECONDS)
					.get(group);
				assertThat(description.type()).isEqualTo(GroupType.CONSUMER);
				assertThat(description.members()).hasSize(3);
			}
			// incremental: the first member gave partitions up in two steps (to B, then to C) while it kept others
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
		System.out.printf("consumer protocol join/join/leave: %d events, %d deliveries, %d duplicates%n",
				published.size(), recorder.deliveries.size(), recorder.duplicates());
	}

	private static boolean handledBy(Recorder recorder, String member) {
		return recorder.deliveries.stream().anyMatch((delivery) -> delivery.member().equals(member));
	}

}

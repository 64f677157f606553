package dev.eventbus.core.nats;

import dev.eventbus.test.broker.NatsServerProcess;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.EventListener;
import dev.eventbus.core.api.PublishException;
import dev.eventbus.core.api.PublishReceipt;
import dev.eventbus.core.api.Subscription;
import dev.eventbus.core.api.SubscriptionOptions;
import dev.eventbus.core.keyed.KeyedExecutor;
import dev.eventbus.core.keyed.KeyedExecutorOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances of a group, and a server restart, against real nats-server processes.
 */
class NatsFailoverTest {

	private final List<AutoCloseable> resources = new ArrayList<>();

	record Step(String key, int n) {
	}

	@AfterEach
	void closeResources() throws Exception {
		for (int i = this.resources.size() - 1; i >= 0; i--) {
			this.resources.get(i).close();
		}
	}

	private <T extends AutoCloseable> T track(T resource) {
		this.resources.add(resource);
		return resource;
	}

	private NatsEventBus bus(NatsOptions options) {
		KeyedExecutor executor = KeyedExecutor.create(KeyedExecutorOptions.builder().workers(4).build());
		this.resources.add(() -> executor.shutdown(Duration.ofSeconds(10)));
		return track(NatsEventBus.builder(options).executor(executor).shutdownTimeout(Duration.ofSeconds(20)).build());
	}

	@Test
	void twoInstancesOfAGroupLoseNothingNeverRunAKeyTwiceAtOnceAndKeepPerKeyOrder() {
		NatsServerProcess server = track(NatsServerProcess.launch());
		String topic = "shared-" + UUID.randomUUID().toString().substring(0, 8);
		NatsOptions options = NatsOptions.builder()
			.servers(server.url())
			.consumer(NatsConsumerOptions.builder().leaseTtl(Duration.ofSeconds(2)).maxAckPending(200).build())
			.build();
		Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
		Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
		AtomicInteger overlaps = new AtomicInteger();
		AtomicInteger handled = new AtomicInteger();
		Map<String, AtomicInteger> byInstance = new ConcurrentHashMap<>();
		EventListener<Step> listenerA = recording("a", running, seen, overlaps, handled, byInstance);
		EventListener<Step> listenerB = recording("b", running, seen, overlaps, handled, byInstance);
		NatsEventBus publisher = bus(options);
		NatsEventBus instanceA = bus(options);
		NatsEventBus instanceB = bus(options);
		instanceA.subscribe(topic, Step.class, SubscriptionOptions.of("shipping"), listenerA);
		instanceB.subscribe(topic, Step.class, SubscriptionOptions.of("shipping"), listenerB);

		int keys = 100;
		int perKey = 100;
		List<CompletableFuture<PublishReceipt>> receipts = new ArrayList<>();
		for (int n = 0; n < perKey; n++) {
			for (int k = 0; k < keys; k++) {
				receipts.add(publisher.publish(topic, Envelope.of("key-" + k, "Step", new Step("key-" + k, n))));
			}
			if (n == perKey / 4) {
				await().atMost(Duration.ofSeconds(30)).until(() -> handled.get() > 0);
			}
		}
		await().atMost(Duration.ofSeconds(60)).until(() -> handled.get() >= keys * perKey / 4);
		String active = (byInstance.getOrDefault("a", new AtomicInteger()).get() > 0) ? "a" : "b";
		(active.equals("a") ? instanceA : instanceB).close();

		CompletableFuture.allOf(receipts.toArray(CompletableFuture[]::new)).join();
		await().atMost(Duration.ofSeconds(90)).until(() -> handled.get() >= keys * perKey);
		List<Integer> expected = new ArrayList<>();
		for (int n = 0; n < perKey; n++) {
			expected.add(n);
		}
		assertThat(seen).hasSize(keys);
		seen.forEach((key, steps) -> assertThat(steps).as(key).isEqualTo(expected));
		assertThat(overlaps).hasValue(0);
		assertThat(byInstance.get("a")).isNotNull();
		assertThat(byInstance.get("b")).isNotNull();
		assertThat(handled).hasValue(keys * perKey);
	}

	@Test
	void aHandlerThrowingAVirtualMachineErrorFailsTheSubscriptionAndAnotherInstanceGetsTheEventAfterLeaseTtlAndAckWait() {
		NatsServerProcess server = track(NatsServerProcess.launch());
		String topic = "fatal-" + UUID.randomUUID().toString().substring(0, 8);
		NatsOptions options = NatsOptions.builder()
			.servers(server.url())
			.consumer(NatsConsumerOptions.builder()
				.leaseTtl(Duration.ofSeconds(2))
				.ackWait(Duration.ofSeconds(2))
				.build())
			.build();
		NatsEventBus publisher = bus(options);
		NatsEventBus failingInstance = bus(options);
		NatsEventBus otherInstance = bus(options);
		AtomicInteger failingAttempts = new AtomicInteger();
		Subscription failing = failingInstance.subscribe(topic, Step.class, SubscriptionOptions.of("billing"),
				(envelope, context) -> {
					failingAttempts.incrementAndGet();
					throw new InternalError("boom");
				});
		Envelope<Step> event = Envelope.of("key-1", "Step", new Step("key-1", 1));
		publisher.publish(topic, event).join();

		await().atMost(Duration.ofSeconds(30)).until(() -> failing.state() == Subscription.State.FAILED);
		assertThat(failing.failure()).isInstanceOf(InternalError.class).hasMessage("boom");
		List<String> delivered = new CopyOnWriteArrayList<>();
		Subscription takingOver = otherInstance.subscribe(topic, Step.class, SubscriptionOptions.of("billing"),
				(envelope, context) -> delivered.add(envelope.eventId()));

		// lease TTL 2 s, then ack-wait 2 s (plus a margin) before the un-acknowledged event is redelivered
		await().atMost(Duration.ofSeconds(30)).until(() -> !delivered.isEmpty());
		assertThat(delivered).containsExactly(event.eventId());
		assertThat(takingOver.state()).isEqualTo(Subscription.State.RUNNING);
		assertThat(failing.state()).isEqualTo(Subscription.State.FAILED);
		assertThat(failingAttempts).hasValue(1);
	}

	private static EventListener<Step> recording(String instance, Map<String, AtomicInteger> running,
			Map<String, List<Integer>> seen, AtomicInteger overlaps, AtomicInteger handled,
			Map<String, AtomicInteger> byInstance) {
		return (envelope, context) -> {
			Step step = envelope.payload();
			AtomicInteger active = running.computeIfAbsent(step.key(), (k) -> new AtomicInteger());
			if (active.incrementAndGet() > 1) {
				overlaps.incrementAndGet();
			}
			try {
				Thread.sleep(1);
				seen.computeIfAbsent(step.key(), (k) -> new CopyOnWriteArrayList<>()).add(step.n());
				byInstance.computeIfAbsent(instance, (k) -> new AtomicInteger()).incrementAndGet();
				handled.incrementAndGet();
			}
			finally {
				active.decrementAndGet();
			}
		};
	}

	@Test
	void serverRestartedMidStreamLosesNoAcknowledgedEventAndFailsOthersClearly() {
		// With authentication: a client rebuilt with default settings on reconnect would be refused.
		NatsServerProcess server = track(NatsServerProcess.launch("--user", "app", "--pass", "s3cret"));
		String topic = "restart-" + UUID.randomUUID().toString().substring(0, 8);
		NatsOptions options = NatsOptions.builder()
			.servers(server.url())
			.username("app")
			.password("s3cret")
			.reconnectWait(Duration.ofMillis(100))
			.publish(NatsPublishOptions.builder()
				.ackTimeout(Duration.ofSeconds(3))
				.maxBlock(Duration.ofSeconds(1))
				.build())
			.build();
		NatsEventBus bus = bus(options);
		Set<String> consumed = ConcurrentHashMap.newKeySet();
		bus.subscribe(topic, Step.class, SubscriptionOptions.of("restart"),
				(envelope, context) -> consumed.add(envelope.eventId()));

		Set<String> acknowledged = ConcurrentHashMap.newKeySet();
		List<Throwable> failures = new CopyOnWriteArrayList<>();
		List<CompletableFuture<?>> all = new ArrayList<>();
		for (int n = 0; n < 3_000; n++) {
			if (n == 1_000) {
				// everything before the outage is acknowledged
				CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
				server.stop();
			}
			if (n == 2_000) {
				server.start();
			}
			Envelope<Step> envelope = Envelope.of("key-" + (n % 50), "Step", new Step("key-" + (n % 50), n));
			all.add(bus.publish(topic, envelope).whenComplete((receipt, error) -> {
				if (error == null) {
					acknowledged.add(envelope.eventId());
				}
				else {
					failures.add(error);
				}
			}));
		}
		CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).handle((ignored, error) -> null).join();
		// After the restart publishing works again (JetStream may need a moment to recover its streams).
		await().atMost(Duration.ofSeconds(30)).until(() -> {
			Envelope<Step> envelope = Envelope.of("key-0", "Step", new Step("key-0", 3_000));
			return bus.publish(topic, envelope).handle((receipt, error) -> {
				if (error == null) {
					acknowledged.add(envelope.eventId());
				}
				return error == null;
			}).join();
		});

		assertThat(acknowledged.size()).isGreaterThan(1_000);
		assertThat(failures).allSatisfy((failure) -> assertThat(failure).isInstanceOf(PublishException.class)
			.hasMessageContaining(topic));
		assertThat(acknowledged.size() + failures.size()).isGreaterThanOrEqualTo(3_001);
		await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(consumed).containsAll(acknowledged));
		assertThat(bus.connectionStatus().connected()).isTrue();
		assertThat(bus.connectionStatus().reconnects()).isGreaterThanOrEqualTo(1);
	}

}

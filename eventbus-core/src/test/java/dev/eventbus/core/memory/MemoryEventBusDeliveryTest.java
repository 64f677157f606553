package dev.eventbus.core.memory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.Subscription;
import dev.eventbus.core.api.SubscriptionOptions;
import dev.eventbus.core.keyed.KeyedExecutor;
import dev.eventbus.core.keyed.KeyedExecutorOptions;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Keyed ordering, consumer groups, sharing within a group and backpressure of the memory bus.
 */
class MemoryEventBusDeliveryTest {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	/** Keys of the sharing test: few, so that events of one key are often in flight together. */
	private static final int KEYS = 10;

	private @Nullable KeyedExecutor executor;

	private @Nullable MemoryEventBus bus;

	private @Nullable MemoryEventBus peer;

	record Order(String id, int seq) {
	}

	@AfterEach
	void close() {
		if (this.peer != null) {
			this.peer.close();
		}
		if (this.bus != null) {
			this.bus.close();
		}
		if (this.executor != null) {
			this.executor.shutdown(Duration.ofSeconds(5));
		}
	}

	@Test
	void membersOfOneGroupShareTheEventsAndNeverHandleOneKeyAtTheSameTime() {
		MemoryEventBus bus = bus(KeyedExecutorOptions.builder().workers(8).build(), MemoryOptions.defaults());
		Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
		Map<String, AtomicBoolean> inProgress = new ConcurrentHashMap<>();
		Map<String, Integer> lastSeq = new ConcurrentHashMap<>();
		Map<String, Set<String>> membersOfKey = new ConcurrentHashMap<>();
		List<String> violations = new CopyOnWriteArrayList<>();
		List<Subscription> members = new ArrayList<>();
		// Two instances of one service: two buses on one broker.
		MemoryEventBus peer = MemoryEventBus.builder(MemoryOptions.defaults())
			.executor(Objects.requireNonNull(this.executor))
			.broker(bus.broker())
			.build();
		this.peer = peer;
		for (String member : List.of("first", "second")) {
			MemoryEventBus instance = member.equals("first") ? bus : peer;
			members.add(instance.subscribe("orders-shared", Order.class, SubscriptionOptions.of("billing"),
					(envelope, context) -> {
						String key = envelope.aggregateId();
						AtomicBoolean marker = inProgress.computeIfAbsent(key, (k) -> new AtomicBoolean());
						if (!marker.compareAndSet(false, true)) {
							violations.add(key + " handled by two members at once");
						}
						int previous = lastSeq.getOrDefault(key, -1);
						if (envelope.payload().seq() != previous + 1) {
							violations.add(key + ": " + envelope.payload().seq() + " after " + previous);
						}
						lastSeq.put(key, envelope.payload().seq());
						membersOfKey.computeIfAbsent(key, (k) -> ConcurrentHashMap.newKeySet()).add(member);
						LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
						marker.set(false);
						seen.computeIfAbsent(envelope.eventId(), (id) -> new AtomicInteger()).incrementAndGet();
					}));
		}
		assertThat(members.get(0)).isNotSameAs(members.get(1));

		// The first member is paused while its keys have events in flight: they move to the second
		// member, but only once idle. Then both share again.
		publishRound(bus, "orders-shared", 0, 30);
		members.get(0).pause();
		publishRound(bus, "orders-shared", 30, 60);
		await().atMost(TIMEOUT).until(() -> seen.size() == 60 * KEYS);
		members.get(0).resume();
		publishRound(bus, "orders-shared", 60, 90);
		await().atMost(TIMEOUT).until(() -> seen.size() == 90 * KEYS);

		assertThat(violations).isEmpty();
		assertThat(seen.values()).allSatisfy((count) -> assertThat(count).hasValue(1));
		assertThat(membersOfKey.values()).anySatisfy((holders) -> assertThat(holders).containsOnly("second"));
		assertThat(membersOfKey.values()).anySatisfy((holders) -> assertThat(holders).contains("first"));
		assertThat(membersOfKey.values()).anySatisfy((holders) -> assertThat(holders).hasSize(2));
	}

	@Test
	void deliveryStopsAtTheExecutorsHighWatermarkAndResumesWhenItDrains() {
		KeyedExecutorOptions executorOptions = KeyedExecutorOptions.builder()
			.workers(2)
			.maxPending(10)
			.highWatermark(0.8)
			.lowWatermark(0.3)
			.build();
		MemoryEventBus bus = bus(executorOptions, MemoryOptions.defaults());
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger handled = new AtomicInteger();
		Subscription subscription = bus.subscribe("orders-pressure", Order.class, SubscriptionOptions.of("billing"),
				(envelope, context) -> {
					release.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
					handled.incrementAndGet();
				});

		for (int i = 0; i < 100; i++) {
			bus.publish("orders-pressure", Envelope.of("order-" + i, "OrderPlaced", new Order("order-" + i, i)));
		}

		KeyedExecutor keyed = this.executor;
		await().atMost(TIMEOUT).until(() -> keyed.pending() == executorOptions.highWatermarkTasks());
		await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
			.until(() -> keyed.pending() == executorOptions.highWatermarkTasks());
		assertThat(subscription.lag()).isEqualTo(100 - executorOptions.highWatermarkTasks());
		assertThat(subscription.pending()).isEqualTo(executorOptions.highWatermarkTasks());

		release.countDown();

		await().atMost(TIMEOUT).until(() -> handled.get() == 100);
		assertThat(subscription.lag()).isZero();
	}

	private static void publishRound(MemoryEventBus bus, String topic, int fromSeq, int toSeq) {
		for (int seq = fromSeq; seq < toSeq; seq++) {
			for (int key = 0; key < KEYS; key++) {
				bus.publish(topic, Envelope.of("order-" + key, "OrderChanged", new Order("order-" + key, seq)));
			}
		}
	}

	private MemoryEventBus bus(KeyedExecutorOptions executorOptions, MemoryOptions options) {
		this.executor = KeyedExecutor.create(executorOptions);
		this.bus = MemoryEventBus.builder(options)
			.executor(this.executor)
			.source("memory-test")
			.shutdownTimeout(Duration.ofSeconds(5))
			.build();
		return this.bus;
	}

}

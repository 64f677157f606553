package dev.eventbus.core.nats;

import dev.eventbus.test.broker.NatsServerProcess;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.EventBusException;
import dev.eventbus.core.api.EventListener;
import dev.eventbus.core.api.PublishException;
import dev.eventbus.core.api.PublishReceipt;
import dev.eventbus.core.api.Subscription;
import dev.eventbus.core.api.SubscriptionOptions;
import dev.eventbus.core.keyed.KeyedExecutor;
import dev.eventbus.core.keyed.KeyedExecutorOptions;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Partitioned consumer groups ({@code eventbus.nats.partitions}) against a real nats-server started
 * for this class (so that the lease bucket gets this class's lease time to live).
 */
class NatsPartitionTests {

	private static final int PARTITIONS = 12;

	private static NatsServerProcess server;

	private final List<AutoCloseable> resources = new ArrayList<>();

	record Step(String key, int n) {
	}

	/** What the instances of a group did, shared by all of them. */
	static final class Record {

		final Map<String, String> inProgress = new ConcurrentHashMap<>();

		final Map<String, List<Integer>> seen = new ConcurrentHashMap<>();

		final Map<String, AtomicInteger> byInstance = new ConcurrentHashMap<>();

		final List<String> overlaps = new CopyOnWriteArrayList<>();

		final AtomicInteger handled = new AtomicInteger();

		EventListener<Step> listener(String instance) {
			this.byInstance.put(instance, new AtomicInteger());
			return (envelope, context) -> {
				Step step = envelope.payload();
				String other = this.inProgress.putIfAbsent(step.key(), instance);
				if (other != null) {
					this.overlaps.add(step.key() + " on " + instance + " while on " + other);
				}
				try {
					Thread.sleep(0, 200_000);
					this.seen.computeIfAbsent(step.key(), (k) -> new CopyOnWriteArrayList<>()).add(step.n());
					this.byInstance.get(instance).incrementAndGet();
					this.handled.incrementAndGet();
				}
				finally {
					if (other == null) {
						this.inProgress.remove(step.key());
					}
				}
			};
		}

		void assertExactlyInOrder(int keys, int perKey) {
			List<Integer> expected = new ArrayList<>();
			for (int n = 0; n < perKey; n++) {
				expected.add(n);
			}
			assertThat(this.overlaps).isEmpty();
			assertThat(this.seen).hasSize(keys);
			this.seen.forEach((key, steps) -> assertThat(steps).as(key).isEqualTo(expected));
			assertThat(this.handled).hasValue(keys * perKey);
		}

	}

	@BeforeAll
	static void startServer() {
		server = NatsServerProcess.launch();
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	@AfterEach
	void closeResources() throws Exception {
		for (int i = this.resources.size() - 1; i >= 0; i--) {
			this.resources.get(i).close();
		}
	}

	private NatsOptions options(int partitions) {
		return NatsOptions.builder()
			.servers(server.url())
			.partitions(partitions)
			.consumer(NatsConsumerOptions.builder()
				.leaseTtl(Duration.ofSeconds(2))
				.ackWait(Duration.ofSeconds(5))
				.maxAckPending(500)
				.build())
			// the shared 2-core machine can be slow to answer a burst: this test is not about publish timeouts
			.publish(NatsPublishOptions.builder().ackTimeout(Duration.ofSeconds(30)).maxBlock(Duration.ofSeconds(30)).build())
			.build();
	}

	private NatsEventBus bus(NatsOptions options) {
		KeyedExecutor executor = KeyedExecutor.create(KeyedExecutorOptions.builder().workers(8).build());
		this.resources.add(() -> executor.shutdown(Duration.ofSeconds(10)));
		NatsEventBus bus = NatsEventBus.builder(options).executor(executor).shutdownTimeout(Duration.ofSeconds(20)).build();
		this.resources.add(bus);
		return bus;
	}

	private static String topic(String name) {
		return name + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

	private static int owned(Subscription subscription, String topic) {
		return subscription.ownedPartitions().getOrDefault(topic, List.of()).size();
	}

	/**
	 * Publishes one step of every key at a time (bounded bursts) and waits for the step's
	 * acknowledgements. A publish whose acknowledgement timed out on the loaded 2-core machine is sent
	 * again before the key's next step, as its message tells a user to: the same event id, so the
	 * stream's de-duplication keeps one copy (the exactly-once check of the handlers would see a second).
	 */
	private static List<CompletableFuture<PublishReceipt>> publish(NatsEventBus publisher, String topic, int keys,
			int fromStep, int toStep) {
		List<CompletableFuture<PublishReceipt>> receipts = new ArrayList<>();
		for (int n = fromStep; n < toStep; n++) {
			List<Envelope<Step>> events = new ArrayList<>();
			for (int k = 0; k < keys; k++) {
				events.add(Envelope.of("key-" + k, "Step", new Step("key-" + k, n)));
			}
			for (int attempt = 1; !events.isEmpty(); attempt++) {
				List<CompletableFuture<PublishReceipt>> step = new ArrayList<>();
				for (Envelope<Step> event : events) {
					step.add(publisher.publish(topic, event));
				}
				List<Envelope<Step>> timedOut = new ArrayList<>();
				for (int i = 0; i < step.size(); i++) {
					try {
						receipts.add(CompletableFuture.completedFuture(step.get(i).join()));
					}
					catch (java.util.concurrent.CompletionException ex) {
						if (!(ex.getCause() instanceof dev.eventbus.core.api.PublishTimeoutException) || attempt == 3) {
							throw ex;
						}
						timedOut.add(events.get(i));
					}
				}
				events = timedOut;
			}
		}
		return receipts;
	}

	@Test
	void threeInstancesShareTwelvePartitionsFairlyKeepPerKeyOrderAndNeverRunAKeyOnTwoAtOnce() {
		String topic = topic("parts");
		NatsOptions options = options(PARTITIONS);
		Record record = new Record();
		List<Subscription> subscriptions = new ArrayList<>();
		List<NatsEventBus> buses = new ArrayList<>();
		for (String instance : List.of("a", "b", "c")) {
			NatsEventBus bus = bus(options);
			buses.add(bus);
			subscriptions.add(bus.subscribe(topic, Step.class, SubscriptionOptions.of("billing"),
					record.listener(instance)));
		}
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(subscriptions).allSatisfy((s) -> assertThat(owned(s, topic)).isEqualTo(4)));
		assertThat(subscriptions.stream().flatMap((s) -> s.ownedPartitions().get(topic).stream()).sorted().toList())
			.as("every partition owned once").isEqualTo(java.util.stream.IntStream.range(0, PARTITIONS).boxed().toList());
		io.micrometer.core.instrument.simple.SimpleMeterRegistry registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
		dev.eventbus.core.metrics.SubscriptionMetrics metrics = new dev.eventbus.core.metrics.SubscriptionMetrics(
				buses.get(0), registry, null);
		metrics.refresh();
		assertThat(registry.get("eventbus.consumer.partitions.owned").tag("topic", topic).gauge().value()).isEqualTo(4);
		assertThat(registry.get("eventbus.consumer.partition.lag").tag("topic", topic).gauges()).hasSize(PARTITIONS);
		assertThat(registry.get("eventbus.consumer.partition.lag").tag("partition", "11").gauge()).isNotNull();

		int keys = 3_000;
		int perKey = 10;
		NatsEventBus publisher = bus(options);
		List<CompletableFuture<PublishReceipt>> receipts = publish(publisher, topic, keys, 0, perKey);
		CompletableFuture.allOf(receipts.toArray(CompletableFuture[]::new)).join();
		await().atMost(Duration.ofSeconds(120)).until(() -> record.handled.get() >= keys * perKey);
		await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
			.until(() -> subscriptions.stream().allMatch((s) -> s.pending() == 0));

		record.assertExactlyInOrder(keys, perKey);
		record.byInstance.forEach((instance, count) -> assertThat(count.get()).as(instance)
			.isGreaterThanOrEqualTo(keys * perKey / 5));
		System.out.println("NatsPartitionTests three instances: handled " + record.byInstance);
	}

	@Test
	void anInstanceAddedAndOneClosedMidStreamRebalanceThePartitionsLoseNothingAndKeepOrder() {
		String topic = topic("rebalance");
		NatsOptions options = options(PARTITIONS);
		Record record = new Record();
		NatsEventBus busA = bus(options);
		NatsEventBus busB = bus(options);
		Subscription a = busA.subscribe(topic, Step.class, SubscriptionOptions.of("billing"), record.listener("a"));
		Subscription b = busB.subscribe(topic, Step.class, SubscriptionOptions.of("billing"), record.listener("b"));
		await().atMost(Duration.ofSeconds(30)).until(() -> owned(a, topic) == 6 && owned(b, topic) == 6);

		int keys = 1_000;
		int perKey = 30;
		NatsEventBus publisher = bus(options);
		List<CompletableFuture<PublishReceipt>> receipts = new ArrayList<>(publish(publisher, topic, keys, 0, 10));
		await().atMost(Duration.ofSeconds(30)).until(() -> record.handled.get() > 1_000);

		// Added mid-stream: it gets its share while events flow.
		NatsEventBus busC = bus(options);
		Subscription c = busC.subscribe(topic, Step.class, SubscriptionOptions.of("billing"), record.listener("c"));
		receipts.addAll(publish(publisher, topic, keys, 10, 20));
		await().atMost(Duration.ofSeconds(30))
			.until(() -> owned(a, topic) == 4 && owned(b, topic) == 4 && owned(c, topic) == 4);
		int beforeClose = record.handled.get();

		// Closed mid-stream: the others take its partitions over.
		busA.close();
		receipts.addAll(publish(publisher, topic, keys, 20, perKey));
		await().atMost(Duration.ofSeconds(30)).until(() -> owned(b, topic) == 6 && owned(c, topic) == 6);
		CompletableFuture.allOf(receipts.toArray(CompletableFuture[]::new)).join();
		await().atMost(Duration.ofSeconds(120)).until(() -> record.handled.get() >= keys * perKey);
		await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
			.until(() -> b.pending() == 0 && c.pending() == 0);

		record.assertExactlyInOrder(keys, perKey);
		assertThat(record.byInstance.get("c").get()).as("added instance handled events").isPositive();
		System.out.println("NatsPartitionTests rebalance: handled " + record.byInstance + ", before close "
				+ beforeClose);
	}

	@Test
	void aChangedPartitionCountOnAnExistingStreamIsRefusedAtStartUpNamingTheProperty() throws Exception {
		String single = topic("single");
		try (NatsEventBus bus = NatsEventBus.builder(options(1)).build()) {
			bus.publish(single, Envelope.of("k", "T", "x")).get(10, TimeUnit.SECONDS);
		}
		NatsEventBus partitioned = bus(options(4));
		assertThatThrownBy(() -> partitioned.subscribe(single, String.class, SubscriptionOptions.of("billing"),
				(envelope, context) -> {
				}))
			.isInstanceOf(EventBusException.class)
			.hasMessageContaining("eventbus.nats.partitions=4")
			.hasMessageContaining("1 partition(s)")
			.hasMessageContaining(NatsStreamOptions.streamName(single));
		assertThat(partitioned.publish(single, Envelope.of("k", "T", "x")))
			.failsWithin(Duration.ofSeconds(10))
			.withThrowableOfType(java.util.concurrent.ExecutionException.class)
			.havingCause()
			.isInstanceOf(PublishException.class)
			.withMessageContaining("eventbus.nats.partitions=4");

		String four = topic("four");
		try (NatsEventBus bus = NatsEventBus.builder(options(4)).build()) {
			bus.publish(four, Envelope.of("k", "T", "x")).get(10, TimeUnit.SECONDS);
		}
		try (Connection admin = Nats.connect(server.url())) {
			StreamConfiguration config = admin.jetStreamManagement()
				.getStreamInfo(NatsStreamOptions.streamName(four))
				.getConfiguration();
			assertThat(config.getSubjects()).containsExactly(four + ".0", four + ".1", four + ".2", four + ".3");
		}
		for (int changed : new int[] { 1, 6 }) {
			NatsEventBus other = bus(options(changed));
			assertThatThrownBy(() -> other.subscribe(four, String.class, SubscriptionOptions.of("billing"),
					(envelope, context) -> {
					}))
				.isInstanceOf(EventBusException.class)
				.hasMessageContaining("eventbus.nats.partitions=" + changed)
				.hasMessageContaining("in 4 partition(s)")
				.hasMessageContaining("Set eventbus.nats.partitions=4");
		}
	}

}

package dev.eventbus.benchmark.kafka;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.Subscription;
import dev.eventbus.core.api.SubscriptionOptions;
import dev.eventbus.core.kafka.KafkaConsumerOptions;
import dev.eventbus.core.kafka.KafkaEventBus;
import dev.eventbus.core.kafka.KafkaGroupProtocol;
import dev.eventbus.core.kafka.KafkaOptions;

/**
 * A consumer joining a group under steady load, under each consumer group protocol: the time from
 * the third member's {@code subscribe} to its first handled event, and the longest gap in the two
 * existing members' handling from the join until 8 s after that first event (their pause), against
 * the longest gap they had before the join in a window as long (at most 10 s). Three members, 12
 * partitions, a paced publisher; every member uses the bus's defaults (classic: 3 s client
 * heartbeats, cooperative sticky assignor; consumer: the broker's default 5 s heartbeats and uniform
 * assignor). Trials alternate between the protocols.
 *
 * <pre>
 * java -cp eventbus-benchmark/target/benchmarks.jar dev.eventbus.benchmark.kafka.KafkaGroupJoinBenchmark [trials]
 * </pre>
 */
public final class KafkaGroupJoinBenchmark {

	private static final int PARTITIONS = 12;

	private static final int RATE = 2000;

	private static final int KEYS = 600;

	/** After the joining member's first event: how long the others are still watched for a pause. */
	private static final Duration SETTLE = Duration.ofSeconds(8);

	/** Both members own their half and have caught up before the third joins. */
	private static final Duration STEADY = Duration.ofSeconds(12);

	private final KafkaBenchmarkBroker broker;

	private KafkaGroupJoinBenchmark(KafkaBenchmarkBroker broker) {
		this.broker = broker;
	}

	public static void main(String[] args) throws Exception {
		System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
		int trials = (args.length > 0) ? Integer.parseInt(args[0]) : 3;
		KafkaBenchmarkBroker broker = KafkaBenchmarkBroker.start(PARTITIONS);
		String loadBefore = load();
		List<String> rows = new ArrayList<>();
		try {
			KafkaGroupJoinBenchmark benchmark = new KafkaGroupJoinBenchmark(broker);
			for (int trial = 1; trial <= trials; trial++) {
				for (KafkaGroupProtocol protocol : KafkaGroupProtocol.values()) {
					rows.add(benchmark.trial(protocol, trial));
					System.out.println(rows.get(rows.size() - 1));
				}
			}
		}
		finally {
			System.out.println();
			System.out.println("load average before: " + loadBefore + "; after: " + load() + "; cores: "
					+ Runtime.getRuntime().availableProcessors() + "; java " + System.getProperty("java.version"));
			System.out.println("| protocol | trial | join → first handled | longest gap of the others around the join | longest gap before the join |");
			System.out.println("|---|---:|---:|---:|---:|");
			rows.forEach(System.out::println);
			broker.close();
		}
		System.exit(0);
	}

	private String trial(KafkaGroupProtocol protocol, int trial) throws Exception {
		String topic = "join-" + protocol.clientValue() + "-" + System.nanoTime();
		this.broker.addTopic(topic, PARTITIONS);
		String group = topic;
		KafkaOptions options = KafkaOptions.builder()
			.bootstrapServers(this.broker.bootstrapServers())
			.consumer(KafkaConsumerOptions.builder().groupProtocol(protocol).build())
			.build();
		List<ConcurrentLinkedQueue<Long>> handled = List.of(new ConcurrentLinkedQueue<>(),
				new ConcurrentLinkedQueue<>(), new ConcurrentLinkedQueue<>());
		AtomicBoolean publishing = new AtomicBoolean(true);
		try (KafkaEventBus publisher = KafkaEventBus.builder(options).build();
				KafkaEventBus first = KafkaEventBus.builder(options).build();
				KafkaEventBus second = KafkaEventBus.builder(options).build();
				KafkaEventBus third = KafkaEventBus.builder(options).build()) {
			CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
				long next = System.nanoTime();
				long period = TimeUnit.SECONDS.toNanos(1) / RATE;
				int n = 0;
				while (publishing.get()) {
					publisher.publish(topic, Envelope.of("key-" + (n++ % KEYS), "Tick", Map.of("n", n)));
					next += period;
					long wait = next - System.nanoTime();
					if (wait > 0) {
						LockSupport.parkNanos(wait);
					}
				}
			});
			subscribe(first, topic, group, handled.get(0));
			subscribe(second, topic, group, handled.get(1));
			awaitNonEmpty(handled.get(0), Duration.ofSeconds(60));
			awaitNonEmpty(handled.get(1), Duration.ofSeconds(60));
			// steady state: both members own their half and have caught up
			Thread.sleep(STEADY.toMillis());
			long joinAt = System.nanoTime();
			Subscription joining = subscribe(third, topic, group, handled.get(2));
			awaitNonEmpty(handled.get(2), Duration.ofSeconds(120));
			long firstHandled = handled.get(2).peek();
			long joinMillis = TimeUnit.NANOSECONDS.toMillis(firstHandled - joinAt);
			Thread.sleep(SETTLE.toMillis());
			long windowEnd = System.nanoTime();
			long window = Math.min(windowEnd - joinAt, STEADY.toNanos() - TimeUnit.SECONDS.toNanos(2));
			long during = Math.max(maxGap(handled.get(0), joinAt, windowEnd), maxGap(handled.get(1), joinAt, windowEnd));
			long before = Math.max(maxGap(handled.get(0), joinAt - window, joinAt),
					maxGap(handled.get(1), joinAt - window, joinAt));
			publishing.set(false);
			load.get(30, TimeUnit.SECONDS);
			joining.close(Duration.ofSeconds(5));
			return String.format(Locale.ROOT, "| %s | %d | %,d ms | %,d ms | %,d ms |", protocol.clientValue(), trial,
					joinMillis, TimeUnit.NANOSECONDS.toMillis(during), TimeUnit.NANOSECONDS.toMillis(before));
		}
	}

	private static Subscription subscribe(KafkaEventBus bus, String topic, String group,
			ConcurrentLinkedQueue<Long> handled) {
		return bus.subscribe(topic, Map.class, SubscriptionOptions.of(group),
				(envelope, context) -> handled.add(System.nanoTime()));
	}

	private static void awaitNonEmpty(ConcurrentLinkedQueue<Long> handled, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (handled.isEmpty()) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("no event handled within " + timeout);
			}
			Thread.sleep(5);
		}
	}

	/** Longest time without a handled event within [from, to], the window's edges included. */
	private static long maxGap(ConcurrentLinkedQueue<Long> handled, long from, long to) {
		long previous = from;
		long max = 0;
		for (long at : handled) {
			if (at < from) {
				continue;
			}
			if (at > to) {
				break;
			}
			max = Math.max(max, at - previous);
			previous = at;
		}
		return Math.max(max, to - previous);
	}

	private static String load() {
		double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
		return String.format(Locale.ROOT, "%.1f", load);
	}

}

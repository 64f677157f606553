package dev.eventbus.benchmark.nats;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;

import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.Subscription;
import dev.eventbus.core.api.SubscriptionOptions;
import dev.eventbus.core.keyed.KeyedExecutor;
import dev.eventbus.core.keyed.KeyedExecutorOptions;
import dev.eventbus.core.nats.NatsEventBus;
import dev.eventbus.core.nats.NatsOptions;

/**
 * Scaling a NATS consumer group out over partitions: one topic of 12 partitions, one group, 1, 2 and
 * 3 consumer instances, each in a JVM of its own with 16 keyed workers and a handler sleeping 20 ms
 * (so the 2 cores are not the bound: one instance tops out near 16 / 20 ms = 800 events/s). For
 * every instance count, on a fresh topic: start the instances, wait until each owns its fair share
 * of the partitions, publish the events (1,200 keys) as fast as the bus takes them, and time from the
 * first publish until every event was handled.
 *
 * <pre>
 * java -cp eventbus-benchmark/target/benchmarks.jar dev.eventbus.benchmark.nats.NatsPartitionScalingBenchmark \
 *     [nats://127.0.0.1:4222] [events]
 * </pre>
 */
public final class NatsPartitionScalingBenchmark {

	private static final int PARTITIONS = 12;

	private static final int KEYS = 1_200;

	private static final int WORKERS = 16;

	private static final long HANDLER_MS = 20;

	private NatsPartitionScalingBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		if (args.length > 0 && args[0].equals("consumer")) {
			consumer(args[1], args[2]);
			return;
		}
		String server = (args.length > 0) ? args[0] : "nats://127.0.0.1:4222";
		int events = (args.length > 1) ? Integer.parseInt(args[1]) : 12_000;
		double one = 0;
		System.out.printf(Locale.ROOT, "| instances | events | seconds | events/s | ratio to 1 | handled per instance |%n");
		System.out.printf(Locale.ROOT, "|---|---|---|---|---|---|%n");
		for (int instances = 1; instances <= 3; instances++) {
			double[] result = run(server, events, instances);
			if (instances == 1) {
				one = result[0];
			}
			System.out.printf(Locale.ROOT, "| %d | %,d | %.2f | %,.0f | %.2f | %s |%n", instances, events,
					events / result[0], result[0], result[0] / one, describe(result));
		}
	}

	private static String describe(double[] result) {
		List<String> parts = new ArrayList<>();
		for (int i = 1; i < result.length; i++) {
			parts.add(String.format(Locale.ROOT, "%,.0f", result[i]));
		}
		return String.join(" / ", parts);
	}

	/** @return events per second, then the events each instance handled */
	private static double[] run(String server, int events, int instances) throws Exception {
		String topic = "scale-" + instances + "-" + UUID.randomUUID().toString().substring(0, 8);
		List<Process> processes = new ArrayList<>();
		AtomicIntegerArray owned = new AtomicIntegerArray(instances);
		AtomicLongArray handled = new AtomicLongArray(instances);
		NatsOptions options = NatsOptions.builder().servers(server).partitions(PARTITIONS).build();
		try (NatsEventBus publisher = NatsEventBus.builder(options).build()) {
			// The stream exists before the instances subscribe.
			publisher.publish(topic, Envelope.of("warm-up", "Tick", "0")).get();
			for (int i = 0; i < instances; i++) {
				Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
						"-Xmx256m", "-cp", System.getProperty("java.class.path"),
						NatsPartitionScalingBenchmark.class.getName(), "consumer", server, topic)
					.redirectErrorStream(true)
					.start();
				processes.add(process);
				int index = i;
				Thread reader = new Thread(() -> read(process, index, owned, handled), "bench-reader-" + i);
				reader.setDaemon(true);
				reader.start();
			}
			long balanceDeadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
			while (!balanced(owned, instances)) {
				if (System.nanoTime() > balanceDeadline) {
					throw new IllegalStateException("instances did not balance: " + owned);
				}
				Thread.sleep(100);
			}
			long base = sum(handled);
			long start = System.nanoTime();
			// In chunks of 500: a burst of thousands of un-acknowledged publishes on the loaded 2-core
			// machine can exceed the PubAck timeout; the consumers' backlog builds up all the same.
			for (int from = 0; from < events; from += 500) {
				List<CompletableFuture<?>> receipts = new ArrayList<>(500);
				for (int n = from; n < Math.min(events, from + 500); n++) {
					String key = "key-" + (n % KEYS);
					receipts.add(publisher.publish(topic, Envelope.of(key, "Tick", Integer.toString(n))));
				}
				CompletableFuture.allOf(receipts.toArray(CompletableFuture[]::new)).join();
			}
			long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
			while (sum(handled) - base < events) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("only " + (sum(handled) - base) + " of " + events + " handled");
				}
				Thread.sleep(20);
			}
			double seconds = (System.nanoTime() - start) / 1e9;
			double[] result = new double[instances + 1];
			result[0] = events / seconds;
			for (int i = 0; i < instances; i++) {
				result[i + 1] = handled.get(i);
			}
			return result;
		}
		finally {
			for (Process process : processes) {
				process.destroy();
			}
			for (Process process : processes) {
				process.waitFor();
			}
		}
	}

	private static boolean balanced(AtomicIntegerArray owned, int instances) {
		for (int i = 0; i < instances; i++) {
			if (owned.get(i) != PARTITIONS / instances) {
				return false;
			}
		}
		return true;
	}

	private static long sum(AtomicLongArray values) {
		long sum = 0;
		for (int i = 0; i < values.length(); i++) {
			sum += values.get(i);
		}
		return sum;
	}

	private static void read(Process process, int index, AtomicIntegerArray owned, AtomicLongArray handled) {
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				if (line.startsWith("owned=")) {
					String[] fields = line.split(" ");
					owned.set(index, Integer.parseInt(fields[0].substring(6)));
					handled.set(index, Long.parseLong(fields[1].substring(8)));
				}
			}
		}
		catch (IOException ex) {
			// the process ended
		}
	}

	/** One instance: subscribes, reports its owned partitions and handled count every 20 ms. */
	private static void consumer(String server, String topic) throws Exception {
		KeyedExecutor executor = KeyedExecutor.create(KeyedExecutorOptions.builder().workers(WORKERS).build());
		NatsOptions options = NatsOptions.builder().servers(server).partitions(PARTITIONS).build();
		java.util.concurrent.atomic.AtomicLong handled = new java.util.concurrent.atomic.AtomicLong();
		NatsEventBus bus = NatsEventBus.builder(options).executor(executor).build();
		Subscription subscription = bus.subscribe(topic, String.class, SubscriptionOptions.of("bench"),
				(envelope, context) -> {
					Thread.sleep(HANDLER_MS);
					handled.incrementAndGet();
				});
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			bus.close();
			executor.shutdown(Duration.ofSeconds(5));
		}));
		while (true) {
			System.out.println("owned=" + subscription.ownedPartitions().getOrDefault(topic, List.of()).size()
					+ " handled=" + handled.get());
			Thread.sleep(20);
		}
	}

}

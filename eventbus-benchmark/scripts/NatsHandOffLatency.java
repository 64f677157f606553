import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.eventbus.benchmark.support.Pacing;
import dev.eventbus.core.keyed.KeyedExecutor;
import dev.eventbus.core.keyed.KeyedExecutorOptions;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * What one thread hand-off costs end-to-end latency, without the bus: a raw jnats pull loop (batch 32,
 * expiry 100 ms, the low-latency preset's values) at 1,000 msg/s runs its "handler" (take the time,
 * ack) inline, on a JDK fixed pool of 64 threads, or on a {@link KeyedExecutor} of 64 workers keyed
 * like the bus (1,000 keys). A warm-up round, then three rounds, the order rotating per round.
 * <pre>
 * java -cp eventbus-benchmark/target/benchmarks.jar eventbus-benchmark/scripts/NatsHandOffLatency.java \
 *     nats://127.0.0.1:14230
 * </pre>
 */
public class NatsHandOffLatency {

	private static final String[] VARIANTS = { "inline", "jdk-pool-64", "keyed-64" };

	interface Sink {

		void accept(String key, Runnable task) throws Exception;

	}

	public static void main(String[] args) throws Exception {
		Connection connection = Nats.connect(new Options.Builder().server(args[0]).build());
		System.out.println("load average " + load());
		Map<String, List<double[]>> results = new LinkedHashMap<>();
		for (int round = -1; round < 3; round++) {
			for (int v = 0; v < VARIANTS.length; v++) {
				String variant = VARIANTS[(v + Math.max(round, 0)) % VARIANTS.length];
				ExecutorService pool = variant.equals("jdk-pool-64") ? Executors.newFixedThreadPool(64) : null;
				KeyedExecutor keyed = variant.equals("keyed-64")
						? KeyedExecutor.create(KeyedExecutorOptions.builder().workers(64).build()) : null;
				Sink sink = switch (variant) {
					case "inline" -> (key, task) -> task.run();
					case "jdk-pool-64" -> (key, task) -> pool.execute(task);
					default -> (key, task) -> keyed.submit(key, task);
				};
				double[] percentiles = round(connection, (round < 0) ? 1_000 : 5_000, sink);
				if (pool != null) {
					pool.shutdown();
				}
				if (keyed != null) {
					keyed.shutdown(Duration.ofSeconds(5));
				}
				if (round >= 0) {
					results.computeIfAbsent(variant, (k) -> new ArrayList<>()).add(percentiles);
					System.out.printf(Locale.ROOT, "round %d %-12s p50/p99/p99.9 %.3f/%.2f/%.2f ms%n", round, variant,
							percentiles[0], percentiles[1], percentiles[2]);
				}
			}
		}
		results.forEach((variant, rounds) -> {
			double[] median = new double[3];
			for (int i = 0; i < 3; i++) {
				int figure = i;
				median[i] = rounds.stream().mapToDouble((r) -> r[figure]).sorted().toArray()[rounds.size() / 2];
			}
			System.out.printf(Locale.ROOT, "median %-12s p50/p99/p99.9 %.3f/%.2f/%.2f ms%n", variant, median[0],
					median[1], median[2]);
		});
		System.out.println("load average " + load());
		connection.close();
		System.exit(0);
	}

	private static double[] round(Connection connection, int n, Sink sink) throws Exception {
		JetStream jetStream = connection.jetStream();
		JetStreamManagement management = connection.jetStreamManagement();
		String subject = "handoff-" + UUID.randomUUID().toString().substring(0, 8);
		String stream = subject.toUpperCase(Locale.ROOT);
		management.addStream(StreamConfiguration.builder().name(stream).subjects(subject).storageType(StorageType.File).build());
		management.addOrUpdateConsumer(stream, ConsumerConfiguration.builder()
			.durable("handoff")
			.filterSubject(subject)
			.ackPolicy(AckPolicy.Explicit)
			.build());
		Histogram latencies = new ConcurrentHistogram(TimeUnit.MINUTES.toNanos(5), 3);
		CountDownLatch done = new CountDownLatch(n);
		AtomicInteger received = new AtomicInteger();
		Thread puller = new Thread(() -> {
			try {
				JetStreamSubscription subscription = jetStream.subscribe(subject,
						PullSubscribeOptions.bind(stream, "handoff"));
				while (received.get() < n) {
					Iterator<Message> messages = subscription.iterate(32, Duration.ofMillis(100));
					while (messages.hasNext()) {
						Message message = messages.next();
						received.incrementAndGet();
						long sent = ByteBuffer.wrap(message.getData()).getLong();
						sink.accept("key-" + (sent % 1000), () -> {
							latencies.recordValue(Math.max(0, System.nanoTime() - sent));
							message.ack();
							done.countDown();
						});
					}
				}
				subscription.unsubscribe();
			}
			catch (Exception ex) {
				ex.printStackTrace();
			}
		}, "handoff-puller");
		puller.start();
		Semaphore window = new Semaphore(256);
		Pacing.perMillisecond(n, (i) -> {
			byte[] payload = new byte[1024];
			ByteBuffer.wrap(payload).putLong(System.nanoTime());
			window.acquire();
			jetStream.publishAsync(subject, payload).whenComplete((ack, error) -> window.release());
		});
		done.await(120, TimeUnit.SECONDS);
		puller.join(10_000);
		management.deleteStream(stream);
		return new double[] { latencies.getValueAtPercentile(50) / 1e6, latencies.getValueAtPercentile(99) / 1e6,
				latencies.getValueAtPercentile(99.9) / 1e6 };
	}

	private static String load() {
		try {
			return Files.readString(Path.of("/proc/loadavg")).trim();
		}
		catch (Exception ex) {
			return "n/a";
		}
	}

}

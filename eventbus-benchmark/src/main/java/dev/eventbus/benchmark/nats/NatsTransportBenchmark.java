package dev.eventbus.benchmark.nats;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.eventbus.benchmark.support.Pacing;
import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.EventIds;
import dev.eventbus.core.api.PublishReceipt;
import dev.eventbus.core.api.Subscription;
import dev.eventbus.core.api.SubscriptionOptions;
import dev.eventbus.core.keyed.KeyedExecutor;
import dev.eventbus.core.keyed.KeyedExecutorOptions;
import dev.eventbus.core.nats.NatsConsumerOptions;
import dev.eventbus.core.nats.NatsEventBus;
import dev.eventbus.core.nats.NatsOptions;
import dev.eventbus.core.nats.NatsPublishOptions;
import dev.eventbus.core.nats.NatsStreamOptions;
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
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * End-to-end harness: the NATS JetStream transport side by side with raw jnats, against the same
 * server in the same run. Every scenario uses fresh streams. Prints one line per figure.
 *
 * <pre>
 * java -cp eventbus-benchmark/target/benchmarks.jar dev.eventbus.benchmark.nats.NatsTransportBenchmark \
 *     [nats://127.0.0.1:4222] [scale] [publish|latency]
 * </pre>
 * {@code scale} multiplies the message counts (default 1.0); a third argument {@code publish} or
 * {@code latency} runs that section alone. Publish rounds rotate the order of the three sides and
 * report medians; consume rounds alternate bus and raw and keep the best of each; latency rounds
 * alternate and report the median round.
 */
public final class NatsTransportBenchmark {

	private static final int PAYLOAD_SIZE = 1024;

	private static final int WINDOW = 2048;

	private final String url;

	private final double scale;

	private final Connection raw;

	private final JetStream rawJs;

	private final JetStreamManagement jsm;

	private final boolean publishOnly;

	private NatsTransportBenchmark(String url, double scale, boolean publishOnly) throws Exception {
		this.url = url;
		this.scale = scale;
		this.publishOnly = publishOnly;
		this.raw = Nats.connect(new Options.Builder().server(url).maxMessagesInOutgoingQueue(16_384).build());
		this.rawJs = this.raw.jetStream();
		this.jsm = this.raw.jetStreamManagement();
	}

	public static void main(String[] args) throws Exception {
		String url = (args.length > 0) ? args[0] : "nats://127.0.0.1:4222";
		double scale = (args.length > 1) ? Double.parseDouble(args[1]) : 1.0;
		boolean publishOnly = (args.length > 2) && "publish".equals(args[2]);
		NatsTransportBenchmark benchmark = new NatsTransportBenchmark(url, scale, publishOnly);
		try {
			if (args.length > 2 && args[2].equals("latency")) {
				benchmark.latency();
			}
			else {
				benchmark.run();
			}
		}
		finally {
			benchmark.raw.close();
		}
		System.exit(0);
	}

	private int count(int base) {
		return Math.max(100, (int) (base * this.scale));
	}

	private void run() throws Exception {
		System.out.printf(Locale.ROOT, "server %s, jnats %s, %d cores%n", this.url, Nats.CLIENT_VERSION,
				Runtime.getRuntime().availableProcessors());
		publishSection();
		if (this.publishOnly) {
			return;
		}

		int consumeCount = count(100_000);
		double rawConsume = 0;
		double busConsume = 0;
		for (int round = 0; round < 2; round++) {
			rawConsume = Math.max(rawConsume, consumeRaw(consumeCount));
			busConsume = Math.max(busConsume, consumeBus(consumeCount));
		}
		report("consume no-op, key-ordered", busConsume, rawConsume, "msg/s");

		int slowCount = count(10_000);
		double rawSlow = slowRaw(slowCount);
		double busSlow = slowBus(slowCount);
		report("1 ms handler, 10,000 keys", busSlow, rawSlow, "msg/s");

		latency();

		double seed = seedScenario(10_000, 1_000);
		System.out.printf(Locale.ROOT, "seed scenario (10,000 envelopes, 1,000 aggregates): bus %.0f msg/s "
				+ "(seed: 387.70 msg/s plain, 322 msg/s envelope)%n", seed);
	}

	/**
	 * Three alternating rounds of 5,000 samples at 1,000 msg/s, with the values of
	 * {@code eventbus.scenario=low-latency} on both sides; the median round of each figure (a single
	 * scheduler stall of a loaded machine delays hundreds of consecutive messages and would decide a
	 * single p99).
	 */
	private void latency() throws Exception {
		System.out.printf(Locale.ROOT, "latency: load average %s%n", load());
		// Warm-up of both paths (JIT), results discarded.
		latencyRaw(count(1_000));
		latencyBus(count(1_000));
		List<double[]> rawRounds = new ArrayList<>();
		List<double[]> busRounds = new ArrayList<>();
		for (int round = 0; round < 3; round++) {
			// the order alternates too (raw first, bus first, raw first), as the Kafka harness does
			if (round % 2 == 0) {
				rawRounds.add(latencyRaw(count(5_000)));
				busRounds.add(latencyBus(count(5_000)));
			}
			else {
				busRounds.add(latencyBus(count(5_000)));
				rawRounds.add(latencyRaw(count(5_000)));
			}
			System.out.printf(Locale.ROOT,
					"  latency round %d p50/p99/p99.9: bus %.2f/%.2f/%.2f ms, raw %.2f/%.2f/%.2f ms, p99 ratio %.2f%n",
					round, busRounds.get(round)[0], busRounds.get(round)[1], busRounds.get(round)[2],
					rawRounds.get(round)[0], rawRounds.get(round)[1], rawRounds.get(round)[2],
					busRounds.get(round)[1] / rawRounds.get(round)[1]);
		}
		double[] rawLatency = median(rawRounds);
		double[] busLatency = median(busRounds);
		System.out.printf(Locale.ROOT, "latency @1000 msg/s p50: bus %.2f ms, raw %.2f ms%n", busLatency[0],
				rawLatency[0]);
		System.out.printf(Locale.ROOT, "latency @1000 msg/s p99: bus %.2f ms, raw %.2f ms, ratio %.2f%n",
				busLatency[1], rawLatency[1], busLatency[1] / rawLatency[1]);
		System.out.printf(Locale.ROOT, "latency @1000 msg/s p99.9: bus %.2f ms, raw %.2f ms; load average %s%n",
				busLatency[2], rawLatency[2], load());
	}

	private static String load() {
		try {
			return Files.readString(Path.of("/proc/loadavg")).trim();
		}
		catch (Exception ex) {
			return "n/a";
		}
	}

	private static void report(String name, double bus, double raw, String unit) {
		System.out.printf(Locale.ROOT, "%s: bus %.0f %s, raw %.0f %s, ratio %.2f%n", name, bus, unit, raw, unit,
				bus / raw);
	}

	// ---- streams and buses

	private String freshTopic(String name) {
		return "bench-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

	private void createStream(String subject) throws Exception {
		this.jsm.addStream(StreamConfiguration.builder()
			.name(NatsStreamOptions.streamName(subject))
			.subjects(subject)
			.storageType(StorageType.File)
			.discardPolicy(DiscardPolicy.New)
			.build());
	}

	private void deleteStream(String subject) {
		for (String name : List.of(subject, subject + ".dlt")) {
			try {
				this.jsm.deleteStream(NatsStreamOptions.streamName(name));
			}
			catch (Exception ex) {
				// best effort: the dead-letter stream exists only for bus subscriptions
			}
		}
	}

	private NatsEventBus bus(KeyedExecutor executor, NatsConsumerOptions consumer) {
		NatsOptions options = NatsOptions.builder().servers(this.url).consumer(consumer).build();
		return NatsEventBus.builder(options).executor(executor).source("benchmark").build();
	}

	private static KeyedExecutor executor(int workers) {
		return KeyedExecutor.create(KeyedExecutorOptions.builder().workers(workers).build());
	}

	private static byte[] payload() {
		byte[] payload = new byte[PAYLOAD_SIZE];
		Arrays.fill(payload, (byte) 'x');
		return payload;
	}

	// ---- publish

	private static final int PUBLISH_ROUNDS = 6;

	/**
	 * Raw {@code publishAsync}, the bus, and raw with the bus's headers, each in every round, in an
	 * order that rotates from round to round (each side comes first, second and third equally often:
	 * none always follows the previous side's stream deletion or GC), on connections opened before
	 * the rounds and warmed up; the figures are the medians of the rounds, the ratio the median of
	 * the rounds' ratios (both sides of a ratio ran seconds apart).
	 */
	private void publishSection() throws Exception {
		KeyedExecutor executor = executor(4);
		try (NatsEventBus bus = bus(executor, NatsConsumerOptions.defaults())) {
			// warm-up of the three paths (JIT), results discarded
			for (int i = 0; i < 2; i++) {
				publishRaw(count(20_000), false);
				publishBus(bus, count(20_000));
				publishRaw(count(20_000), true);
			}
			int n = count(100_000);
			double[] raw = new double[PUBLISH_ROUNDS];
			double[] busRate = new double[PUBLISH_ROUNDS];
			double[] rawHeaders = new double[PUBLISH_ROUNDS];
			double[] ratio = new double[PUBLISH_ROUNDS];
			double[] ratioHeaders = new double[PUBLISH_ROUNDS];
			for (int round = 0; round < PUBLISH_ROUNDS; round++) {
				for (int step = 0; step < 3; step++) {
					switch ((round + step) % 3) {
						case 0 -> raw[round] = publishRaw(n, false);
						case 1 -> busRate[round] = publishBus(bus, n);
						default -> rawHeaders[round] = publishRaw(n, true);
					}
				}
				ratio[round] = busRate[round] / raw[round];
				ratioHeaders[round] = busRate[round] / rawHeaders[round];
				System.out.printf(Locale.ROOT,
						"  publish round %d: bus %.0f, raw %.0f, raw with headers %.0f msg/s; ratios %.2f, %.2f%n", round,
						busRate[round], raw[round], rawHeaders[round], ratio[round], ratioHeaders[round]);
			}
			reportMedian("publish 1 KiB", busRate, raw, ratio);
			reportMedian("publish 1 KiB vs raw with the same headers and Nats-Msg-Id", busRate, rawHeaders, ratioHeaders);
		}
		finally {
			executor.shutdown(Duration.ofSeconds(5));
		}
	}

	private static void reportMedian(String name, double[] bus, double[] raw, double[] ratios) {
		double[] sorted = ratios.clone();
		Arrays.sort(sorted);
		System.out.printf(Locale.ROOT, "%s: bus %.0f msg/s, raw %.0f msg/s, ratio %.2f (median of %d rounds, %.2f-%.2f)%n",
				name, median(bus), median(raw), median(ratios), ratios.length, sorted[0], sorted[sorted.length - 1]);
	}

	private static double median(double[] values) {
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		int middle = sorted.length / 2;
		return (sorted.length % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
	}

	/**
	 * @param withHeaders whether to send what the bus sends besides the payload: {@code Nats-Msg-Id}
	 * (server-side de-duplication) and the CloudEvents headers, ids from the bus's generator
	 */
	private double publishRaw(int n, boolean withHeaders) throws Exception {
		String subject = freshTopic("raw-pub");
		createStream(subject);
		byte[] payload = payload();
		Semaphore window = new Semaphore(WINDOW);
		CountDownLatch done = new CountDownLatch(n);
		long start = System.nanoTime();
		for (int i = 0; i < n; i++) {
			window.acquire();
			Headers headers = null;
			if (withHeaders) {
				String id = EventIds.next();
				headers = new Headers().put("ce-specversion", "1.0")
					.put("ce-id", id)
					.put("ce-type", "Bench")
					.put("ce-source", "benchmark")
					.put("ce-time", "2026-01-01T00:00:00.000Z")
					.put("ce-subject", "key-" + (i % 1000))
					.put("ce-eventversion", "1")
					.put("content-type", "application/json")
					.put("Nats-Msg-Id", id);
			}
			this.rawJs.publishAsync(subject, headers, payload).whenComplete((ack, error) -> {
				window.release();
				done.countDown();
			});
		}
		done.await();
		double rate = n / seconds(start);
		deleteStream(subject);
		return rate;
	}

	/** Publishes on a bus opened (and its stream provisioned) before the clock starts. */
	private double publishBus(NatsEventBus bus, int n) throws Exception {
		String topic = freshTopic("bus-pub");
		byte[] payload = payload();
		bus.publish(topic, Envelope.of("k", "Warm", payload)).join();
		CountDownLatch done = new CountDownLatch(n);
		long start = System.nanoTime();
		for (int i = 0; i < n; i++) {
			bus.publish(topic, Envelope.of("key-" + (i % 1000), "Bench", payload))
				.whenComplete((receipt, error) -> done.countDown());
		}
		done.await();
		double rate = n / seconds(start);
		deleteStream(topic);
		return rate;
	}

	// ---- consume

	private String fill(NatsEventBus bus, int n, int keys) {
		String topic = freshTopic("fill");
		byte[] payload = payload();
		List<CompletableFuture<PublishReceipt>> receipts = new ArrayList<>(n);
		for (int i = 0; i < n; i++) {
			receipts.add(bus.publish(topic, Envelope.of("key-" + (i % keys), "Bench", payload)));
		}
		CompletableFuture.allOf(receipts.toArray(CompletableFuture[]::new)).join();
		return topic;
	}

	private double consumeRaw(int n) throws Exception {
		KeyedExecutor executor = executor(4);
		try (NatsEventBus filler = bus(executor, NatsConsumerOptions.defaults())) {
			String topic = fill(filler, n, 1000);
			String stream = NatsStreamOptions.streamName(topic);
			this.jsm.addOrUpdateConsumer(stream, ConsumerConfiguration.builder()
				.durable("raw")
				.filterSubject(topic)
				.ackPolicy(AckPolicy.Explicit)
				.maxAckPending(NatsConsumerOptions.DEFAULT_MAX_ACK_PENDING)
				.build());
			JetStreamSubscription sub = this.rawJs.subscribe(topic, PullSubscribeOptions.bind(stream, "raw"));
			int received = 0;
			long start = System.nanoTime();
			while (received < n) {
				Iterator<Message> messages = sub.iterate(NatsConsumerOptions.DEFAULT_PULL_BATCH_SIZE,
						NatsConsumerOptions.DEFAULT_PULL_EXPIRY);
				while (messages.hasNext()) {
					messages.next().ack();
					received++;
				}
			}
			double rate = n / seconds(start);
			sub.unsubscribe();
			deleteStream(topic);
			return rate;
		}
		finally {
			executor.shutdown(Duration.ofSeconds(5));
		}
	}

	private double consumeBus(int n) throws Exception {
		KeyedExecutor executor = executor(KeyedExecutorOptions.DEFAULT_WORKERS);
		try (NatsEventBus bus = bus(executor, NatsConsumerOptions.defaults())) {
			String topic = fill(bus, n, 1000);
			CountDownLatch done = new CountDownLatch(n);
			long start = System.nanoTime();
			Subscription subscription = bus.subscribe(topic, byte[].class, SubscriptionOptions.of("bench"),
					(envelope, context) -> done.countDown());
			done.await();
			double rate = n / seconds(start);
			subscription.close();
			deleteStream(topic);
			return rate;
		}
		finally {
			executor.shutdown(Duration.ofSeconds(5));
		}
	}

	// ---- 1 ms handler, 10,000 keys

	private double slowRaw(int n) throws Exception {
		KeyedExecutor executor = executor(4);
		try (NatsEventBus filler = bus(executor, NatsConsumerOptions.defaults())) {
			String topic = fill(filler, n, 10_000);
			String stream = NatsStreamOptions.streamName(topic);
			this.jsm.addOrUpdateConsumer(stream, ConsumerConfiguration.builder()
				.durable("raw-slow")
				.filterSubject(topic)
				.ackPolicy(AckPolicy.Explicit)
				.build());
			JetStreamSubscription sub = this.rawJs.subscribe(topic, PullSubscribeOptions.bind(stream, "raw-slow"));
			int received = 0;
			long start = System.nanoTime();
			while (received < n) {
				Iterator<Message> messages = sub.iterate(NatsConsumerOptions.DEFAULT_PULL_BATCH_SIZE,
						NatsConsumerOptions.DEFAULT_PULL_EXPIRY);
				while (messages.hasNext()) {
					Message message = messages.next();
					Thread.sleep(1);
					message.ack();
					received++;
				}
			}
			double rate = n / seconds(start);
			sub.unsubscribe();
			deleteStream(topic);
			return rate;
		}
		finally {
			executor.shutdown(Duration.ofSeconds(5));
		}
	}

	private double slowBus(int n) throws Exception {
		KeyedExecutor executor = executor(KeyedExecutorOptions.DEFAULT_WORKERS);
		try (NatsEventBus bus = bus(executor, NatsConsumerOptions.defaults())) {
			String topic = fill(bus, n, 10_000);
			CountDownLatch done = new CountDownLatch(n);
			long start = System.nanoTime();
			Subscription subscription = bus.subscribe(topic, byte[].class, SubscriptionOptions.of("bench"),
					(envelope, context) -> {
						Thread.sleep(1);
						done.countDown();
					});
			done.await();
			double rate = n / seconds(start);
			subscription.close();
			deleteStream(topic);
			return rate;
		}
		finally {
			executor.shutdown(Duration.ofSeconds(5));
		}
	}

	// ---- latency at 1,000 msg/s, eventbus.scenario=low-latency

	/** {@code ScenarioPresets} (starter), {@code low-latency}: pull batch 32, expiry 100 ms; keep in step with it. */
	private static final int LOW_LATENCY_PULL_BATCH = 32;

	private static final Duration LOW_LATENCY_PULL_EXPIRY = Duration.ofMillis(100);

	/** {@code low-latency}: 256 un-acknowledged publishes (the raw side bounds its own the same way). */
	private static final int LOW_LATENCY_MAX_IN_FLIGHT = 256;

	private double[] latencyRaw(int n) throws Exception {
		String subject = freshTopic("raw-lat");
		createStream(subject);
		String stream = NatsStreamOptions.streamName(subject);
		this.jsm.addOrUpdateConsumer(stream, ConsumerConfiguration.builder()
			.durable("raw-lat")
			.filterSubject(subject)
			.ackPolicy(AckPolicy.Explicit)
			.build());
		Histogram latencies = new Histogram(TimeUnit.MINUTES.toNanos(5), 3);
		AtomicInteger received = new AtomicInteger();
		Thread consumer = new Thread(() -> {
			try {
				JetStreamSubscription sub = this.rawJs.subscribe(subject, PullSubscribeOptions.bind(stream, "raw-lat"));
				while (received.get() < n) {
					Iterator<Message> messages = sub.iterate(LOW_LATENCY_PULL_BATCH, LOW_LATENCY_PULL_EXPIRY);
					while (messages.hasNext()) {
						Message message = messages.next();
						long sent = ByteBuffer.wrap(message.getData()).getLong();
						message.ack();
						latencies.recordValue(Math.max(0, System.nanoTime() - sent));
						received.incrementAndGet();
					}
				}
				sub.unsubscribe();
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}, "raw-latency-consumer");
		consumer.start();
		Semaphore window = new Semaphore(LOW_LATENCY_MAX_IN_FLIGHT);
		Pacing.perMillisecond(n, (i) -> {
			byte[] payload = new byte[PAYLOAD_SIZE];
			ByteBuffer.wrap(payload).putLong(System.nanoTime());
			window.acquire();
			this.rawJs.publishAsync(subject, payload).whenComplete((ack, error) -> window.release());
		});
		consumer.join(120_000);
		deleteStream(subject);
		return millis(latencies);
	}

	private double[] latencyBus(int n) throws Exception {
		KeyedExecutor executor = executor(KeyedExecutorOptions.DEFAULT_WORKERS);
		NatsOptions options = NatsOptions.builder()
			.servers(this.url)
			.publish(NatsPublishOptions.builder().maxInFlight(LOW_LATENCY_MAX_IN_FLIGHT).build())
			.consumer(NatsConsumerOptions.builder()
				.pullBatchSize(LOW_LATENCY_PULL_BATCH)
				.pullExpiry(LOW_LATENCY_PULL_EXPIRY)
				.build())
			.stream(NatsStreamOptions.builder().storage(NatsStreamOptions.Storage.FILE).build())
			.build();
		try (NatsEventBus bus = NatsEventBus.builder(options).executor(executor).source("benchmark").build()) {
			String topic = freshTopic("bus-lat");
			Histogram latencies = new ConcurrentHistogram(TimeUnit.MINUTES.toNanos(5), 3);
			bus.publish(topic, Envelope.of("warm", "Warm", new byte[8])).join();
			CountDownLatch done = new CountDownLatch(n);
			Subscription subscription = bus.subscribe(topic, byte[].class, SubscriptionOptions.of("bench"),
					(envelope, context) -> {
						if (envelope.eventType().equals("Lat")) {
							long sent = ByteBuffer.wrap(envelope.payload()).getLong();
							latencies.recordValue(Math.max(0, System.nanoTime() - sent));
							done.countDown();
						}
					});
			Pacing.perMillisecond(n, (i) -> {
				byte[] payload = new byte[PAYLOAD_SIZE];
				ByteBuffer.wrap(payload).putLong(System.nanoTime());
				bus.publish(topic, Envelope.of("key-" + (i % 1000), "Lat", payload));
			});
			done.await(120, TimeUnit.SECONDS);
			subscription.close();
			deleteStream(topic);
			return millis(latencies);
		}
		finally {
			executor.shutdown(Duration.ofSeconds(5));
		}
	}

	/** @return p50, p99, p99.9 in milliseconds */
	private static double[] millis(Histogram latencies) {
		return new double[] { latencies.getValueAtPercentile(50) / 1e6, latencies.getValueAtPercentile(99) / 1e6,
				latencies.getValueAtPercentile(99.9) / 1e6 };
	}

	/** @return per figure the median over the rounds */
	private static double[] median(List<double[]> rounds) {
		double[] median = new double[rounds.get(0).length];
		for (int figure = 0; figure < median.length; figure++) {
			double[] values = new double[rounds.size()];
			for (int i = 0; i < values.length; i++) {
				values[i] = rounds.get(i)[figure];
			}
			Arrays.sort(values);
			median[figure] = values[values.length / 2];
		}
		return median;
	}

	// ---- the seed's scenario

	private double seedScenario(int n, int aggregates) throws Exception {
		KeyedExecutor executor = executor(KeyedExecutorOptions.DEFAULT_WORKERS);
		try (NatsEventBus bus = bus(executor, NatsConsumerOptions.defaults())) {
			String topic = freshTopic("seed");
			AtomicLong handled = new AtomicLong();
			CountDownLatch done = new CountDownLatch(n);
			bus.publish(topic, Envelope.of("warm", "Warm", new SeedEvent("warm", -1, ""))).join();
			Subscription subscription = bus.subscribe(topic, SeedEvent.class, SubscriptionOptions.of("seed"),
					(envelope, context) -> {
						if (envelope.eventType().equals("SeedEvent")) {
							handled.incrementAndGet();
							done.countDown();
						}
					});
			long start = System.nanoTime();
			for (int i = 0; i < n; i++) {
				String aggregate = "aggregate-" + (i % aggregates);
				bus.publish(topic, Envelope.of(aggregate, "SeedEvent", new SeedEvent(aggregate, i, "payload-" + i)));
			}
			done.await(300, TimeUnit.SECONDS);
			double rate = n / seconds(start);
			subscription.close();
			deleteStream(topic);
			return rate;
		}
		finally {
			executor.shutdown(Duration.ofSeconds(5));
		}
	}

	/** The seed's test event: an aggregate, a sequence and a small body. */
	public record SeedEvent(String aggregateId, int sequence, String body) {
	}

	private static double seconds(long start) {
		return (System.nanoTime() - start) / 1e9;
	}

}

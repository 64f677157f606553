package dev.eventbus.benchmark.kafka;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.eventbus.benchmark.support.Pacing;
import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.Subscription;
import dev.eventbus.core.api.SubscriptionOptions;
import dev.eventbus.core.codec.EnvelopeCodec;
import dev.eventbus.core.codec.HeaderStyle;
import dev.eventbus.core.codec.JsonPayloadCodec;
import dev.eventbus.core.codec.WireMessage;
import dev.eventbus.core.kafka.KafkaClientFactories;
import dev.eventbus.core.kafka.KafkaCompression;
import dev.eventbus.core.kafka.KafkaConsumerOptions;
import dev.eventbus.core.kafka.KafkaEventBus;
import dev.eventbus.core.kafka.KafkaOptions;
import dev.eventbus.core.kafka.KafkaProducerOptions;
import dev.eventbus.core.keyed.KeyedExecutor;
import dev.eventbus.core.keyed.KeyedExecutorOptions;
import io.confluent.parallelconsumer.ParallelConsumerOptions;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import io.confluent.parallelconsumer.ParallelStreamProcessor;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.jspecify.annotations.Nullable;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.MessageListener;

/**
 * End-to-end harness for the Kafka transport. Everything runs against one in-JVM KRaft broker in
 * the same run, so the figures that matter are the ratios. Run:
 *
 * <pre>
 * mvn -B -pl eventbus-benchmark -am package -DskipTests
 * java -cp eventbus-benchmark/target/benchmarks.jar dev.eventbus.benchmark.kafka.KafkaTransportBenchmark [scale [sections]]
 * </pre>
 *
 * {@code scale} (default 1.0) multiplies the message counts; {@code sections} (default
 * {@code publish,consume,slow,seed,latency}) picks the benchmarks to run.
 */
public final class KafkaTransportBenchmark {

	private static final int PARTITIONS = 12;

	private final String servers;

	private final KafkaBenchmarkBroker broker;

	private final double scale;

	private final List<String> rows = new ArrayList<>();

	private KafkaTransportBenchmark(KafkaBenchmarkBroker broker, double scale) {
		this.broker = broker;
		this.servers = broker.bootstrapServers();
		this.scale = scale;
	}

	public static void main(String[] args) throws Exception {
		System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
		double scale = (args.length > 0) ? Double.parseDouble(args[0]) : 1.0;
		List<String> sections = List.of(((args.length > 1) ? args[1] : "publish,consume,slow,seed,latency").split(","));
		KafkaBenchmarkBroker broker = KafkaBenchmarkBroker.start(PARTITIONS);
		String loadBefore = load();
		KafkaTransportBenchmark benchmark = new KafkaTransportBenchmark(broker, scale);
		try {
			if (sections.contains("publish")) {
				benchmark.publish();
			}
			if (sections.contains("consume")) {
				benchmark.consume();
			}
			if (sections.contains("slow")) {
				benchmark.slowHandler();
			}
			if (sections.contains("seed")) {
				benchmark.seedScenario();
			}
			if (sections.contains("latency")) {
				benchmark.latency();
			}
		}
		finally {
			System.out.println();
			System.out.println("load average before: " + loadBefore + "; after: " + load() + "; cores: "
					+ Runtime.getRuntime().availableProcessors() + "; java " + System.getProperty("java.version"));
			benchmark.rows.forEach(System.out::println);
			broker.close();
		}
		System.exit(0);
	}

	private int count(int base) {
		return (int) Math.max(1000, base * this.scale);
	}

	private String topic(String name, int partitions) {
		String topic = name + "-" + System.nanoTime();
		this.broker.addTopic(topic, partitions);
		return topic;
	}

	private KafkaOptions options() {
		return KafkaOptions.builder().bootstrapServers(this.servers).build();
	}

	private void row(String benchmark, String variant, double rate, String note) {
		String line = String.format(Locale.ROOT, "| %s | %s | %,.0f msg/s | %s |", benchmark, variant, rate, note);
		System.out.println(line);
		this.rows.add(line);
	}

	// ------------------------------------------------------------------ 1. publish

	private void publish() throws Exception {
		int n = count(100_000);
		String topic = topic("publish", PARTITIONS);
		// 1,000 distinct random 1 KiB payloads, so that lz4 cannot compress across records unrealistically
		Random random = new Random(42);
		String[] payloads = new String[1000];
		byte[][] values = new byte[1000][];
		for (int i = 0; i < payloads.length; i++) {
			StringBuilder text = new StringBuilder(1022);
			for (int c = 0; c < 1022; c++) {
				text.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
			}
			payloads[i] = text.toString();
			values[i] = ("\"" + payloads[i] + "\"").getBytes(StandardCharsets.UTF_8); // the bus's JSON bytes
		}
		KafkaOptions options = options();
		KafkaOptions noCount = options.toBuilder()
			.producer(KafkaProducerOptions.builder().flushMessages(0).build())
			.build();
		EnvelopeCodec codec = new EnvelopeCodec(new JsonPayloadCodec());
		List<Double> rawRates = new ArrayList<>();
		List<Double> rawHeaderRates = new ArrayList<>();
		List<Double> busRates = new ArrayList<>();
		List<Double> busNoCountRates = new ArrayList<>();
		try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClientFactories.producerConfig(options));
				KafkaEventBus bus = KafkaEventBus.builder(options).build();
				KafkaEventBus busNoCount = KafkaEventBus.builder(noCount).build()) {
			rawPublish(producer, topic, values, null, n / 5);
			rawPublish(producer, topic, values, codec, n / 5);
			busPublish(bus, topic, payloads, n / 5);
			busPublish(busNoCount, topic, payloads, n / 5);
			for (int trial = 0; trial < 3; trial++) {
				rawRates.add(rawPublish(producer, topic, values, null, n));
				busRates.add(busPublish(bus, topic, payloads, n));
				rawHeaderRates.add(rawPublish(producer, topic, values, codec, n));
				busNoCountRates.add(busPublish(busNoCount, topic, payloads, n));
			}
		}
		double rawRate = median(rawRates);
		double rawHeaders = median(rawHeaderRates);
		double busRate = median(busRates);
		double busNoCount = median(busNoCountRates);
		row("publish 1 KiB", "raw KafkaProducer, bare record (same config)", rawRate, n + " msgs, median of 3");
		row("publish 1 KiB", "raw KafkaProducer + CloudEvents headers from EnvelopeCodec", rawHeaders,
				String.format(Locale.ROOT, "%.2f× raw", rawHeaders / rawRate));
		row("publish 1 KiB", "bus (flush-messages 100, default)", busRate,
				String.format(Locale.ROOT, "%.2f× raw; %.2f× raw+headers", busRate / rawRate, busRate / rawHeaders));
		row("publish 1 KiB", "bus (flush-messages 0)", busNoCount,
				String.format(Locale.ROOT, "%.2f× raw; %.2f× raw+headers", busNoCount / rawRate, busNoCount / rawHeaders));
		publishSmallWithHighThroughputPreset(topic, random);
	}

	/**
	 * 100-byte payloads with the starter's high-throughput producer settings (linger 20 ms, 256 KiB
	 * batches, acks 1, 10 in flight): small records are where the message-count trigger fires, so
	 * this compares the preset with flush-messages 100 and 0.
	 */
	private void publishSmallWithHighThroughputPreset(String topic, Random random) throws Exception {
		int n = count(200_000);
		String[] payloads = new String[1000];
		for (int i = 0; i < payloads.length; i++) {
			StringBuilder text = new StringBuilder(98);
			for (int c = 0; c < 98; c++) {
				text.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
			}
			payloads[i] = text.toString();
		}
		KafkaOptions counted = options().toBuilder().producer(highThroughputProducer(100)).build();
		KafkaOptions uncounted = options().toBuilder().producer(highThroughputProducer(0)).build();
		List<Double> countedRates = new ArrayList<>();
		List<Double> uncountedRates = new ArrayList<>();
		try (KafkaEventBus countedBus = KafkaEventBus.builder(counted).build();
				KafkaEventBus uncountedBus = KafkaEventBus.builder(uncounted).build()) {
			busPublish(countedBus, topic, payloads, n / 5);
			busPublish(uncountedBus, topic, payloads, n / 5);
			for (int trial = 0; trial < 3; trial++) {
				countedRates.add(busPublish(countedBus, topic, payloads, n));
				uncountedRates.add(busPublish(uncountedBus, topic, payloads, n));
			}
		}
		double countedRate = median(countedRates);
		double uncountedRate = median(uncountedRates);
		row("publish 100 B, high-throughput preset", "bus (flush-messages 0, the preset)", uncountedRate,
				n + " msgs, median of 3");
		row("publish 100 B, high-throughput preset", "bus (flush-messages 100)", countedRate,
				String.format(Locale.ROOT, "%.2f× flush-messages 0", countedRate / uncountedRate));
	}

	private static KafkaProducerOptions highThroughputProducer(int flushMessages) {
		return KafkaProducerOptions.builder()
			.flushFrequency(Duration.ofMillis(20))
			.flushBytes(256 * 1024)
			.acks("1")
			.idempotence(false)
			.maxInFlight(10)
			.bufferMemory(64L * 1024 * 1024)
			.flushMessages(flushMessages)
			.build();
	}

	private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

	private static double rawPublish(KafkaProducer<String, byte[]> producer, String topic, byte[][] values,
			@Nullable EnvelopeCodec codec, int n) throws InterruptedException {
		CountDownLatch acked = new CountDownLatch(n);
		AtomicInteger failed = new AtomicInteger();
		long start = System.nanoTime();
		for (int i = 0; i < n; i++) {
			String key = "agg-" + (i % 1000);
			ProducerRecord<String, byte[]> record;
			if (codec == null) {
				record = new ProducerRecord<>(topic, key, values[i % values.length]);
			}
			else {
				WireMessage wire = codec.encode(Envelope.builder("Bench", "").aggregateId(key).source("eventbus").build(),
						HeaderStyle.KAFKA);
				List<Header> headers = new ArrayList<>();
				wire.headers().forEach((name, value) -> headers.add(new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8))));
				record = new ProducerRecord<>(topic, null, key, values[i % values.length], headers);
			}
			producer.send(record, (metadata, error) -> {
				if (error != null) {
					failed.incrementAndGet();
				}
				acked.countDown();
			});
		}
		await(acked, "raw publish");
		check(failed.get() == 0, "raw publish failures: " + failed);
		return n / seconds(start);
	}

	private static double busPublish(KafkaEventBus bus, String topic, String payload, int n) throws InterruptedException {
		return busPublish(bus, topic, new String[] { payload }, n);
	}

	private static double busPublish(KafkaEventBus bus, String topic, String[] payloads, int n)
			throws InterruptedException {
		CountDownLatch acked = new CountDownLatch(n);
		AtomicInteger failed = new AtomicInteger();
		long start = System.nanoTime();
		for (int i = 0; i < n; i++) {
			bus.publish(topic, Envelope.of("agg-" + (i % 1000), "Bench", payloads[i % payloads.length]))
				.whenComplete((receipt, error) -> {
				if (error != null) {
					failed.incrementAndGet();
				}
				acked.countDown();
			});
		}
		await(acked, "bus publish");
		check(failed.get() == 0, "bus publish failures: " + failed);
		return n / seconds(start);
	}

	// ------------------------------------------------------------------ 2. consume (no-op)

	private void consume() throws Exception {
		int n = count(100_000);
		String topic = topic("consume", PARTITIONS);
		fill(topic, n, "x".repeat(1022));
		List<Double> rawRates = new ArrayList<>();
		List<Double> decodeRates = new ArrayList<>();
		List<Double> busRates = new ArrayList<>();
		EnvelopeCodec codec = new EnvelopeCodec(new JsonPayloadCodec());
		for (int trial = 0; trial < 3; trial++) {
			rawRates.add(rawConsume(topic, n, "raw-" + trial, null));
			decodeRates.add(rawConsume(topic, n, "raw-decode-" + trial, codec));
			busRates.add(busConsume(topic, n, "bus-" + trial));
		}
		double rawRate = median(rawRates);
		double decodeRate = median(decodeRates);
		double busRate = median(busRates);
		row("consume 1 KiB, no-op", "raw poll loop (same config, commitAsync per poll)", rawRate,
				n + " msgs, 12 partitions, median of 3");
		row("consume 1 KiB, no-op", "raw poll loop + CloudEvents decode per record", decodeRate,
				String.format(Locale.ROOT, "%.2f× raw", decodeRate / rawRate));
		row("consume 1 KiB, no-op", "bus, key-ordered, 64 workers", busRate,
				String.format(Locale.ROOT, "%.2f× raw; %.2f× raw+decode", busRate / rawRate, busRate / decodeRate));
	}

	private void fill(String topic, int n, String payload) throws InterruptedException {
		try (KafkaEventBus bus = KafkaEventBus.builder(options()).build()) {
			busPublish(bus, topic, payload, n);
		}
	}

	private double rawConsume(String topic, int n, String group, @Nullable EnvelopeCodec codec) {
		try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
				KafkaClientFactories.consumerConfig(options(), group))) {
			consumer.subscribe(List.of(topic));
			long received = 0;
			long first = 0;
			long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
			while (received < n) {
				check(System.nanoTime() < deadline, "raw consume timed out at " + received);
				ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(100));
				if (!records.isEmpty()) {
					if (first == 0) {
						first = System.nanoTime();
					}
					received += records.count();
					if (codec != null) {
						for (var record : records) {
							Map<String, String> headers = new HashMap<>();
							for (Header header : record.headers()) {
								headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
							}
							codec.decode(new WireMessage(record.key(), headers, record.value()), HeaderStyle.KAFKA,
									byte[].class);
						}
					}
					consumer.commitAsync();
				}
			}
			return n / seconds(first);
		}
	}

	private double busConsume(String topic, int n, String group) throws InterruptedException {
		CountDownLatch done = new CountDownLatch(n);
		AtomicLong first = new AtomicLong();
		try (KafkaEventBus bus = KafkaEventBus.builder(options()).build()) {
			bus.subscribe(topic, byte[].class, SubscriptionOptions.of(group), (envelope, context) -> {
				first.compareAndSet(0, System.nanoTime());
				done.countDown();
			});
			await(done, "bus consume");
			return n / seconds(first.get());
		}
	}

	// ------------------------------------------------------------------ 3. 1 ms handler, 10,000 keys

	/**
	 * 1 ms sleeping handler, 10,000 keys, 1 KiB records (1,000 distinct random 1,022-character JSON
	 * strings, as in the publish section): the spring-kafka listener container, the bus at 64 and at
	 * 256 workers, and Parallel Consumer at max concurrency 256, each with its own group on the same
	 * topic in one run.
	 */
	private void slowHandler() throws Exception {
		int n = count(30_000);
		int keys = 10_000;
		String topic = topic("slow", PARTITIONS);
		Random random = new Random(15);
		String[] payloads = new String[1000];
		for (int i = 0; i < payloads.length; i++) {
			StringBuilder text = new StringBuilder(1022);
			for (int c = 0; c < 1022; c++) {
				text.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
			}
			payloads[i] = text.toString();
		}
		try (KafkaEventBus bus = KafkaEventBus.builder(options()).build()) {
			CountDownLatch acked = new CountDownLatch(n);
			for (int i = 0; i < n; i++) {
				bus.publish(topic, Envelope.of("key-" + (i % keys), "Slow", payloads[i % payloads.length]))
					.whenComplete((r, e) -> acked.countDown());
			}
			await(acked, "slow fill");
		}
		String workload = "1 ms handler, 10,000 keys, 1 KiB";
		double listener = listenerContainer(topic, n);
		row(workload, "spring-kafka listener container, concurrency 12", listener, n + " msgs, 12 partitions");
		double bus64 = busSlow(topic, n, 64);
		row(workload, "bus, key-ordered, 64 workers", bus64,
				String.format(Locale.ROOT, "%.2f× listener", bus64 / listener));
		double bus256 = busSlow(topic, n, 256);
		row(workload, "bus, key-ordered, 256 workers", bus256,
				String.format(Locale.ROOT, "%.2f× listener; %.2f× bus 64 workers", bus256 / listener, bus256 / bus64));
		try {
			double pc = parallelConsumer(topic, n, 256);
			row(workload, "Parallel Consumer 0.5.3.3, ordering KEY, max concurrency 256", pc,
					String.format(Locale.ROOT, "%.2f× listener; bus 64 is %.2f× PC, bus 256 is %.2f× PC", pc / listener,
							bus64 / pc, bus256 / pc));
		}
		catch (Throwable ex) {
			row(workload, "Parallel Consumer 0.5.3.3", 0,
					"did not run on kafka-clients 4.x: " + ex.getClass().getSimpleName() + ": " + ex.getMessage());
		}
	}

	private double listenerContainer(String topic, int n) throws InterruptedException {
		CountDownLatch done = new CountDownLatch(n);
		AtomicLong first = new AtomicLong();
		DefaultKafkaConsumerFactory<String, byte[]> factory = KafkaClientFactories.consumerFactory(options(),
				"listener");
		ContainerProperties properties = new ContainerProperties(topic);
		properties.setMessageListener((MessageListener<String, byte[]>) (record) -> {
			first.compareAndSet(0, System.nanoTime());
			sleep1ms();
			done.countDown();
		});
		ConcurrentMessageListenerContainer<String, byte[]> container = new ConcurrentMessageListenerContainer<>(
				factory, properties);
		container.setConcurrency(PARTITIONS);
		container.start();
		try {
			await(done, "listener container");
			return n / seconds(first.get());
		}
		finally {
			container.stop();
		}
	}

	private double busSlow(String topic, int n, int workers) throws InterruptedException {
		CountDownLatch done = new CountDownLatch(n);
		AtomicLong first = new AtomicLong();
		try (KeyedExecutor executor = KeyedExecutor.create(KeyedExecutorOptions.builder().workers(workers).build());
				KafkaEventBus bus = KafkaEventBus.builder(options()).executor(executor).build()) {
			bus.subscribe(topic, byte[].class, SubscriptionOptions.of("bus-slow-" + workers), (envelope, context) -> {
				first.compareAndSet(0, System.nanoTime());
				sleep1ms();
				done.countDown();
			});
			await(done, "bus slow handler");
			return n / seconds(first.get());
		}
	}

	private double parallelConsumer(String topic, int n, int concurrency) throws InterruptedException {
		CountDownLatch done = new CountDownLatch(n);
		AtomicLong first = new AtomicLong();
		KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
				KafkaClientFactories.consumerConfig(options(), "parallel-consumer"));
		ParallelConsumerOptions<String, byte[]> options = ParallelConsumerOptions.<String, byte[]>builder()
			.ordering(ParallelConsumerOptions.ProcessingOrder.KEY)
			.maxConcurrency(concurrency)
			.consumer(consumer)
			.commitMode(ParallelConsumerOptions.CommitMode.PERIODIC_CONSUMER_ASYNCHRONOUS)
			.ignoreReflectiveAccessExceptionsForAutoCommitDisabledCheck(true)
			.build();
		ParallelStreamProcessor<String, byte[]> processor = ParallelStreamProcessor.createEosStreamProcessor(options);
		try {
			processor.subscribe(List.of(topic));
			processor.poll((context) -> {
				first.compareAndSet(0, System.nanoTime());
				sleep1ms();
				done.countDown();
			});
			await(done, "parallel consumer");
			return n / seconds(first.get());
		}
		finally {
			processor.close();
		}
	}

	// ------------------------------------------------------------------ 4. seed scenario

	private void seedScenario() throws Exception {
		int topics = 5;
		int events = 10_000;
		int aggregates = 1_000;
		List<String> names = new ArrayList<>();
		for (int t = 0; t < topics; t++) {
			names.add(topic("seed-" + t, 3));
		}
		Map<String, Integer> lastSeq = new ConcurrentHashMap<>();
		Map<String, Boolean> seen = new ConcurrentHashMap<>();
		AtomicInteger violations = new AtomicInteger();
		AtomicInteger failedPublishes = new AtomicInteger();
		CountDownLatch done = new CountDownLatch(events);
		try (KafkaEventBus bus = KafkaEventBus.builder(options()).build()) {
			List<Subscription> subscriptions = new ArrayList<>();
			for (String name : names) {
				subscriptions.add(bus.subscribe(name, SeedPayload.class, SubscriptionOptions.of("seed"),
						(envelope, context) -> {
							Integer previous = lastSeq.put(envelope.aggregateId(), envelope.payload().seq());
							if (previous != null && envelope.payload().seq() != previous + 1) {
								violations.incrementAndGet();
							}
							if (seen.putIfAbsent(envelope.eventId(), Boolean.TRUE) == null) {
								done.countDown();
							}
						}));
			}
			Thread.sleep(3000); // let the five consumers join before the clock starts (benchmark harness only)
			long start = System.nanoTime();
			for (int i = 0; i < events; i++) {
				int aggregate = i % aggregates;
				int seq = i / aggregates;
				String topic = names.get(aggregate % topics);
				bus.publish(topic, Envelope.of("aggregate-" + aggregate, "SeedEvent",
						new SeedPayload(seq, "order-" + aggregate))).whenComplete((receipt, error) -> {
							if (error != null) {
								failedPublishes.incrementAndGet();
							}
						});
			}
			boolean complete = done.await(5, TimeUnit.MINUTES);
			double rate = (events - done.getCount()) / seconds(start);
			double success = 100.0 * (events - done.getCount()) / events;
			row("seed scenario (5 topics × 3 partitions, 10,000 envelopes, 1,000 aggregates, ~40 B payload)",
					"bus, end to end, default tuned options", rate,
					String.format(Locale.ROOT, "success %.2f %%, order violations %d, publish failures %d%s; seed: 333 msg/s",
							success, violations.get(), failedPublishes.get(), complete ? "" : " (TIMED OUT)"));
		}
	}

	/** About 40 bytes of JSON: {"seq":3,"orderId":"order-123"}. */
	public record SeedPayload(int seq, String orderId) {
	}

	// ------------------------------------------------------------------ 5. end-to-end latency, low-latency scenario

	/**
	 * End-to-end latency at 1,000 msg/s with the client settings of {@code eventbus.scenario=low-latency}:
	 * a raw {@code KafkaProducer} + poll loop against the bus, three alternating rounds on fresh topics
	 * (12 partitions, 1,000 keys, 1 KiB payloads carrying the {@code System.nanoTime()} of the send).
	 * Rounds run raw then bus, bus then raw, raw then bus. Latency is the poll loop's (raw) or the
	 * handler's (bus) receive time minus that send time; "ack" is the send call to the producer's
	 * acknowledgement on the same clock.
	 */
	private void latency() throws Exception {
		int n = count(5_000);
		KafkaOptions options = lowLatencyOptions();
		// warm-up of both paths (JIT, connections, group coordinator), results discarded
		rawLatency(options, count(1_000));
		busLatency(options, count(1_000));
		List<LatencyRound> raw = new ArrayList<>();
		List<LatencyRound> bus = new ArrayList<>();
		for (int round = 0; round < 3; round++) {
			// the order alternates too: the first of a pair measured slower p50s in either order
			if (round % 2 == 0) {
				raw.add(rawLatency(options, n));
				bus.add(busLatency(options, n));
			}
			else {
				bus.add(busLatency(options, n));
				raw.add(rawLatency(options, n));
			}
			System.out.printf(Locale.ROOT, "  latency round %d: raw %s; bus %s%n", round, raw.get(round),
					bus.get(round));
		}
		double[] rawMedian = LatencyRound.median(raw);
		double[] busMedian = LatencyRound.median(bus);
		latencyRow("raw KafkaProducer + poll loop (same client config)", rawMedian, n, "");
		latencyRow("bus, key-ordered, low-latency preset values", busMedian, n,
				String.format(Locale.ROOT, "p99 %.2f× raw", busMedian[1] / rawMedian[1]));
	}

	/**
	 * The values {@code ScenarioPresets} (starter) sets for {@code eventbus.scenario=low-latency}, built with the
	 * core builders; keep them in step with it. The raw clients get the same client configuration from
	 * {@link KafkaClientFactories}.
	 */
	private KafkaOptions lowLatencyOptions() {
		return options().toBuilder()
			.producer(KafkaProducerOptions.builder()
				.compression(KafkaCompression.NONE)
				.flushFrequency(Duration.ZERO)
				.flushMessages(0)
				.flushBytes(16 * 1024)
				.acks("1")
				.idempotence(false)
				.maxInFlight(1)
				.build())
			.consumer(KafkaConsumerOptions.builder()
				.fetchMinBytes(1)
				.fetchMaxWait(Duration.ofMillis(10))
				.pollTimeout(Duration.ofMillis(20))
				.build())
			.build();
	}

	private void latencyRow(String variant, double[] median, int n, String note) {
		String line = String.format(Locale.ROOT,
				"| end-to-end latency at 1,000 msg/s, low-latency preset | %s | p50 %.2f / p99 %.2f / p99.9 %.2f ms | "
						+ "median of 3 rounds of %d; ack p50 %.2f / p99 %.2f ms%s |",
				variant, median[0], median[1], median[2], n, median[3], median[4], note.isEmpty() ? "" : "; " + note);
		System.out.println(line);
		this.rows.add(line);
	}

	private LatencyRound rawLatency(KafkaOptions options, int n) throws Exception {
		String topic = topic("latency-raw", PARTITIONS);
		LatencyRound round = new LatencyRound();
		CountDownLatch warm = new CountDownLatch(1);
		CountDownLatch received = new CountDownLatch(n);
		AtomicBoolean stop = new AtomicBoolean();
		Thread poller = new Thread(() -> {
			try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
					KafkaClientFactories.consumerConfig(options, "raw-latency-" + System.nanoTime()))) {
				consumer.subscribe(List.of(topic));
				long commitInterval = options.consumer().commitInterval().toNanos();
				long lastCommit = System.nanoTime();
				while (!stop.get()) {
					ConsumerRecords<String, byte[]> records = consumer.poll(options.consumer().pollTimeout());
					long now = System.nanoTime();
					for (var record : records) {
						long sent = ByteBuffer.wrap(record.value()).getLong();
						if (sent == 0) {
							warm.countDown();
						}
						else {
							round.endToEnd.recordValue(Math.max(0, now - sent));
							received.countDown();
						}
					}
					// the bus's commit cadence (commit-interval), not one commit request per poll
					if (System.nanoTime() - lastCommit >= commitInterval) {
						consumer.commitAsync();
						lastCommit = System.nanoTime();
					}
				}
			}
		}, "raw-latency-poller");
		poller.start();
		try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClientFactories.producerConfig(options))) {
			producer.send(new ProducerRecord<>(topic, "warm", new byte[1024]));
			await(warm, "raw latency warm-up record");
			Pacing.perMillisecond(n, (i) -> {
				byte[] payload = new byte[1024];
				long sent = System.nanoTime();
				ByteBuffer.wrap(payload).putLong(sent);
				producer.send(new ProducerRecord<>(topic, "key-" + (i % 1000), payload),
						(metadata, error) -> round.ack.recordValue(Math.max(0, System.nanoTime() - sent)));
			});
			await(received, "raw latency");
		}
		finally {
			stop.set(true);
			poller.join(10_000);
		}
		return round;
	}

	private LatencyRound busLatency(KafkaOptions options, int n) throws Exception {
		String topic = topic("latency-bus", PARTITIONS);
		LatencyRound round = new LatencyRound();
		CountDownLatch warm = new CountDownLatch(1);
		CountDownLatch received = new CountDownLatch(n);
		try (KafkaEventBus bus = KafkaEventBus.builder(options).build()) {
			Subscription subscription = bus.subscribe(topic, byte[].class,
					SubscriptionOptions.of("bus-latency-" + System.nanoTime()), (envelope, context) -> {
						long now = System.nanoTime();
						long sent = ByteBuffer.wrap(envelope.payload()).getLong();
						if (sent == 0) {
							warm.countDown();
						}
						else {
							round.endToEnd.recordValue(Math.max(0, now - sent));
							received.countDown();
						}
					});
			bus.publish(topic, Envelope.of("warm", "Warm", new byte[1024]));
			await(warm, "bus latency warm-up event");
			Pacing.perMillisecond(n, (i) -> {
				byte[] payload = new byte[1024];
				long sent = System.nanoTime();
				ByteBuffer.wrap(payload).putLong(sent);
				bus.publish(topic, Envelope.of("key-" + (i % 1000), "Lat", payload))
					.whenComplete((receipt, error) -> round.ack.recordValue(Math.max(0, System.nanoTime() - sent)));
			});
			await(received, "bus latency");
			subscription.close();
		}
		return round;
	}

	/** One latency round: end to end and send-to-acknowledgement, in nanoseconds (HdrHistogram, 3 digits). */
	private static final class LatencyRound {

		final Histogram endToEnd = new ConcurrentHistogram(TimeUnit.MINUTES.toNanos(5), 3);

		final Histogram ack = new ConcurrentHistogram(TimeUnit.MINUTES.toNanos(5), 3);

		double[] millis() {
			return new double[] { ms(this.endToEnd, 50), ms(this.endToEnd, 99), ms(this.endToEnd, 99.9),
					ms(this.ack, 50), ms(this.ack, 99) };
		}

		/** @return per figure (p50, p99, p99.9, ack p50, ack p99) the median over the rounds, in ms */
		static double[] median(List<LatencyRound> rounds) {
			double[] median = new double[5];
			for (int figure = 0; figure < median.length; figure++) {
				List<Double> values = new ArrayList<>();
				for (LatencyRound round : rounds) {
					values.add(round.millis()[figure]);
				}
				median[figure] = KafkaTransportBenchmark.median(values);
			}
			return median;
		}

		private static double ms(Histogram histogram, double percentile) {
			return histogram.getValueAtPercentile(percentile) / 1e6;
		}

		@Override
		public String toString() {
			double[] ms = millis();
			return String.format(Locale.ROOT, "p50/p99/p99.9 %.2f/%.2f/%.2f ms (ack p50/p99 %.2f/%.2f ms, %d samples)",
					ms[0], ms[1], ms[2], ms[3], ms[4], this.endToEnd.getTotalCount());
		}

	}

	// ------------------------------------------------------------------ helpers

	private static void sleep1ms() {
		try {
			Thread.sleep(1);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void await(CountDownLatch latch, String what) throws InterruptedException {
		check(latch.await(5, TimeUnit.MINUTES), what + " did not finish within 5 minutes (" + latch.getCount() + " left)");
	}

	private static void check(boolean condition, String message) {
		if (!condition) {
			throw new IllegalStateException(message);
		}
	}

	private static double seconds(long startNanos) {
		return (System.nanoTime() - startNanos) / 1e9;
	}

	private static double median(List<Double> values) {
		List<Double> sorted = new ArrayList<>(values);
		sorted.sort(Double::compare);
		return sorted.get(sorted.size() / 2);
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

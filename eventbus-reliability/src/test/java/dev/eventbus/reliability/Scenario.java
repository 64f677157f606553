package dev.eventbus.reliability;

import dev.eventbus.test.broker.NatsServerProcess;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.codec.EnvelopeCodec;
import dev.eventbus.core.codec.HeaderStyle;
import dev.eventbus.core.codec.JsonPayloadCodec;
import dev.eventbus.core.codec.WireMessage;
import dev.eventbus.core.keyed.KeyedExecutor;
import dev.eventbus.core.keyed.KeyedExecutorOptions;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;

import static org.awaitility.Awaitility.await;

/**
 * One fault-test run: a broker process (Kafka or nats-server) in a temp folder, consumer JVMs, a
 * producer bus in the test JVM and the verifier over their journals. Closing it stops every
 * process it started.
 *
 * <p>Volumes scale with the {@code reliability.scale} system property (1 for CI, larger for
 * {@code scripts/soak.sh}).
 */
final class Scenario implements AutoCloseable {

	/** Bound on any single wait for progress: a consumer that makes none for this long is hung. */
	static final Duration PROGRESS_TIMEOUT = Duration.ofSeconds(Long.getLong("reliability.progress-timeout-s", 60));

	private final String name;

	private final String transport;

	private final String groupProtocol;

	private final Path dir;

	/** Largest message the scenarios' nats-server accepts ({@code max_payload}). */
	static final int NATS_MAX_PAYLOAD_BYTES = 262_144;

	private final @Nullable KafkaBroker kafka;

	private final @Nullable NatsServerProcess nats;

	private final String topic;

	private final List<ConsumerProcess> consumers = new ArrayList<>();

	private final Path producerJournalFile;

	private final int warmups;

	private final Journal producerJournal;

	private @Nullable KeyedExecutor producerExecutor;

	private @Nullable EventBus producerBus;

	private final List<EventBus> extraBuses = new ArrayList<>();

	Scenario(String name, String transport, Path dir, int partitions) {
		this(name, transport, dir, partitions, "classic");
	}

	/**
	 * @param groupProtocol Kafka consumer group protocol of the consumers, {@code classic} or
	 * {@code consumer} (then the broker owns session timeout and heartbeats)
	 */
	Scenario(String name, String transport, Path dir, int partitions, String groupProtocol) {
		this.name = name + "-" + transport + (groupProtocol.equals("classic") ? "" : "-" + groupProtocol);
		this.groupProtocol = groupProtocol;
		this.transport = transport;
		this.dir = dir;
		this.topic = name.replaceAll("[^a-z0-9]", "-");
		if (transport.equals("kafka")) {
			this.kafka = new KafkaBroker(dir.resolve("kafka"), partitions, "768m");
			this.nats = null;
			this.kafka.start();
			this.kafka.createTopics(partitions, this.topic, this.topic + "-dlt");
		}
		else {
			this.kafka = null;
			this.nats = NatsServerProcess.prepare(dir.resolve("nats"), Scenario.NATS_MAX_PAYLOAD_BYTES);
			this.nats.start();
		}
		this.producerJournalFile = dir.resolve("producer.journal");
		this.producerJournal = new Journal(this.producerJournalFile);
		this.warmups = (this.kafka != null) ? warmUp(partitions) : 0;
	}

	/**
	 * Writes one valid event to each partition, one at a time, and journals it as accepted. A burst
	 * of idempotent publishes into a topic created a moment ago could meet NOT_LEADER_OR_FOLLOWER and
	 * then retry OUT_OF_ORDER_SEQUENCE_NUMBER until the delivery timeout, although describeTopics
	 * already showed every leader; a single write per partition settles that first.
	 * @return how many warm-up events were written (they are handled like any other)
	 */
	private int warmUp(int partitions) {
		EnvelopeCodec codec = new EnvelopeCodec(new JsonPayloadCodec());
		try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
				Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers(), ProducerConfig.ACKS_CONFIG, "all"),
				new StringSerializer(), new ByteArraySerializer())) {
			for (int partition = 0; partition < partitions; partition++) {
				String key = "w-" + partition;
				Envelope<ReliabilityEvent> envelope = Envelope
					.builder(ReliabilityEvent.TYPE, new ReliabilityEvent(key, 0, System.currentTimeMillis(), ""))
					.aggregateId(key)
					.source("reliability-warm-up")
					.build();
				WireMessage wire = codec.encode(envelope, HeaderStyle.KAFKA);
				ProducerRecord<String, byte[]> record = new ProducerRecord<>(this.topic, partition, key, wire.payload());
				wire.headers().forEach((name, value) -> record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
				producer.send(record).get(60, TimeUnit.SECONDS);
				this.producerJournal.append("A", envelope.eventId(), key, 0);
			}
		}
		catch (Exception ex) {
			throw new IllegalStateException("warming up the partitions of " + this.topic + " failed", ex);
		}
		return partitions;
	}

	/**
	 * @param events events the test published
	 * @return the accepted publishes to expect: the test's plus the warm-up events
	 */
	int expectedAccepted(int events) {
		return events + this.warmups;
	}

	/** @return events scaled for this run */
	static int scaled(int base) {
		return base * Integer.getInteger("reliability.scale", 1);
	}

	String topic() {
		return this.topic;
	}

	String servers() {
		return (this.kafka != null) ? this.kafka.bootstrapServers() : this.nats.url();
	}

	KafkaBroker kafka() {
		if (this.kafka == null) {
			throw new IllegalStateException("not a Kafka scenario");
		}
		return this.kafka;
	}

	/**
	 * Asserts that the consumers' group ({@code reliability}) really runs the given protocol: the
	 * broker names the group's type after it.
	 * @param groupProtocol {@code classic} or {@code consumer}
	 */
	void assertGroupType(String groupProtocol) {
		GroupType expected = groupProtocol.equals("classic") ? GroupType.CLASSIC : GroupType.CONSUMER;
		try (Admin admin = kafka().admin()) {
			await("the group is a " + expected + " group").atMost(Duration.ofSeconds(30))
				.ignoreExceptions()
				.until(() -> admin.describeConsumerGroups(List.of("reliability"))
					.all()
					.get(10, TimeUnit.SECONDS)
					.get("reliability")
					.type() == expected);
		}
	}

	/**
	 * @param transport {@code kafka} or {@code nats}
	 * @param groupProtocol the Kafka consumer group protocol
	 * @return the report note's prefix naming a non-default protocol, else empty
	 */
	static String protocolNote(String transport, String groupProtocol) {
		return (transport.equals("kafka") && !groupProtocol.equals("classic"))
				? "Consumer protocol (group.protocol=" + groupProtocol + "). " : "";
	}

	NatsServerProcess nats() {
		if (this.nats == null) {
			throw new IllegalStateException("not a NATS scenario");
		}
		return this.nats;
	}

	/** Settings shared by the consumers and the producer: fast failure detection on loopback. */
	Map<String, String> busSettings() {
		Map<String, String> settings = new LinkedHashMap<>();
		settings.put("transport", this.transport);
		settings.put("servers", servers());
		settings.put("shutdownMs", "10000");
		if (this.transport.equals("kafka")) {
			if (this.groupProtocol.equals("classic")) {
				// A SIGKILLed member leaves the group after the session timeout (6 s is the broker minimum).
				settings.put("sessionTimeoutMs", "6000");
				settings.put("heartbeatMs", "1000");
			}
			else {
				// the broker owns them (KafkaBroker sets the same 6 s / 1 s for consumer-protocol groups)
				settings.put("groupProtocol", this.groupProtocol);
			}
		}
		else {
			// Events a killed consumer had in flight are redelivered after the ack wait.
			settings.put("ackWaitMs", "5000");
			settings.put("reconnectWaitMs", "500");
		}
		return settings;
	}

	/**
	 * Adds (and starts) a consumer JVM.
	 * @param heap its {@code -Xmx}
	 * @param extra settings on top of {@link #busSettings()} (workers, delays, ...)
	 * @return the consumer
	 */
	ConsumerProcess startConsumer(String heap, Map<String, String> extra) {
		Map<String, String> arguments = busSettings();
		arguments.put("topic", this.topic);
		arguments.put("group", "reliability");
		arguments.putAll(extra);
		ConsumerProcess consumer = new ConsumerProcess(this.dir, "consumer-" + (this.consumers.size() + 1), heap,
				arguments);
		this.consumers.add(consumer);
		consumer.start();
		awaitSubscribed(consumer);
		return consumer;
	}

	/**
	 * Restarts a consumer and waits until it subscribed again.
	 * @param consumer a stopped or killed consumer of this scenario
	 */
	void restart(ConsumerProcess consumer) {
		int before = subscribedMarks(consumer);
		consumer.start();
		await("consumer restart").atMost(PROGRESS_TIMEOUT).until(() -> {
			failIfDead(consumer);
			return subscribedMarks(consumer) > before;
		});
	}

	private void awaitSubscribed(ConsumerProcess consumer) {
		await(consumer + " subscribes").atMost(PROGRESS_TIMEOUT).until(() -> {
			failIfDead(consumer);
			return subscribedMarks(consumer) > 0;
		});
	}

	private static int subscribedMarks(ConsumerProcess consumer) {
		try {
			if (!Files.exists(consumer.journal())) {
				return 0;
			}
			try (var lines = Files.lines(consumer.journal())) {
				return (int) lines.filter((line) -> line.startsWith("S,") && line.endsWith(",subscribed")).count();
			}
		}
		catch (IOException | UncheckedIOException ex) {
			return 0;
		}
	}

	static void failIfDead(ConsumerProcess consumer) {
		if (!consumer.isAlive()) {
			throw new AssertionError(consumer + " exited with " + consumer.exitCode() + ":\n" + consumer.tail());
		}
	}

	List<ConsumerProcess> consumers() {
		return this.consumers;
	}

	/**
	 * The producer bus in the test JVM, created on first use.
	 * @param extra settings on top of {@link #busSettings()}
	 * @return the bus
	 */
	EventBus producerBus(Map<String, String> extra) {
		if (this.producerBus == null) {
			Map<String, String> settings = busSettings();
			settings.putAll(extra);
			this.producerExecutor = KeyedExecutor.create(KeyedExecutorOptions.builder().workers(2)
				.threadNamePrefix("reliability-producer-keyed").build());
			this.producerBus = Buses.create(settings, this.producerExecutor);
		}
		return this.producerBus;
	}

	/**
	 * Another bus in the test JVM (for example with provisioning off), closed with the scenario.
	 * @param extra settings on top of {@link #busSettings()}
	 * @return the bus
	 */
	EventBus extraBus(Map<String, String> extra) {
		producerBus(Map.of());
		Map<String, String> settings = busSettings();
		settings.putAll(extra);
		EventBus bus = Buses.create(settings, this.producerExecutor);
		this.extraBuses.add(bus);
		return bus;
	}

	/** @return the producer journal, for publishes made outside a {@link LoadProducer} */
	Journal producerJournal() {
		return this.producerJournal;
	}

	LoadProducer producer(EventBus bus, int events, int keys, int payloadBytes, int perSecond) {
		return new LoadProducer(bus, this.topic, events, keys, payloadBytes, perSecond, this.producerJournal);
	}

	/**
	 * Waits until the producer has an outcome for every publish; fails when it makes no progress
	 * within {@link #PROGRESS_TIMEOUT}.
	 * @param producer the producer
	 * @param done its completion
	 */
	void awaitProduced(LoadProducer producer, CompletableFuture<Void> done) {
		int[] last = { -1 };
		long[] lastProgress = { System.nanoTime() };
		await(this.name + " publishes").atMost(PROGRESS_TIMEOUT.multipliedBy(5)).pollInterval(Duration.ofMillis(200))
			.until(() -> {
				int outcomes = producer.acknowledged() + producer.failed();
				if (outcomes > last[0]) {
					last[0] = outcomes;
					lastProgress[0] = System.nanoTime();
				}
				else if (System.nanoTime() - lastProgress[0] > PROGRESS_TIMEOUT.toNanos()) {
					throw new AssertionError("producer made no progress for " + PROGRESS_TIMEOUT + ": " + producer);
				}
				return done.isDone();
			});
		done.join();
	}

	Verifier.Report verify() {
		List<Path> journals = new ArrayList<>();
		for (ConsumerProcess consumer : this.consumers) {
			journals.add(consumer.journal());
		}
		return Verifier.verify(List.of(this.producerJournalFile), journals);
	}

	/**
	 * Waits until every accepted publish was handled; fails (with the verifier's table) when the
	 * consumers make no progress within {@link #PROGRESS_TIMEOUT}.
	 * @param producer the run's producer, which must have finished
	 * @return the final report
	 */
	Verifier.Report awaitAllHandled(LoadProducer producer) {
		int[] lastHandled = { -1 };
		long[] lastProgress = { System.nanoTime() };
		Verifier.Report[] last = { verify() };
		// Reading the journals costs more as volumes grow: poll less often in the soak.
		Duration poll = Duration.ofMillis(Math.min(5_000, 500L * Integer.getInteger("reliability.scale", 1)));
		await(this.name + " handles every accepted event").atMost(PROGRESS_TIMEOUT.multipliedBy(10))
			.pollInterval(poll)
			.until(() -> {
				Verifier.Report report = verify();
				last[0] = report;
				if (report.handled() > lastHandled[0]) {
					lastHandled[0] = report.handled();
					lastProgress[0] = System.nanoTime();
				}
				else if (System.nanoTime() - lastProgress[0] > PROGRESS_TIMEOUT.toNanos()) {
					throw new AssertionError("no progress for " + PROGRESS_TIMEOUT + " (hung consumer?)\n"
							+ report.toTable(this.name) + "\n" + consumerStates());
				}
				return report.accepted() + report.failedPublishes() >= producer.sent() + this.warmups
						&& report.lost() == 0;
			});
		return last[0];
	}

	String consumerStates() {
		StringBuilder states = new StringBuilder();
		for (ConsumerProcess consumer : this.consumers) {
			states.append(consumer).append(" log tail:\n").append(consumer.tail()).append('\n');
		}
		return states.toString();
	}

	/**
	 * Prints the table and appends it to {@code target/reliability-report.md} for the docs.
	 * @param report the final report
	 * @param notes what happened in this run
	 */
	void record(Verifier.Report report, String notes) {
		String table = "\n### " + this.name + "\n\n" + notes + "\n\n" + report.toTable(this.name) + "\n";
		System.out.println(table);
		try {
			Path out = Path.of(System.getProperty("reliability.report", "target/reliability-report.md"));
			Files.createDirectories(out.toAbsolutePath().getParent());
			Files.writeString(out, table, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void close() {
		for (ConsumerProcess consumer : this.consumers) {
			consumer.close();
		}
		for (EventBus bus : this.extraBuses) {
			bus.close();
		}
		if (this.producerBus != null) {
			this.producerBus.close();
		}
		if (this.producerExecutor != null) {
			this.producerExecutor.close();
		}
		this.producerJournal.close();
		if (this.kafka != null) {
			this.kafka.close();
		}
		if (this.nats != null) {
			this.nats.close();
		}
	}

}

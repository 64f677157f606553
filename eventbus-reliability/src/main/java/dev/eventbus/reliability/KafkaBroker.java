package dev.eventbus.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;

/**
 * A single-node KRaft Kafka broker (combined broker and controller) in its own JVM, run from the
 * {@code kafka_2.13} jars on this module's classpath with main class {@code kafka.Kafka}. The log
 * dir is formatted once with {@code kafka.tools.StorageTool}; {@link #kill()} is SIGKILL and
 * {@link #start()} afterwards restarts on the same log dir and ports.
 *
 * <p>Not thread-safe: driven by the test thread.
 */
public final class KafkaBroker implements AutoCloseable {

	/** Largest record batch the broker accepts ({@code message.max.bytes}). */
	public static final int MAX_MESSAGE_BYTES = 1_048_576;

	private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

	private final Path dir;

	private final Path config;

	private final int port;

	private final int controllerPort;

	private final String heap;

	private final ChildProcess process;

	private int starts;

	/**
	 * Prepares (but does not start) a broker in the given folder.
	 * @param dir state folder: config, log dir, broker output
	 * @param partitions partitions of auto-created topics
	 * @param heap the broker's {@code -Xmx} value, for example {@code 512m}
	 */
	public KafkaBroker(Path dir, int partitions, String heap) {
		this.dir = dir;
		this.config = dir.resolve("server.properties");
		this.port = Ports.free();
		this.controllerPort = Ports.free();
		this.heap = heap;
		this.process = new ChildProcess("kafka broker", dir.resolve("broker.log"));
		try {
			Files.createDirectories(dir.resolve("data"));
			Files.writeString(this.config, serverProperties(partitions));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("could not prepare the broker folder " + dir, ex);
		}
		format();
	}

	/** @return {@code 127.0.0.1:<port>} */
	public String bootstrapServers() {
		return "127.0.0.1:" + this.port;
	}

	/** @return the broker's output file */
	public Path log() {
		return this.process.log();
	}

	/** @return whether the broker process runs */
	public boolean isAlive() {
		return this.process.isAlive();
	}

	/** Starts (or restarts) the broker and waits until it answers describeCluster. */
	public void start() {
		this.starts++;
		List<String> command = new ArrayList<>(List.of(ChildProcess.javaExecutable(), "-Xms128m", "-Xmx" + this.heap,
				"-XX:+UseG1GC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true",
				"-cp", System.getProperty("java.class.path"), "kafka.Kafka", this.config.toString()));
		appendToLog("---- start #" + this.starts + " on " + bootstrapServers());
		this.process.launch(command);
		awaitReady();
	}

	/** SIGKILL: the broker gets no chance to flush or to leave the cluster cleanly. */
	public void kill() {
		this.process.kill();
	}

	/**
	 * Creates topics (and waits until they exist).
	 * @param partitions partitions per topic
	 * @param topics names
	 */
	public void createTopics(int partitions, String... topics) {
		try (Admin admin = admin()) {
			List<NewTopic> newTopics = new ArrayList<>();
			for (String topic : topics) {
				newTopics.add(new NewTopic(topic, partitions, (short) 1));
			}
			admin.createTopics(newTopics).all().get(60, TimeUnit.SECONDS);
			// Publishing before every partition has a leader makes the idempotent producer retry with
			// NOT_LEADER_OR_FOLLOWER, then OUT_OF_ORDER_SEQUENCE_NUMBER until its delivery timeout.
			long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
			while (!allLed(admin, List.of(topics))) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("partitions of " + List.of(topics) + " have no leader after 60 s");
				}
				pause(100);
			}
		}
		catch (Exception ex) {
			throw new IllegalStateException("could not create topics " + List.of(topics) + " on " + bootstrapServers(), ex);
		}
	}

	private static boolean allLed(Admin admin, List<String> topics) throws Exception {
		for (TopicDescription description : admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS)
			.values()) {
			for (TopicPartitionInfo partition : description.partitions()) {
				if (partition.leader() == null || partition.leader().isEmpty()) {
					return false;
				}
			}
		}
		return true;
	}

	/** @return an admin client for this broker; close it */
	public Admin admin() {
		return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
				AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000));
	}

	@Override
	public void close() {
		this.process.stop(Duration.ofSeconds(20));
	}

	private void format() {
		Path formatLog = this.dir.resolve("format.log");
		ChildProcess storageTool = new ChildProcess("kafka storage format", formatLog);
		storageTool.launch(List.of(ChildProcess.javaExecutable(), "-Xmx256m", "-cp", System.getProperty("java.class.path"),
				"kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(), "-c", this.config.toString()));
		long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
		while (storageTool.isAlive() && System.nanoTime() < deadline) {
			pause(100);
		}
		Integer exit = storageTool.exitCode();
		if (exit == null || exit != 0) {
			storageTool.kill();
			throw new IllegalStateException("formatting the Kafka log dir failed (exit " + exit + "); see " + formatLog
					+ ":\n" + tail(formatLog));
		}
	}

	private void awaitReady() {
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		Exception last = null;
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException("the Kafka broker exited during start-up (exit " + this.process.exitCode()
						+ "); see " + log() + ":\n" + tail(log()));
			}
			if (Ports.open(this.port)) {
				try (Admin admin = admin()) {
					if (!admin.describeCluster(new DescribeClusterOptions().timeoutMs(3000)).nodes().get(5, TimeUnit.SECONDS)
						.isEmpty()) {
						return;
					}
				}
				catch (Exception ex) {
					last = ex;
				}
			}
			pause(250);
		}
		throw new IllegalStateException("the Kafka broker is not ready after " + START_TIMEOUT + " on " + bootstrapServers()
				+ " (last error: " + last + "); see " + log());
	}

	private String serverProperties(int partitions) {
		return String.join("\n", "process.roles=broker,controller", "node.id=1",
				"controller.quorum.voters=1@127.0.0.1:" + this.controllerPort,
				"listeners=PLAINTEXT://127.0.0.1:" + this.port + ",CONTROLLER://127.0.0.1:" + this.controllerPort,
				"advertised.listeners=PLAINTEXT://127.0.0.1:" + this.port, "controller.listener.names=CONTROLLER",
				"inter.broker.listener.name=PLAINTEXT",
				"listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
				"log.dirs=" + this.dir.resolve("data"), "num.partitions=" + partitions, "default.replication.factor=1",
				"min.insync.replicas=1", "offsets.topic.replication.factor=1", "offsets.topic.num.partitions=4",
				"transaction.state.log.replication.factor=1", "transaction.state.log.min.isr=1",
				"share.coordinator.state.topic.replication.factor=1", "share.coordinator.state.topic.min.isr=1",
				"group.initial.rebalance.delay.ms=0", "auto.create.topics.enable=false",
				// consumer group protocol (KIP-848): the broker owns session and heartbeat; same bounds as
				// the classic clients of the suite get (6 s session, 1 s heartbeats)
				"group.consumer.min.session.timeout.ms=6000", "group.consumer.session.timeout.ms=6000",
				"group.consumer.min.heartbeat.interval.ms=1000", "group.consumer.heartbeat.interval.ms=1000",
				"message.max.bytes=" + MAX_MESSAGE_BYTES, "log.segment.bytes=67108864", "num.network.threads=2",
				"num.io.threads=4", "background.threads=2", "");
	}

	private void appendToLog(String line) {
		try {
			Files.writeString(log(), line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static String tail(Path file) {
		try {
			List<String> lines = Files.readAllLines(file);
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
		}
		catch (IOException ex) {
			return "(no output: " + ex.getMessage() + ")";
		}
	}

	static void pause(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted", ex);
		}
	}

}

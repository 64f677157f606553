package dev.eventbus.sample;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.EventBus;
import dev.eventbus.sample.orders.OrderBook;
import dev.eventbus.sample.orders.OrderPlaced;
import dev.eventbus.sample.orders.OrderTopics;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code scripts/kafka.sh} and {@code scripts/nats.sh} as a user runs them: start the broker on a free
 * port with its state in a temporary folder, run the sample app with the {@code kafka} or
 * {@code nats} profile against it, publish and handle an order, then stop the broker and check that
 * its process is gone. The Kafka test is skipped, saying why, only when Maven cannot resolve the
 * broker jars; the NATS test only when no {@code nats-server} is installed.
 */
class LocalBrokerScriptsTests {

	private static final Path SCRIPTS = Path.of("..", "scripts").toAbsolutePath().normalize();

	@TempDir
	Path dir;

	private final List<Runnable> cleanups = new ArrayList<>();

	@AfterEach
	void cleanUp() {
		this.cleanups.forEach(Runnable::run);
	}

	@Test
	void kafkaScriptStartsABrokerTheKafkaProfilePublishesAndHandlesThroughAndStopStopsIt() throws Exception {
		int port = freePort();
		int controllerPort = freePort();
		Map<String, String> env = Map.of("KAFKA_PORT", Integer.toString(port), "KAFKA_CONTROLLER_PORT",
				Integer.toString(controllerPort), "KAFKA_DIR", this.dir.resolve("kafka").toString(), "KAFKA_HEAP_OPTS",
				"-Xms128m -Xmx512m");
		this.cleanups.add(() -> script("kafka.sh", env, "stop"));

		Result start = script("kafka.sh", env, "start");
		assumeThat(start.output()).as("the Kafka broker jars could not be resolved by Maven:%n%s", start.output())
			.doesNotContain("could not resolve org.apache.kafka");
		assertThat(start.exitCode()).as(start.output()).isZero();
		assertThat(start.output()).contains("started (pid").contains("127.0.0.1:" + port);
		Result again = script("kafka.sh", env, "start");
		assertThat(again.exitCode()).isZero();
		assertThat(again.output()).contains("already running");
		assertThat(script("kafka.sh", env, "status").exitCode()).isZero();
		long pid = Long.parseLong(Files.readString(this.dir.resolve("kafka/kafka.pid")).trim());

		publishAndHandleAnOrder("kafka", "--eventbus.kafka.bootstrap-servers=127.0.0.1:" + port);

		stopAndCheckGone("kafka.sh", env, pid);
	}

	@Test
	void natsScriptStartsAServerTheNatsProfilePublishesAndHandlesThroughAndStopStopsIt() throws Exception {
		Result probe = run(List.of("bash", "-c", "command -v nats-server || ls /usr/sbin/nats-server"), Map.of());
		assumeThat(probe.exitCode()).as("nats-server is not installed (apt-get install nats-server)").isZero();
		int port = freePort();
		Map<String, String> env = Map.of("NATS_PORT", Integer.toString(port), "NATS_DIR",
				this.dir.resolve("nats").toString());
		this.cleanups.add(() -> script("nats.sh", env, "stop"));

		Result start = script("nats.sh", env, "start");
		assertThat(start.exitCode()).as(start.output()).isZero();
		assertThat(start.output()).contains("started (pid").contains("nats://127.0.0.1:" + port);
		assertThat(script("nats.sh", env, "start").output()).contains("already running");
		assertThat(script("nats.sh", env, "status").exitCode()).isZero();
		long pid = Long.parseLong(Files.readString(this.dir.resolve("nats/nats.pid")).trim());

		publishAndHandleAnOrder("nats", "--eventbus.nats.servers=nats://127.0.0.1:" + port);

		stopAndCheckGone("nats.sh", env, pid);
	}

	private void publishAndHandleAnOrder(String profile, String serverArgument) throws Exception {
		SpringApplication application = new SpringApplication(SampleApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setAdditionalProfiles(profile);
		try (ConfigurableApplicationContext context = application.run(serverArgument)) {
			assertThat(context.getEnvironment().getProperty("eventbus.sample.embedded-kafka.bootstrap-servers"))
				.as("no embedded broker with the " + profile + " profile")
				.isNull();
			EventBus bus = context.getBean(EventBus.class);
			assertThat(bus.transport()).isEqualTo(profile);
			OrderBook book = context.getBean(OrderBook.class);
			String orderId = "ord-script-" + profile + "-" + System.nanoTime();
			OrderPlaced placed = new OrderPlaced(orderId, "dora", BigDecimal.TEN, List.of("pen"));
			bus.publish(OrderTopics.ORDERS, Envelope.of(orderId, OrderPlaced.TYPE, placed)).get(60, TimeUnit.SECONDS);
			await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(book.find(orderId))
				.hasValueSatisfying((view) -> {
					assertThat(view.invoice()).isEqualTo("INV-" + orderId);
					assertThat(view.audit()).hasSize(1);
				}));
		}
	}

	private void stopAndCheckGone(String script, Map<String, String> env, long pid) {
		Result stop = script(script, env, "stop");
		assertThat(stop.exitCode()).as(stop.output()).isZero();
		assertThat(stop.output()).contains("stopped (pid " + pid + ")");
		assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
		assertThat(script(script, env, "status").exitCode()).isEqualTo(3);
		assertThat(script(script, env, "stop").output()).contains("not running");
	}

	private Result script(String script, Map<String, String> env, String command) {
		return run(List.of("bash", SCRIPTS.resolve(script).toString(), command), env);
	}

	private Result run(List<String> commandLine, Map<String, String> env) {
		String command = String.join(" ", commandLine);
		try {
			ProcessBuilder builder = new ProcessBuilder(commandLine).redirectErrorStream(true);
			builder.environment().putAll(env);
			Process process = builder.start();
			byte[] output = process.getInputStream().readAllBytes();
			if (!process.waitFor(5, TimeUnit.MINUTES)) {
				process.destroyForcibly();
				throw new IllegalStateException(command + " did not finish within 5 minutes");
			}
			return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot run " + command + ": " + ex.getMessage(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	record Result(int exitCode, String output) {
	}

}

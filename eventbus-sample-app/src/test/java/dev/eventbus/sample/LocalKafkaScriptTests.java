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
import dev.eventbus.sample.orders.OrderView;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code scripts/kafka.sh} as a user runs it: start a standalone KRaft broker from the Maven Central
 * jars on a free port, run the sample app with the {@code kafka} profile against it, publish and
 * handle orders, then stop the broker. Skipped, saying why, only when the broker jars cannot be
 * resolved by Maven (no Maven, no network and an empty local repository).
 */
class LocalKafkaScriptTests {

	private static final Path SCRIPT = Path.of("..", "scripts", "kafka.sh").toAbsolutePath().normalize();

	@TempDir
	Path dir;

	private final List<Runnable> cleanups = new ArrayList<>();

	@AfterEach
	void cleanUp() {
		this.cleanups.forEach(Runnable::run);
	}

	@Test
	void scriptStartsABrokerTheKafkaProfilePublishesAndHandlesThroughAndStopStopsIt() throws Exception {
		int port = freePort();
		int controllerPort = freePort();
		Map<String, String> env = Map.of("KAFKA_PORT", Integer.toString(port), "KAFKA_CONTROLLER_PORT",
				Integer.toString(controllerPort), "KAFKA_DIR", this.dir.resolve("kafka").toString(), "KAFKA_HEAP_OPTS",
				"-Xms128m -Xmx512m");
		this.cleanups.add(() -> script(env, "stop"));

		Result start = script(env, "start");
		assumeThat(start.output()).as("the Kafka broker jars could not be resolved by Maven:%n%s", start.output())
			.doesNotContain("could not resolve org.apache.kafka");
		assertThat(start.exitCode()).as(start.output()).isZero();
		assertThat(start.output()).contains("started (pid").contains("127.0.0.1:" + port);
		Result again = script(env, "start");
		assertThat(again.exitCode()).isZero();
		assertThat(again.output()).contains("already running");
		assertThat(script(env, "status").exitCode()).isZero();
		long pid = Long.parseLong(Files.readString(this.dir.resolve("kafka/kafka.pid")).trim());

		SpringApplication application = new SpringApplication(SampleApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setAdditionalProfiles("kafka");
		try (ConfigurableApplicationContext context = application
			.run("--eventbus.kafka.bootstrap-servers=127.0.0.1:" + port)) {
			assertThat(context.getEnvironment().getProperty("eventbus.sample.embedded-kafka.bootstrap-servers"))
				.as("no embedded broker with the kafka profile")
				.isNull();
			EventBus bus = context.getBean(EventBus.class);
			assertThat(bus.transport()).isEqualTo("kafka");
			OrderBook book = context.getBean(OrderBook.class);
			String orderId = "ord-script-" + port;
			OrderPlaced placed = new OrderPlaced(orderId, "dora", BigDecimal.TEN, List.of("pen"));
			bus.publish(OrderTopics.ORDERS, Envelope.of(orderId, OrderPlaced.TYPE, placed)).get(60, TimeUnit.SECONDS);
			await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
				OrderView view = book.find(orderId).orElseThrow();
				assertThat(view.invoice()).isEqualTo("INV-" + orderId);
				assertThat(view.audit()).hasSize(1);
			});
		}

		Result stop = script(env, "stop");
		assertThat(stop.exitCode()).as(stop.output()).isZero();
		assertThat(stop.output()).contains("stopped (pid " + pid + ")");
		assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
		Result status = script(env, "status");
		assertThat(status.exitCode()).isEqualTo(3);
		assertThat(script(env, "stop").output()).contains("not running");
	}

	private Result script(Map<String, String> env, String command) {
		try {
			ProcessBuilder builder = new ProcessBuilder("bash", SCRIPT.toString(), command).redirectErrorStream(true);
			builder.environment().putAll(env);
			Process process = builder.start();
			byte[] output = process.getInputStream().readAllBytes();
			if (!process.waitFor(5, TimeUnit.MINUTES)) {
				process.destroyForcibly();
				throw new IllegalStateException("scripts/kafka.sh " + command + " did not finish within 5 minutes");
			}
			return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot run " + SCRIPT + ": " + ex.getMessage(), ex);
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

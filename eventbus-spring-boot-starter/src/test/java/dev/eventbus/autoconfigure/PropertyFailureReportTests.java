package dev.eventbus.autoconfigure;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Import;

import dev.eventbus.core.api.EventHandler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/**
 * Start-up failures caused by a property: the report names the property the user wrote
 * ({@code eventbus.shutdown-timeout}, {@code eventbus.retry.initial-backoff}), never a core option
 * name, and a NATS server without JetStream is reported as such.
 */
@ExtendWith(OutputCaptureExtension.class)
class PropertyFailureReportTests {

	@Test
	void negativeShutdownTimeoutNamesTheProperty(CapturedOutput output) {
		runWith(App.class, "eventbus.shutdown-timeout=-1s");
		assertThat(output).contains("Invalid event bus configuration (property eventbus.shutdown-timeout)")
			.contains("eventbus.shutdown-timeout must not be negative but was PT-1S")
			.doesNotContain("shutdownTimeout");
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "eventbus.retry.initial-backoff=-1s|eventbus.retry.initial-backoff",
			"eventbus.retry.max-backoff=1ms|eventbus.retry.max-backoff",
			"eventbus.retry.max-backoff=2d|eventbus.retry.max-backoff",
			"eventbus.retry.max-attempts=0|eventbus.retry.max-attempts",
			"eventbus.retry.multiplier=0.5|eventbus.retry.multiplier" })
	void invalidRetryDefaultNamesThePropertyNotAHandler(String property, String name, CapturedOutput output) {
		runWith(HandlerApp.class, property);
		assertThat(output).contains("Invalid event bus configuration (property " + name + ")")
			.doesNotContain("@EventHandler method")
			.doesNotContain("initialBackoff")
			.doesNotContain("maxBackoff")
			.doesNotContain("maxAttempts");
	}

	@Test
	void invalidRetryDefaultIsReportedWithoutAnyHandler(CapturedOutput output) {
		runWith(App.class, "eventbus.retry.initial-backoff=-1s");
		assertThat(output).contains("Invalid event bus configuration (property eventbus.retry.initial-backoff)");
	}

	@Test
	void natsServerWithoutJetStreamIsReportedWithTheFix(CapturedOutput output) throws Exception {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		Path log = Files.createTempFile("nats-no-js", ".log");
		Process server = new ProcessBuilder("/usr/sbin/nats-server", "-a", "127.0.0.1", "-p", String.valueOf(port))
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		try {
			int serverPort = port;
			await().atMost(Duration.ofSeconds(20)).until(() -> accepts(serverPort));
			String url = "nats://127.0.0.1:" + port;
			runWith(HandlerApp.class, "eventbus.transport=nats", "eventbus.nats.servers=" + url,
					"eventbus.nats.connection-timeout=2s", "eventbus.nats.request-timeout=2s");
			assertThat(output).contains("JetStream is not enabled on " + url + ": start nats-server with -js");
		}
		finally {
			server.destroy();
			server.waitFor();
			Files.deleteIfExists(log);
		}
	}

	private static boolean accepts(int port) {
		try (Socket socket = new Socket("127.0.0.1", port)) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static void runWith(Class<?> app, String... properties) {
		assertThatException().isThrownBy(() -> new SpringApplicationBuilder(app)
			.web(WebApplicationType.NONE)
			.properties("spring.application.name=property-report", "eventbus.executor.workers=1")
			.properties(properties)
			.run()
			.close());
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class App {

	}

	static class Handler {

		@EventHandler("property-report-orders")
		void on(String event) {
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(Handler.class)
	static class HandlerApp {

	}

}

package dev.eventbus.autoconfigure;

import java.net.ServerSocket;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

import dev.eventbus.core.api.EventHandler;
import dev.eventbus.test.broker.NatsServerProcess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/**
 * The user-info of a server address ({@code nats://user:secret@host:port}) is never shown: not in
 * {@code /actuator/health}, not in {@code /actuator/eventbus}, not in the log, not in a start-up
 * failure. Kafka, which ignores user-info, rejects it naming the property, without the secret.
 */
@ExtendWith(OutputCaptureExtension.class)
class ServerCredentialsRedactionTests {

	private static final String SECRET = "s3cr3tpw";

	@Test
	void natsPasswordInTheServerUrlAppearsInNoHealthEndpointOrLogOutput(CapturedOutput output) {
		try (NatsServerProcess server = NatsServerProcess.launch("--user", "user", "--pass", SECRET)) {
			String url = "nats://user:" + SECRET + "@127.0.0.1:" + server.port();
			String shown = "nats://***@127.0.0.1:" + server.port();
			try (ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class)
				.properties("spring.application.name=redaction", "server.port=0", "eventbus.transport=nats",
						"eventbus.nats.servers=" + url, "eventbus.executor.workers=1", "eventbus.shutdown-timeout=2s",
						"eventbus.nats.reconnect-wait=250ms", "eventbus.nats.connection-timeout=2s",
						"eventbus.nats.request-timeout=2s", "eventbus.health.timeout=2s",
						"management.endpoints.web.exposure.include=health,eventbus",
						"management.endpoint.health.show-details=always")
				.run()) {
				ActuatorClient actuator = new ActuatorClient(
						context.getEnvironment().getRequiredProperty("local.server.port", Integer.class));
				await().atMost(Duration.ofSeconds(30)).until(() -> "UP".equals(actuator.eventBusHealth()));
				String health = actuator.text("/actuator/health");
				String endpoint = actuator.text("/actuator/eventbus");
				assertThat(health).contains(shown).doesNotContain(SECRET);
				assertThat(endpoint).contains(shown).doesNotContain(SECRET);

				server.stop();
				await().atMost(Duration.ofSeconds(30)).until(() -> "DOWN".equals(actuator.eventBusHealth()));
				assertThat(actuator.text("/actuator/health")).doesNotContain(SECRET);
				assertThat(actuator.text("/actuator/eventbus")).doesNotContain(SECRET);
			}
		}
		assertThat(output).contains("connected to nats://***@127.0.0.1:").doesNotContain(SECRET);
	}

	@Test
	void natsStartUpFailureDoesNotShowThePassword(CapturedOutput output) throws Exception {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		runFailing("eventbus.transport=nats", "eventbus.nats.servers=nats://user:" + SECRET + "@127.0.0.1:" + port,
				"eventbus.nats.connection-timeout=500ms");
		assertThat(output).contains("nats://***@127.0.0.1:" + port).doesNotContain(SECRET);
	}

	@Test
	void kafkaUserInfoIsRejectedNamingThePropertyWithoutTheSecret(CapturedOutput output) {
		runFailing("eventbus.transport=kafka", "eventbus.kafka.bootstrap-servers=user:" + SECRET + "@127.0.0.1:9092");
		assertThat(output)
			.contains("Invalid event bus configuration (property eventbus.kafka.bootstrap-servers)")
			.contains("'***@127.0.0.1:9092' carries user-info")
			.contains("eventbus.kafka.security.username")
			.doesNotContain(SECRET);
	}

	private static void runFailing(String... properties) {
		assertThatException().isThrownBy(() -> new SpringApplicationBuilder(App.class)
			.web(WebApplicationType.NONE)
			.properties("spring.application.name=redaction", "eventbus.executor.workers=1")
			.properties(properties)
			.run()
			.close());
	}

	static class Handler {

		@EventHandler("redaction-orders")
		void on(String event) {
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(Handler.class)
	static class App {

	}

}

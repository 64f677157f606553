package dev.eventbus.autoconfigure;

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
import dev.eventbus.test.broker.NatsServerProcess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

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
	void natsServerWithoutJetStreamIsReportedWithTheFix(CapturedOutput output) {
		try (NatsServerProcess server = NatsServerProcess.launchWithoutJetStream()) {
			runWith(HandlerApp.class, "eventbus.transport=nats", "eventbus.nats.servers=" + server.url(),
					"eventbus.nats.connection-timeout=2s", "eventbus.nats.request-timeout=2s");
			assertThat(output).contains("JetStream is not enabled on " + server.url() + ": start nats-server with -js");
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

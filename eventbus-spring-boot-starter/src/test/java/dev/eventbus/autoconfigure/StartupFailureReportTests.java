package dev.eventbus.autoconfigure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Import;

import dev.eventbus.core.api.EventContext;
import dev.eventbus.core.api.EventHandler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * What a user sees when start-up fails: the failure analyzers registered in spring.factories print
 * the property or method at fault and the fix, ahead of Spring Boot's generic analysis.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupFailureReportTests {

	@Test
	void unknownTransportIsReportedWithTheAcceptedValues(CapturedOutput output) {
		run("eventbus.transport=kafak");
		assertThat(output).contains("The value 'kafak' of property eventbus.transport is invalid")
			.contains("Set eventbus.transport to one of: kafka, nats, memory.");
	}

	@Test
	void unknownScenarioIsReportedWithTheAcceptedValues(CapturedOutput output) {
		run("eventbus.scenario=fastest");
		assertThat(output).contains("eventbus.scenario")
			.contains("Set eventbus.scenario to one of: balanced, high-throughput, low-latency, high-reliability.");
	}

	@Test
	void kafkaContradictionIsReportedWithTheFix(CapturedOutput output) {
		run("eventbus.transport=kafka", "eventbus.kafka.bootstrap-servers=127.0.0.1:19092",
				"eventbus.kafka.producer.acks=1");
		assertThat(output).contains("Invalid event bus configuration (property eventbus.kafka.producer.idempotence)")
			.contains("Set eventbus.kafka.producer.acks=all");
	}

	@Test
	void invalidHandlerIsReportedNamingTheMethod(CapturedOutput output) {
		runWith(BadHandlerApp.class);
		assertThat(output).contains("@EventHandler method " + BadHandler.class.getName() + ".on(EventContext)")
			.contains("Declare the payload first");
	}

	private static void run(String... properties) {
		runWith(App.class, properties);
	}

	private static void runWith(Class<?> app, String... properties) {
		assertThatException().isThrownBy(() -> new SpringApplicationBuilder(app)
			.web(WebApplicationType.NONE)
			.properties("spring.application.name=failure-report", "eventbus.executor.workers=1")
			.properties(properties)
			.run()
			.close());
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class App {

	}

	static class BadHandler {

		@EventHandler("orders")
		void on(EventContext context) {
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(BadHandler.class)
	static class BadHandlerApp {

	}

}

package dev.eventbus.autoconfigure.kafka;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * What a user sees when an application sets a classic-only consumer setting together with
 * {@code eventbus.kafka.consumer.group-protocol=consumer}: the registered failure analyzer's report,
 * naming both properties and what to do.
 */
@ExtendWith(OutputCaptureExtension.class)
class GroupProtocolStartupFailureReportTests {

	@Test
	void sessionTimeoutWithTheConsumerProtocolIsReportedNamingBothProperties(CapturedOutput output) {
		assertThatException().isThrownBy(() -> new SpringApplicationBuilder(App.class)
			.web(WebApplicationType.NONE)
			.properties("spring.application.name=group-protocol-report", "eventbus.executor.workers=1",
					"eventbus.transport=kafka", "eventbus.kafka.bootstrap-servers=127.0.0.1:19092",
					"eventbus.kafka.consumer.group-protocol=consumer", "eventbus.kafka.consumer.session-timeout=30s")
			.run()
			.close());
		assertThat(output)
			.contains("Invalid event bus configuration (property eventbus.kafka.consumer.session-timeout)")
			.contains("eventbus.kafka.consumer.session-timeout is set but eventbus.kafka.consumer.group-protocol is "
					+ "consumer")
			.contains("Remove eventbus.kafka.consumer.session-timeout to use the consumer protocol")
			.contains("set eventbus.kafka.consumer.group-protocol=classic to keep it");
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class App {

	}

}

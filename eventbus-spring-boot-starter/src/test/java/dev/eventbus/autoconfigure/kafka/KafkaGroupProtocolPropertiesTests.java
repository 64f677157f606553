package dev.eventbus.autoconfigure.kafka;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.eventbus.autoconfigure.EventBusAutoConfiguration;
import dev.eventbus.autoconfigure.EventBusConfigurationException;
import dev.eventbus.autoconfigure.EventBusMemoryAutoConfiguration;
import dev.eventbus.autoconfigure.ScenarioEnvironmentPostProcessor;
import dev.eventbus.core.kafka.KafkaClientFactories;
import dev.eventbus.core.kafka.KafkaGroupProtocol;
import dev.eventbus.core.kafka.KafkaOptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/** {@code eventbus.kafka.consumer.group-protocol}: what reaches the client, and the contradictions that fail start-up. */
class KafkaGroupProtocolPropertiesTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EventBusMemoryAutoConfiguration.class,
				EventBusKafkaAutoConfiguration.class, EventBusAutoConfiguration.class))
		.withInitializer((context) -> ScenarioEnvironmentPostProcessor.apply(context.getEnvironment()))
		.withPropertyValues("spring.application.name=group-protocol", "eventbus.executor.workers=2",
				"eventbus.shutdown-timeout=1s", "eventbus.executor.shutdown-timeout=1s", "eventbus.transport=kafka",
				"eventbus.kafka.bootstrap-servers=127.0.0.1:19092");

	@Test
	void classicByDefaultWithTheDocumentedSessionTimeoutAndHeartbeat() {
		this.runner.run((context) -> {
			KafkaOptions options = context.getBean(KafkaOptions.class);
			assertThat(options.consumer().groupProtocol()).isEqualTo(KafkaGroupProtocol.CLASSIC);
			assertThat(KafkaClientFactories.consumerConfig(options, "g")).contains(entry("group.protocol", "classic"),
					entry("session.timeout.ms", 45000), entry("heartbeat.interval.ms", 3000));
		});
	}

	@Test
	void consumerProtocolWritesNoClassicOnlySettingAndTheRemoteAssignor() {
		this.runner
			.withPropertyValues("eventbus.kafka.consumer.group-protocol=consumer",
					"eventbus.kafka.consumer.group-remote-assignor=uniform")
			.run((context) -> {
				Map<String, Object> config = KafkaClientFactories.consumerConfig(context.getBean(KafkaOptions.class),
						"g");
				assertThat(config).contains(entry("group.protocol", "consumer"), entry("group.remote.assignor", "uniform"))
					.doesNotContainKeys("session.timeout.ms", "heartbeat.interval.ms", "partition.assignment.strategy");
			});
	}

	@Test
	void sessionTimeoutWithTheConsumerProtocolFailsStartUpNamingBothProperties() {
		this.runner
			.withPropertyValues("eventbus.kafka.consumer.group-protocol=consumer",
					"eventbus.kafka.consumer.session-timeout=30s")
			.run((context) -> {
				assertThat(context).hasFailed();
				EventBusConfigurationException failure = rootCause(context.getStartupFailure());
				assertThat(failure.property()).isEqualTo("eventbus.kafka.consumer.session-timeout");
				assertThat(failure.getMessage()).contains("eventbus.kafka.consumer.session-timeout is set but "
						+ "eventbus.kafka.consumer.group-protocol is consumer")
					.contains("group.consumer.session.timeout.ms");
				assertThat(failure.action()).contains("eventbus.kafka.consumer.group-protocol=classic");
			});
	}

	@Test
	void heartbeatOrRawAssignmentStrategyWithTheConsumerProtocolFailStartUpNamingBoth() {
		this.runner
			.withPropertyValues("eventbus.kafka.consumer.group-protocol=consumer",
					"eventbus.kafka.consumer.heartbeat-interval=1s")
			.run((context) -> assertThat(rootCause(context.getStartupFailure()).getMessage())
				.contains("eventbus.kafka.consumer.heartbeat-interval")
				.contains("eventbus.kafka.consumer.group-protocol"));
		this.runner
			.withPropertyValues("eventbus.kafka.consumer.group-protocol=consumer",
					"eventbus.kafka.consumer.properties[partition.assignment.strategy]=range")
			.run((context) -> assertThat(rootCause(context.getStartupFailure()).property())
				.isEqualTo("eventbus.kafka.consumer.properties.partition.assignment.strategy"));
	}

	@Test
	void remoteAssignorWithTheClassicProtocolFailsNamingBothProperties() {
		this.runner.withPropertyValues("eventbus.kafka.consumer.group-remote-assignor=uniform").run((context) -> {
			EventBusConfigurationException failure = rootCause(context.getStartupFailure());
			assertThat(failure.property()).isEqualTo("eventbus.kafka.consumer.group-remote-assignor");
			assertThat(failure.getMessage()).contains("eventbus.kafka.consumer.group-protocol is classic");
		});
	}

	@Test
	void classicStillChecksHeartbeatAgainstTheDefaultSessionTimeout() {
		this.runner.withPropertyValues("eventbus.kafka.consumer.heartbeat-interval=50s").run((context) -> {
			FailureAnalysis analysis = new EventBusKafkaAutoConfigurationTests.TestAnalyzer()
				.analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("eventbus.kafka.consumer.heartbeat-interval (PT50S)")
				.contains("eventbus.kafka.consumer.session-timeout (PT45S)");
		});
	}

	private static EventBusConfigurationException rootCause(Throwable failure) {
		assertThat(failure).isNotNull();
		Throwable cause = failure;
		while (!(cause instanceof EventBusConfigurationException) && cause.getCause() != null) {
			cause = cause.getCause();
		}
		assertThat(cause).isInstanceOf(EventBusConfigurationException.class);
		return (EventBusConfigurationException) cause;
	}

}

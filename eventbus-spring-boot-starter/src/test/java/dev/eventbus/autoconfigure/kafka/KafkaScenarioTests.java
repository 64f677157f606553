package dev.eventbus.autoconfigure.kafka;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.mock.env.MockEnvironment;

import dev.eventbus.autoconfigure.EventBusConfigurationException;
import dev.eventbus.autoconfigure.ScenarioEnvironmentPostProcessor;
import dev.eventbus.core.kafka.KafkaClientFactories;
import dev.eventbus.core.kafka.KafkaOptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Each scenario's effect on the real Kafka client configuration: properties bound from an
 * environment that went through {@link ScenarioEnvironmentPostProcessor}, mapped to
 * {@link KafkaOptions} and turned into client settings by {@link KafkaClientFactories}.
 */
class KafkaScenarioTests {

	@Test
	void withoutScenarioTheTunedDefaultsApply() {
		Map<String, Object> producer = producerConfig();
		assertThat(producer).containsEntry("compression.type", "lz4")
			.containsEntry("linger.ms", 10)
			.containsEntry("batch.size", 100 * 1024)
			.containsEntry("acks", "all")
			.containsEntry("enable.idempotence", true);
		Map<String, Object> consumer = consumerConfig();
		assertThat(consumer).containsEntry("fetch.min.bytes", 100 * 1024)
			.containsEntry("fetch.max.bytes", 10 * 1024 * 1024)
			.containsEntry("fetch.max.wait.ms", 500)
			.containsEntry("isolation.level", "read_uncommitted");
	}

	@Test
	void highThroughputBatchesMoreAndAcksOnTheLeader() {
		Map<String, Object> producer = producerConfig("eventbus.scenario=high-throughput");
		assertThat(producer).containsEntry("compression.type", "lz4")
			.containsEntry("linger.ms", 20)
			.containsEntry("batch.size", 256 * 1024)
			.containsEntry("acks", "1")
			.containsEntry("enable.idempotence", false)
			.containsEntry("max.in.flight.requests.per.connection", 10)
			.containsEntry("buffer.memory", 64L * 1024 * 1024);
		assertThat(consumerConfig("eventbus.scenario=high-throughput")).containsEntry("fetch.min.bytes", 100 * 1024)
			.containsEntry("fetch.max.bytes", 10 * 1024 * 1024)
			.containsEntry("fetch.max.wait.ms", 500)
			.containsEntry("max.poll.records", 1000);
	}

	@Test
	void balancedFlushesEvery20MillisecondsWithAllAcksAndShortFetchWaits() {
		assertThat(producerConfig("eventbus.scenario=balanced")).containsEntry("compression.type", "lz4")
			.containsEntry("linger.ms", 20)
			.containsEntry("batch.size", 100 * 1024)
			.containsEntry("acks", "all")
			.containsEntry("enable.idempotence", true);
		assertThat(consumerConfig("eventbus.scenario=balanced")).containsEntry("fetch.min.bytes", 10 * 1024)
			.containsEntry("fetch.max.wait.ms", 250);
	}

	@Test
	void lowLatencySendsAtOnceUncompressedAndFetchesSingleBytes() {
		assertThat(producerConfig("eventbus.scenario=low-latency")).containsEntry("compression.type", "none")
			.containsEntry("linger.ms", 0)
			.containsEntry("batch.size", 16 * 1024)
			.containsEntry("acks", "1")
			.containsEntry("enable.idempotence", false)
			.containsEntry("max.in.flight.requests.per.connection", 1);
		assertThat(consumerConfig("eventbus.scenario=low-latency")).containsEntry("fetch.min.bytes", 1)
			.containsEntry("fetch.max.wait.ms", 10);
	}

	@Test
	void highReliabilityIsIdempotentWithAllAcksAndReadsCommitted() {
		assertThat(producerConfig("eventbus.scenario=high-reliability")).containsEntry("acks", "all")
			.containsEntry("enable.idempotence", true)
			.containsEntry("max.in.flight.requests.per.connection", 5)
			.containsEntry("delivery.timeout.ms", 300_000);
		assertThat(consumerConfig("eventbus.scenario=high-reliability")).containsEntry("isolation.level",
				"read_committed");
	}

	@Test
	void explicitPropertiesWinOverThePresetEvenWhenTheyEqualTheDefault() {
		Map<String, Object> producer = producerConfig("eventbus.scenario=high-throughput",
				"eventbus.kafka.producer.acks=all", "eventbus.kafka.producer.flush-frequency=10ms");
		assertThat(producer).as("explicit acks beats the preset's acks=1").containsEntry("acks", "all");
		assertThat(producer).as("10ms is the default, but it is set explicitly so it beats the preset's 20ms")
			.containsEntry("linger.ms", 10);
		assertThat(producer).as("properties not set explicitly still come from the preset")
			.containsEntry("batch.size", 256 * 1024)
			.containsEntry("enable.idempotence", false);
	}

	@Test
	void genericPublishMaxBlockAppliesUnlessTheTransportsOwnIsSet() {
		assertThat(producerConfig("eventbus.publish.max-block=3s")).containsEntry("max.block.ms", 3000L);
		assertThat(producerConfig("eventbus.publish.max-block=3s", "eventbus.kafka.producer.max-block=7s"))
			.containsEntry("max.block.ms", 7000L);
	}

	@Test
	void idempotenceWithLeaderOnlyAcksFailsNamingBothPropertiesAndTheFix() {
		assertThatExceptionOfType(EventBusConfigurationException.class)
			.isThrownBy(() -> options("eventbus.kafka.producer.acks=1"))
			.satisfies((ex) -> {
				assertThat(ex.property()).isEqualTo("eventbus.kafka.producer.idempotence");
				assertThat(ex.getMessage()).contains("eventbus.kafka.producer.acks is '1'");
				assertThat(ex.action()).contains("eventbus.kafka.producer.acks=all")
					.contains("eventbus.kafka.producer.idempotence=false");
			});
	}

	@Test
	void fetchMinAboveFetchMaxFailsNamingTheProperty() {
		assertThatExceptionOfType(EventBusConfigurationException.class)
			.isThrownBy(() -> options("eventbus.kafka.consumer.fetch-min-size=20MB"))
			.satisfies((ex) -> {
				assertThat(ex.property()).isEqualTo("eventbus.kafka.consumer.fetch-min-size");
				assertThat(ex.getMessage()).contains("eventbus.kafka.consumer.fetch-max-size");
			});
	}

	@Test
	void missingBootstrapServersFailsUnlessSpringKafkaHasThem() {
		MockEnvironment environment = new MockEnvironment();
		assertThatExceptionOfType(EventBusConfigurationException.class)
			.isThrownBy(() -> KafkaOptionsMapper.map(bind(environment), environment))
			.satisfies((ex) -> {
				assertThat(ex.property()).isEqualTo("eventbus.kafka.bootstrap-servers");
				assertThat(ex.action()).contains("eventbus.kafka.bootstrap-servers=localhost:9092");
			});
		environment.setProperty("spring.kafka.bootstrap-servers", "broker-1:9092,broker-2:9092");
		assertThat(KafkaOptionsMapper.map(bind(environment), environment).bootstrapServers())
			.containsExactly("broker-1:9092", "broker-2:9092");
	}

	@Test
	void optionsRejectedByTheCoreNameTheProperty() {
		assertThatExceptionOfType(EventBusConfigurationException.class)
			.isThrownBy(() -> options("eventbus.kafka.producer.delivery-timeout=1ms"))
			.satisfies((ex) -> assertThat(ex.getMessage()).contains("eventbus.kafka.producer.delivery-timeout")
				.doesNotContain("kafka.producer.deliveryTimeout"));
	}

	static KafkaOptions options(String... properties) {
		MockEnvironment environment = new MockEnvironment();
		TestPropertyValues.of("eventbus.kafka.bootstrap-servers=localhost:9092").and(properties).applyTo(environment);
		ScenarioEnvironmentPostProcessor.apply(environment);
		return KafkaOptionsMapper.map(bind(environment), environment);
	}

	private static EventBusKafkaProperties bind(MockEnvironment environment) {
		return Binder.get(environment).bindOrCreate("eventbus.kafka", EventBusKafkaProperties.class);
	}

	private static Map<String, Object> producerConfig(String... properties) {
		return KafkaClientFactories.producerConfig(options(properties));
	}

	private static Map<String, Object> consumerConfig(String... properties) {
		return KafkaClientFactories.consumerConfig(options(properties), "billing");
	}

}

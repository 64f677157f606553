package dev.eventbus.autoconfigure.nats;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.mock.env.MockEnvironment;

import dev.eventbus.autoconfigure.EventBusConfigurationException;
import dev.eventbus.autoconfigure.ScenarioEnvironmentPostProcessor;
import dev.eventbus.core.nats.NatsOptions;
import dev.eventbus.core.nats.NatsStreamOptions;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** Each scenario's overlay on the NATS publish window, pull settings and storage. */
class NatsScenarioTests {

	@Test
	void withoutScenarioTheDefaultsApply() {
		NatsOptions options = options();
		assertThat(options.publish().maxInFlight()).isEqualTo(2048);
		assertThat(options.consumer().pullBatchSize()).isEqualTo(256);
		assertThat(options.consumer().pullExpiry()).isEqualTo(Duration.ofMillis(500));
		assertThat(options.stream().storage()).isEqualTo(NatsStreamOptions.Storage.FILE);
	}

	@Test
	void highThroughputWidensThePublishWindowAndPullsLargeBatches() {
		NatsOptions options = options("eventbus.scenario=high-throughput");
		assertThat(options.publish().maxInFlight()).isEqualTo(8192);
		assertThat(options.consumer().pullBatchSize()).isEqualTo(1024);
		assertThat(options.consumer().pullExpiry()).isEqualTo(Duration.ofSeconds(1));
		assertThat(options.consumer().maxAckPending()).isEqualTo(20000);
	}

	@Test
	void balancedShortensThePullExpiry() {
		NatsOptions options = options("eventbus.scenario=balanced");
		assertThat(options.publish().maxInFlight()).isEqualTo(2048);
		assertThat(options.consumer().pullBatchSize()).isEqualTo(256);
		assertThat(options.consumer().pullExpiry()).isEqualTo(Duration.ofMillis(250));
	}

	@Test
	void lowLatencyPullsSmallBatchesWithShortExpiryAndKeepsFileStorage() {
		NatsOptions options = options("eventbus.scenario=low-latency");
		assertThat(options.publish().maxInFlight()).isEqualTo(256);
		assertThat(options.consumer().pullBatchSize()).isEqualTo(32);
		assertThat(options.consumer().pullExpiry()).isEqualTo(Duration.ofMillis(100));
		assertThat(options.stream().storage()).isEqualTo(NatsStreamOptions.Storage.FILE);
	}

	@Test
	void highReliabilityNarrowsTheWindowAndWidensTheDuplicateWindow() {
		NatsOptions options = options("eventbus.scenario=high-reliability");
		assertThat(options.publish().maxInFlight()).isEqualTo(512);
		assertThat(options.publish().ackTimeout()).isEqualTo(Duration.ofSeconds(30));
		assertThat(options.consumer().maxAckPending()).isEqualTo(1000);
		assertThat(options.stream().duplicateWindow()).isEqualTo(Duration.ofMinutes(10));
	}

	@Test
	void explicitPropertyWinsOverThePreset() {
		NatsOptions options = options("eventbus.scenario=high-throughput", "eventbus.nats.publish.max-in-flight=2048");
		assertThat(options.publish().maxInFlight()).isEqualTo(2048);
		assertThat(options.consumer().pullBatchSize()).isEqualTo(1024);
	}

	@Test
	void connectionPropertiesReachTheOptions() {
		NatsOptions options = options("eventbus.nats.servers=nats://a:4222,nats://b:4222",
				"eventbus.nats.connection-name=orders", "eventbus.nats.reconnect-wait=3s",
				"eventbus.nats.max-reconnects=7", "eventbus.nats.token=s3cret");
		assertThat(options.servers()).containsExactly("nats://a:4222", "nats://b:4222");
		assertThat(options.connectionName()).isEqualTo("orders");
		assertThat(options.reconnectWait()).isEqualTo(Duration.ofSeconds(3));
		assertThat(options.maxReconnects()).isEqualTo(7);
		assertThat(options.token()).isEqualTo("s3cret");
	}

	@Test
	void invalidValuesNameTheProperty() {
		assertThatExceptionOfType(EventBusConfigurationException.class)
			.isThrownBy(() -> options("eventbus.nats.publish.max-in-flight=0"))
			.satisfies((ex) -> assertThat(ex.getMessage()).contains("eventbus.nats.publish"));
	}

	static NatsOptions options(String... properties) {
		MockEnvironment environment = new MockEnvironment();
		TestPropertyValues.of(properties).applyTo(environment);
		ScenarioEnvironmentPostProcessor.apply(environment);
		EventBusNatsProperties bound = Binder.get(environment).bindOrCreate("eventbus.nats",
				EventBusNatsProperties.class);
		return NatsOptionsMapper.map(bound).build();
	}

}

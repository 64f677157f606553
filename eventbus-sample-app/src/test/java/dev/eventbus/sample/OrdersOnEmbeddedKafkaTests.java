package dev.eventbus.sample;

import org.junit.jupiter.api.Test;

import dev.eventbus.sample.embedded.EmbeddedKafkaLauncher;

import static org.assertj.core.api.Assertions.assertThat;

/** The sample app on its default profile: Kafka on the embedded KRaft broker it starts itself. */
class OrdersOnEmbeddedKafkaTests extends OrdersEndToEndTestSupport {

	@Override
	String expectedTransport() {
		return "kafka";
	}

	@Test
	void defaultProfileStartsTheEmbeddedBrokerAndPointsTheBusAtIt() {
		String embedded = this.environment.getProperty(EmbeddedKafkaLauncher.BOOTSTRAP_SERVERS_PROPERTY);
		assertThat(embedded).matches("(localhost|127\\.0\\.0\\.1):\\d+");
		assertThat(this.environment.getProperty("eventbus.kafka.bootstrap-servers")).isEqualTo(embedded);
	}

	@Test
	void publishReceiptsCarryTheKafkaPartitionAndOffset() {
		SampleHttp.Response placed = http().post("/orders", "{\"customer\":\"erin\",\"amount\":1}");
		assertThat(placed.json().path("position").path("partition").isInt()).isTrue();
		assertThat(placed.json().path("position").path("offset").isNumber()).isTrue();
	}

}

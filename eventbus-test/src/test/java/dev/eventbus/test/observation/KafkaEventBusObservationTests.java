package dev.eventbus.test.observation;

import java.time.Duration;

import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.kafka.KafkaEventBus;
import dev.eventbus.test.broker.KafkaTestBroker;

/** The Observation contract on Kafka: one in-JVM KRaft broker for the class; trace headers are record headers. */
class KafkaEventBusObservationTests extends EventBusObservationContractTests {

	private static KafkaTestBroker broker;

	@BeforeAll
	static void startBroker() {
		broker = KafkaTestBroker.start();
	}

	@AfterAll
	static void stopBroker() throws Exception {
		broker.close();
	}

	@Override
	protected EventBus createBus(ObservationRegistry registry) {
		return KafkaEventBus.builder(broker.options().build())
			.observationRegistry(registry)
			.shutdownTimeout(Duration.ofSeconds(10))
			.build();
	}

	@Override
	protected String newTopic(String prefix) {
		return broker.createTopic(prefix, 3);
	}

	@Override
	protected String transport() {
		return "kafka";
	}

}

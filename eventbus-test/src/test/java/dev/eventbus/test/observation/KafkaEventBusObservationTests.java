package dev.eventbus.test.observation;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.observation.ObservationRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.kafka.KafkaEventBus;
import dev.eventbus.test.broker.KafkaTestBroker;

/** The Observation contract on Kafka: one in-JVM KRaft broker for the class; trace headers are record headers. */
class KafkaEventBusObservationTests extends EventBusObservationContractTests {

	private static KafkaTestBroker broker;

	private static KafkaProducer<String, byte[]> rawProducer;

	@BeforeAll
	static void startBroker() {
		broker = KafkaTestBroker.start();
		rawProducer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers()),
				new StringSerializer(), new ByteArraySerializer());
	}

	@AfterAll
	static void stopBroker() throws Exception {
		rawProducer.close();
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

	@Override
	protected void publishForeign(String topic, String key, byte[] body) throws Exception {
		rawProducer.send(new ProducerRecord<>(topic, key, body)).get(10, TimeUnit.SECONDS);
	}

}

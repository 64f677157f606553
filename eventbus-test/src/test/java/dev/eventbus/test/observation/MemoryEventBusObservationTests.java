package dev.eventbus.test.observation;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.codec.WireMessage;
import dev.eventbus.core.memory.MemoryBroker;
import dev.eventbus.core.memory.MemoryEventBus;
import dev.eventbus.core.memory.MemoryOptions;

/** The Observation contract on the memory transport. */
class MemoryEventBusObservationTests extends EventBusObservationContractTests {

	private static MemoryBroker broker;

	private static MemoryEventBus foreignProducer;

	@BeforeAll
	static void startBroker() {
		broker = new MemoryBroker();
		foreignProducer = MemoryEventBus.builder(MemoryOptions.builder().build()).broker(broker).build();
	}

	@AfterAll
	static void stopBroker() {
		foreignProducer.close();
		broker.close();
	}

	@Override
	protected EventBus createBus(ObservationRegistry registry) {
		return MemoryEventBus.builder(MemoryOptions.builder().build())
			.broker(broker)
			.observationRegistry(registry)
			.shutdownTimeout(Duration.ofSeconds(5))
			.build();
	}

	@Override
	protected String newTopic(String prefix) {
		return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

	@Override
	protected String transport() {
		return "memory";
	}

	@Override
	protected void publishForeign(String topic, String key, byte[] body) throws Exception {
		foreignProducer.publishRaw(topic, new WireMessage(key, Map.of(), body)).get(10, TimeUnit.SECONDS);
	}

}

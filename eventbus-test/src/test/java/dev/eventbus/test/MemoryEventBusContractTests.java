package dev.eventbus.test;

import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Nested;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.codec.WireMessage;
import dev.eventbus.core.memory.MemoryBroker;
import dev.eventbus.core.memory.MemoryEventBus;
import dev.eventbus.core.memory.MemoryOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The contract on the memory transport: every bus of a test shares one {@link MemoryBroker}, so
 * they behave as instances of one service. The memory bus has no credentials, so the refused-bus
 * case is skipped.
 */
class MemoryEventBusContractTests extends EventBusContractTests {

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

	private static MemoryEventBus.Builder busBuilder() {
		return MemoryEventBus.builder(MemoryOptions.builder().build()).broker(broker).shutdownTimeout(Duration.ofSeconds(5));
	}

	@Override
	protected EventBus createBus() {
		return busBuilder().build();
	}

	@Override
	protected String newTopic(String prefix) {
		return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

	@Override
	protected void publishForeign(String topic, String key, byte[] body) throws Exception {
		foreignProducer.publishRaw(topic, new WireMessage(key, Map.of(), body)).get(10, TimeUnit.SECONDS);
	}

	/** The Observation contract on the same broker: spans and MDC through a real tracer. */
	@Nested
	class ObservationTests extends EventBusObservationContractTests {

		ObservationTests() {
			super(MemoryEventBusContractTests.this, "memory");
		}

		@Override
		protected EventBus createBus(ObservationRegistry registry) {
			return busBuilder().observationRegistry(registry).build();
		}

	}

}

package dev.eventbus.test.observation;

import java.time.Duration;
import java.util.UUID;

import io.micrometer.observation.ObservationRegistry;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.impl.Headers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.nats.NatsConsumerOptions;
import dev.eventbus.core.nats.NatsEventBus;
import dev.eventbus.core.nats.NatsOptions;
import dev.eventbus.test.broker.NatsServerProcess;

/** The Observation contract on NATS JetStream: one real {@code nats-server} for the class; trace headers are NATS headers. */
class NatsEventBusObservationTests extends EventBusObservationContractTests {

	private static NatsServerProcess server;

	private static Connection raw;

	@BeforeAll
	static void startServer() throws Exception {
		server = NatsServerProcess.launch();
		raw = Nats.connect(new Options.Builder().server(server.url()).connectionTimeout(Duration.ofSeconds(5)).build());
	}

	@AfterAll
	static void stopServer() throws Exception {
		raw.close();
		server.close();
	}

	@Override
	protected EventBus createBus(ObservationRegistry registry) {
		return NatsEventBus.builder(NatsOptions.builder()
			.servers(server.url())
			.consumer(NatsConsumerOptions.builder().ackWait(Duration.ofSeconds(5)).build())
			.build()).observationRegistry(registry).shutdownTimeout(Duration.ofSeconds(10)).build();
	}

	@Override
	protected String newTopic(String prefix) {
		return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

	@Override
	protected String transport() {
		return "nats";
	}

	/** The stream exists once the bus subscribed (it provisions it); the message carries no CloudEvents header. */
	@Override
	protected void publishForeign(String topic, String key, byte[] body) throws Exception {
		raw.jetStream().publish(topic, new Headers().add("legacy-key", key), body);
	}

}

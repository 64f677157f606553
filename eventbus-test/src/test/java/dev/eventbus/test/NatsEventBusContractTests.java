package dev.eventbus.test;

import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Nested;
import java.time.Duration;
import java.util.UUID;

import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.nats.NatsConsumerOptions;
import dev.eventbus.core.nats.NatsEventBus;
import dev.eventbus.core.nats.NatsOptions;
import dev.eventbus.test.broker.NatsServerProcess;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.impl.Headers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The contract on NATS JetStream: one real {@code nats-server} for the class, started with a user
 * and password so that a bus with a wrong password can be built; short ack-wait and lease TTL, so
 * that what one instance left unfinished reaches the next within seconds. Foreign messages are
 * published with the raw jnats client and carry no CloudEvents headers.
 */
class NatsEventBusContractTests extends EventBusContractTests {

	private static final String USER = "contract";

	private static final String PASSWORD = "contract-secret";

	private static NatsServerProcess server;

	private static Connection raw;

	@BeforeAll
	static void startServer() throws Exception {
		server = NatsServerProcess.launch("--user", USER, "--pass", PASSWORD);
		raw = Nats.connect(new Options.Builder().server(server.url())
			.userInfo(USER, PASSWORD)
			.connectionTimeout(Duration.ofSeconds(5))
			.build());
	}

	@AfterAll
	static void stopServer() throws Exception {
		raw.close();
		server.close();
	}

	private static NatsOptions.Builder options(String password) {
		return NatsOptions.builder()
			.servers(server.url())
			.username(USER)
			.password(password)
			.consumer(NatsConsumerOptions.builder()
				.ackWait(Duration.ofSeconds(2))
				.leaseTtl(Duration.ofSeconds(2))
				.build());
	}

	@Override
	protected EventBus createBus() {
		return NatsEventBus.builder(options(PASSWORD).build()).shutdownTimeout(Duration.ofSeconds(10)).build();
	}

	@Override
	protected String newTopic(String prefix) {
		// Streams (of the topic and its dead letters) are provisioned by the bus at subscribe and publish.
		return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

	@Override
	protected void publishForeign(String topic, String key, byte[] body) throws Exception {
		raw.jetStream().publish(topic, new Headers().add("legacy-key", key), body);
	}

	/** NATS checks the credentials when the bus connects: build fails naming them. */
	@Override
	protected EventBus createBusThatCannotConnect() {
		return NatsEventBus.builder(options("wrong-password").build()).build();
	}

	/**
	 * The Observation contract on the same server: trace headers are NATS headers. Ack-wait 5 s, so
	 * that the retried attempts of one delivery finish before a redelivery.
	 */
	@Nested
	class ObservationTests extends EventBusObservationContractTests {

		ObservationTests() {
			super(NatsEventBusContractTests.this, "nats");
		}

		@Override
		protected EventBus createBus(ObservationRegistry registry) {
			return NatsEventBus.builder(options(PASSWORD).consumer(NatsConsumerOptions.builder()
				.ackWait(Duration.ofSeconds(5))
				.leaseTtl(Duration.ofSeconds(2))
				.build()).build()).observationRegistry(registry).shutdownTimeout(Duration.ofSeconds(10)).build();
		}

	}

}

package dev.eventbus.core.nats;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.PublishReceipt;
import dev.eventbus.core.api.PublishRejectedException;
import dev.eventbus.test.broker.NatsServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A publish to a subject no stream captures (provisioning skip, or a dead-letter stream nobody
 * created) says so and how to provision it, instead of jnats' "503 No Responders".
 */
class NatsMissingStreamTest {

	private static NatsServerProcess server;

	@BeforeAll
	static void startServer() {
		server = NatsServerProcess.launch();
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	@Test
	void publishToASubjectWithoutAStreamNamesTheSubjectAndTheFix() throws Exception {
		String topic = "missing-" + UUID.randomUUID().toString().substring(0, 8);
		NatsOptions options = NatsOptions.builder()
			.servers(server.url())
			.stream(NatsStreamOptions.builder().provisioning(NatsStreamOptions.Provisioning.SKIP).build())
			.build();
		try (NatsEventBus bus = NatsEventBus.builder(options).shutdownTimeout(Duration.ofSeconds(2)).build()) {
			CompletableFuture<PublishReceipt> publish = bus.publish(topic, Envelope.of("k", "T", "x"));
			await().atMost(Duration.ofSeconds(15)).until(publish::isDone);
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> publish.get(1, TimeUnit.SECONDS))
				.havingCause()
				.isInstanceOf(PublishRejectedException.class)
				.withMessageContaining("no JetStream stream covers subject '" + topic + "'")
				.withMessageContaining("nats stream add --subjects '" + topic + "'")
				.withMessageContaining("eventbus.nats.stream.provisioning=create-or-update (it is skip)");
		}
	}

}

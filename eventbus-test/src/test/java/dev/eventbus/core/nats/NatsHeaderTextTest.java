package dev.eventbus.core.nats;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.eventbus.core.api.DeadLetterRecord;
import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.PublishReceipt;
import dev.eventbus.core.api.RetryPolicy;
import dev.eventbus.core.api.SubscriptionOptions;
import dev.eventbus.test.broker.NatsServerProcess;
import io.nats.client.Connection;
import io.nats.client.api.MessageInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Text that NATS headers cannot carry as is (non-ASCII, line separators) in
 * aggregate ids and dead letters' exception messages: published, stored percent-encoded, read back
 * as written; a small publish window is never used up by them (issue 11 item 2: jnats threw after a
 * permit was taken and never returned it).
 */
class NatsHeaderTextTest {

	private static final String[] AGGREGATES = { "müller", "line\u2028break", "日本", "100%", "plain" };

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
	void aggregateIdsOfAnyTextArePublishedAndHandledAsWrittenWithoutExhaustingTheWindow() throws Exception {
		String topic = "text-" + UUID.randomUUID().toString().substring(0, 8);
		NatsOptions options = NatsOptions.builder()
			.servers(server.url())
			.publish(NatsPublishOptions.builder().maxInFlight(2).maxBlock(Duration.ofSeconds(2)).build())
			.build();
		List<String> handled = new CopyOnWriteArrayList<>();
		try (NatsEventBus bus = NatsEventBus.builder(options).build()) {
			bus.subscribe(topic, String.class, SubscriptionOptions.of("text"),
					(envelope, context) -> handled.add(envelope.aggregateId() + "=" + envelope.payload()));
			List<CompletableFuture<PublishReceipt>> receipts = new ArrayList<>();
			for (int round = 0; round < 4; round++) {
				for (String aggregate : AGGREGATES) {
					receipts.add(bus.publish(topic, Envelope.of(aggregate, "Named", "v" + round)));
				}
			}
			for (CompletableFuture<PublishReceipt> receipt : receipts) {
				receipt.get(10, TimeUnit.SECONDS);
			}
			await().atMost(Duration.ofSeconds(30)).until(() -> handled.size() == receipts.size());
			for (String aggregate : AGGREGATES) {
				assertThat(handled.stream().filter((entry) -> entry.startsWith(aggregate + "=")).toList())
					.as("events of %s, in order", aggregate)
					.containsExactly(aggregate + "=v0", aggregate + "=v1", aggregate + "=v2", aggregate + "=v3");
			}
			try (Connection raw = server.connect()) {
				MessageInfo stored = raw.jetStreamManagement().getMessage(NatsStreamOptions.streamName(topic), 1);
				assertThat(stored.getHeaders().getFirst("ce-subject")).isEqualTo("m%C3%BCller");
			}
		}
	}

	@Test
	void deadLetterOfAnExceptionWithNonAsciiLinesIsStoredAndReadBackAsWritten() throws Exception {
		String topic = "text-dl-" + UUID.randomUUID().toString().substring(0, 8);
		String message = "Zahlung für Müller abgelehnt\nzweite Zeile ✓";
		List<DeadLetterRecord> deadLetters = new CopyOnWriteArrayList<>();
		try (NatsEventBus bus = NatsEventBus.builder(NatsOptions.builder().servers(server.url()).build()).build()) {
			bus.subscribe(topic, String.class,
					SubscriptionOptions.builder("billing").retryPolicy(RetryPolicy.none()).build(),
					(envelope, context) -> {
						throw new IllegalStateException(message);
					});
			bus.subscribe(bus.deadLetterTopic(topic), String.class, SubscriptionOptions.of("dead-letters"),
					(envelope, context) -> DeadLetterRecord.from(context).ifPresent(deadLetters::add));
			bus.publish(topic, Envelope.of("müller", "Charge", "42")).get(10, TimeUnit.SECONDS);
			await().atMost(Duration.ofSeconds(30)).until(() -> deadLetters.size() == 1);
		}
		DeadLetterRecord deadLetter = deadLetters.get(0);
		// dead letters keep a message on one line, on every transport
		assertThat(deadLetter.exceptionMessage()).isEqualTo("Zahlung für Müller abgelehnt zweite Zeile ✓");
		assertThat(deadLetter.exceptionClass()).isEqualTo(IllegalStateException.class.getName());
		assertThat(deadLetter.originalTopic()).isEqualTo(topic);
	}

}

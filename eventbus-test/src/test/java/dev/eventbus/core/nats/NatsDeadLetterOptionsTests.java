package dev.eventbus.core.nats;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.eventbus.core.api.DeadLetterRecord;
import dev.eventbus.core.api.RetryPolicy;
import dev.eventbus.core.api.SubscriptionOptions;
import dev.eventbus.test.broker.NatsServerProcess;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.MessageInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Dead letters on NATS: a configured {@link NatsOptions#deadLetterSuffix()} names the dead-letter
 * subject everywhere ({@code deadLetterTopic}, the stream provisioned for it, the dead letters
 * themselves), also under a subject prefix; the default suffix is {@code .dlt}. That a failure
 * retrying cannot fix is dead-lettered after one attempt with reason {@code fatal} is every
 * transport's promise: the contract kit asserts it ({@code EventBusContractTests}).
 */
class NatsDeadLetterOptionsTests {

	private static NatsServerProcess server;

	private static Connection admin;

	record Order(String id) {
	}

	@BeforeAll
	static void startServer() throws Exception {
		server = NatsServerProcess.launch();
		admin = server.connect();
	}

	@AfterAll
	static void stopServer() throws Exception {
		admin.close();
		server.close();
	}

	@Test
	void deadLettersGoToTheSubjectNamedByTheConfiguredSuffixInAStreamOfItsOwn() throws Exception {
		String topic = "suffix-" + System.nanoTime();
		NatsOptions options = NatsOptions.builder()
			.servers(server.url())
			.stream(NatsStreamOptions.builder().subjectPrefix("shop").build())
			.deadLetterSuffix("-dead")
			.build();
		List<String> attempts = new CopyOnWriteArrayList<>();
		try (NatsEventBus bus = NatsEventBus.builder(options).build()) {
			assertThat(bus.deadLetterTopic(topic)).isEqualTo(topic + "-dead");
			bus.subscribe(topic, Order.class,
					SubscriptionOptions.builder("billing")
						.retryPolicy(RetryPolicy.builder().maxAttempts(2).initialBackoff(Duration.ofMillis(10)).build())
						.build(),
					(envelope, context) -> {
						attempts.add(envelope.aggregateId() + "#" + context.attempt());
						throw new IllegalStateException("always fails");
					});
			JetStreamManagement jsm = admin.jetStreamManagement();
			String deadStream = NatsStreamOptions.streamName("shop." + topic + "-dead");
			assertThat(jsm.getStreamNames()).contains(deadStream)
				.doesNotContain(NatsStreamOptions.streamName("shop." + topic + ".dlt"));

			bus.publishEvent(topic, "o-1", new Order("o-1")).join();

			await().atMost(Duration.ofSeconds(30))
				.until(() -> jsm.getStreamInfo(deadStream).getStreamState().getMsgCount() == 1);
			MessageInfo dead = jsm.getMessage(deadStream, 1);
			assertThat(dead.getSubject()).isEqualTo("shop." + topic + "-dead");
			assertThat(dead.getHeaders().getFirst(DeadLetterRecord.HEADER_ORIGINAL_TOPIC)).isEqualTo(topic);
			assertThat(dead.getHeaders().getFirst(DeadLetterRecord.HEADER_REASON))
				.isEqualTo(DeadLetterRecord.REASON_FAILED);
			assertThat(attempts).containsExactly("o-1#1", "o-1#2");
		}
	}

	@Test
	void theDefaultSuffixIsDotDlt() {
		assertThat(NatsOptions.builder().build().deadLetterSuffix()).isEqualTo(NatsOptions.DEFAULT_DEAD_LETTER_SUFFIX)
			.isEqualTo(".dlt");
	}

}

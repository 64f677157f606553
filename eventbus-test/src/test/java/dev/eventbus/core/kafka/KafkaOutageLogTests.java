package dev.eventbus.core.kafka;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.PublishReceipt;
import dev.eventbus.core.api.Subscription;
import dev.eventbus.core.api.SubscriptionOptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Log noise while the Kafka broker is down (issue 11 item 12): a bus with a publisher, a
 * subscription and its admin client pointing at a closed port logs a bounded number of WARN lines
 * over an outage of about 12 s (counted, not timed: the outage lasts until two publishes have
 * failed after their max-block), with the client settings the bus applies by default; the bus logs
 * one WARN of its own for the outage, not one per failed publish.
 */
class KafkaOutageLogTests {

	/** At most this many WARN lines per client over the outage: two for each of at most 6 attempts (jitter). */
	static final int MAX_WARNINGS_PER_CLIENT = 12;

	/** At most this many WARN lines over the outage: the producer, the consumer and the admin client together, and the bus's one. */
	static final int MAX_WARNINGS = 33;

	/** Max-block of the publishes: each of the two publishes waits it twice (topic readiness, then the send), so the outage lasts about 12 s. */
	static final Duration OUTAGE = Duration.ofSeconds(3);

	private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

	private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

	@BeforeEach
	void capture() {
		this.appender.start();
		this.root.addAppender(this.appender);
	}

	@AfterEach
	void release() {
		this.root.detachAppender(this.appender);
	}

	/** {@code [Producer clientId=eventbus-producer-1] ...} becomes {@code Producer}. */
	private static String client(ILoggingEvent event) {
		String message = event.getFormattedMessage();
		return (message.startsWith("[") && message.indexOf(' ') > 0) ? message.substring(1, message.indexOf(' '))
				: event.getLoggerName();
	}

	@Test
	void brokerDownLogsABoundedNumberOfWarnings() throws IOException {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		KafkaOptions options = KafkaOptions.builder()
			.bootstrapServers("127.0.0.1:" + port)
			.producer(KafkaProducerOptions.builder().maxBlock(OUTAGE).build())
			.build();
		try (KafkaEventBus bus = KafkaEventBus.builder(options).shutdownTimeout(Duration.ofSeconds(1)).build()) {
			Subscription subscription = bus.subscribe("outage-log", String.class, SubscriptionOptions.of("outage-log"),
					(envelope, context) -> {
					});
			List<CompletableFuture<PublishReceipt>> publishes = java.util.stream.IntStream.range(0, 2)
				.mapToObj((i) -> bus.publish("outage-log", Envelope.of("k-" + i, "T", "x")))
				.toList();
			await().atMost(OUTAGE.multipliedBy(4)).until(() -> publishes.stream().allMatch(CompletableFuture::isDone));
			assertThat(publishes).allMatch(CompletableFuture::isCompletedExceptionally);
			List<ILoggingEvent> warnings = this.appender.list.stream()
				.filter((event) -> event.getLevel().isGreaterOrEqual(Level.WARN))
				.toList();
			Map<String, Long> byClient = warnings.stream()
				.filter((event) -> !event.getLoggerName().startsWith("dev.eventbus"))
				.collect(Collectors.groupingBy(KafkaOutageLogTests::client, Collectors.counting()));
			System.out.println("Kafka outage: " + warnings.size() + " WARN lines, by client " + byClient);
			assertThat(subscription.state()).isNotEqualTo(Subscription.State.FAILED);
			// each client logs at most two lines per reconnect attempt, and with
			// reconnect backoff 1 s doubling to 5 s a client makes 5 (with jitter at most 6) attempts in the
			// ~12 s of this outage (with the client's defaults, 50 ms doubling to 1 s: 78 lines in all)
			// one WARN of the bus's own for the outage, however many publishes failed
			assertThat(warnings).filteredOn((event) -> event.getLoggerName().startsWith("dev.eventbus"))
				.singleElement()
				.satisfies((event) -> assertThat(event.getFormattedMessage())
					.startsWith("Kafka at 127.0.0.1:" + port + " does not answer: publishes fail"));
			assertThat(byClient).allSatisfy((client, count) -> assertThat(count).as(client).isLessThanOrEqualTo(MAX_WARNINGS_PER_CLIENT));
			assertThat(warnings).hasSizeLessThanOrEqualTo(MAX_WARNINGS);
		}
	}

}

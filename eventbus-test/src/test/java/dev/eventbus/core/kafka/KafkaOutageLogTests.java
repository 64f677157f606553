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
 * over an outage of at least {@link #OUTAGE} (counted, not timed: the outage lasts until a publish
 * has waited its whole max-block), with the client settings the bus applies by default.
 */
class KafkaOutageLogTests {

	/** At most this many WARN lines per client over the outage: two for each of at most 6 attempts (jitter). */
	static final int MAX_WARNINGS_PER_CLIENT = 12;

	/** At most this many WARN lines over the outage, for the producer, the consumer and the admin client together. */
	static final int MAX_WARNINGS = 32;

	/** How long the outage lasts at least: the publish's max-block. */
	static final Duration OUTAGE = Duration.ofSeconds(6);

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
			CompletableFuture<PublishReceipt> publish = bus.publish("outage-log", Envelope.of("k", "T", "x"));
			await().atMost(OUTAGE.multipliedBy(3)).until(publish::isDone);
			List<ILoggingEvent> warnings = this.appender.list.stream()
				.filter((event) -> event.getLevel().isGreaterOrEqual(Level.WARN))
				.toList();
			Map<String, Long> byClient = warnings.stream()
				.collect(Collectors.groupingBy(KafkaOutageLogTests::client, Collectors.counting()));
			System.out.println("Kafka outage: " + warnings.size() + " WARN lines, by client " + byClient);
			assertThat(subscription.state()).isNotEqualTo(Subscription.State.FAILED);
			// the bus itself stays quiet; each client logs at most two lines per reconnect attempt, and with
			// reconnect backoff 1 s doubling to 5 s a client makes 5 (with jitter at most 6) attempts in the
			// ~12 s of this outage (with the client's defaults, 50 ms doubling to 1 s: 78 lines in all)
			assertThat(warnings).noneMatch((event) -> event.getLoggerName().startsWith("dev.eventbus"));
			assertThat(byClient).allSatisfy((client, count) -> assertThat(count).as(client).isLessThanOrEqualTo(MAX_WARNINGS_PER_CLIENT));
			assertThat(warnings).hasSizeLessThanOrEqualTo(MAX_WARNINGS);
		}
	}

}

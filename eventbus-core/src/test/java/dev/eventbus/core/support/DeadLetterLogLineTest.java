package dev.eventbus.core.support;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.RetryPolicy;
import dev.eventbus.core.api.SubscriptionOptions;
import dev.eventbus.core.memory.MemoryEventBus;
import dev.eventbus.core.memory.MemoryOptions;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 11 item 12: a dead-lettered event logs one WARN line with the cause chain, and its stack
 * trace only at DEBUG (0.1 printed a 14-frame stack trace for every dead letter).
 */
class DeadLetterLogLineTest {

	@Test
	void aDeadLetteredEventLogsOneLineWithTheCauseChainAndNoStackTrace() throws Exception {
		Logger logger = (Logger) LoggerFactory.getLogger(SubscriptionDispatcher.class);
		ListAppender<ILoggingEvent> appender = new ListAppender<>();
		appender.start();
		logger.addAppender(appender);
		Level level = logger.getLevel();
		logger.setLevel(Level.INFO);
		try (MemoryEventBus bus = MemoryEventBus.builder(MemoryOptions.defaults())
			.shutdownTimeout(Duration.ofSeconds(2))
			.build()) {
			bus.subscribe("log-line", String.class,
					SubscriptionOptions.builder("billing").retryPolicy(RetryPolicy.none()).build(),
					(envelope, context) -> {
						throw new IllegalStateException("payment declined",
								new IOException("gateway said\nno"));
					});
			bus.publish("log-line", Envelope.of("order-1", "Charge", "42")).get(10, TimeUnit.SECONDS);
			await().atMost(Duration.ofSeconds(30))
				.until(() -> appender.list.stream().anyMatch((event) -> event.getFormattedMessage().startsWith("Dead-lettering")));
		}
		finally {
			logger.detachAppender(appender);
			logger.setLevel(level);
		}
		List<ILoggingEvent> deadLetterLines = appender.list.stream()
			.filter((event) -> event.getFormattedMessage().startsWith("Dead-lettering"))
			.toList();
		assertThat(deadLetterLines).hasSize(1);
		ILoggingEvent line = deadLetterLines.get(0);
		assertThat(line.getLevel()).isEqualTo(Level.WARN);
		assertThat(line.getThrowableProxy()).as("stack trace at WARN").isNull();
		assertThat(line.getFormattedMessage()).contains("subscription 'billing/log-line'")
			.contains("java.lang.IllegalStateException: payment declined <- java.io.IOException: gateway said no")
			.doesNotContain("\n");
	}

}

package dev.eventbus.core.memory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.eventbus.core.api.DeadLetterRecord;
import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.RetryPolicy;
import dev.eventbus.core.api.SubscriptionOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Failures that retrying cannot fix go to the dead letter after the attempt that threw, with the
 * reason {@code fatal}; other failures are retried until the attempts are used up ({@code failed}).
 */
class MemoryEventBusFatalExceptionTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final MemoryEventBus bus = MemoryEventBus.builder(MemoryOptions.defaults())
		.source("fatal-test")
		.shutdownTimeout(Duration.ofSeconds(5))
		.build();

	record Order(String id, String kind) {
	}

	@AfterEach
	void close() {
		this.bus.close();
	}

	@Test
	void aFatalFailureIsDeadLetteredAfterOneAttemptWithReasonFatal() {
		String topic = "fatal-default";
		AtomicInteger attempts = new AtomicInteger();
		SubscriptionOptions options = SubscriptionOptions.builder("billing").retryPolicy(fastRetry().build()).build();
		this.bus.subscribe(topic, Order.class, options, (envelope, context) -> {
			attempts.incrementAndGet();
			// a ClassCastException deep in a cause chain, as a wrapped async failure
			throw new CompletionException(new IllegalStateException("mapping failed", new ClassCastException("x")));
		});
		List<DeadLetterRecord> dead = deadLetters(topic);

		this.bus.publishEvent(topic, "o-1", new Order("o-1", "cast")).join();

		await().atMost(TIMEOUT).until(() -> dead.size() == 1);
		assertThat(dead.get(0).reason()).isEqualTo(DeadLetterRecord.REASON_FATAL);
		assertThat(dead.get(0).attempts()).isEqualTo(1);
		assertThat(dead.get(0).exceptionClass()).isEqualTo(CompletionException.class.getName());
		assertThat(attempts).hasValue(1);
	}

	@Test
	void aConfiguredFatalExceptionIsNotRetriedWhileOthersAre() {
		String topic = "fatal-configured";
		List<String> handled = new CopyOnWriteArrayList<>();
		SubscriptionOptions options = SubscriptionOptions.builder("billing")
			.retryPolicy(fastRetry().addFatalException(IllegalArgumentException.class).build())
			.build();
		this.bus.subscribe(topic, Order.class, options, (envelope, context) -> {
			Order order = envelope.payload();
			handled.add(order.id() + "#" + context.attempt());
			if (order.kind().equals("invalid")) {
				throw new NumberFormatException("amount 'abc'");
			}
			throw new IllegalStateException("database down");
		});
		List<DeadLetterRecord> dead = deadLetters(topic);

		this.bus.publish(topic, Envelope.of("a", "Order", new Order("a", "invalid"))).join();
		this.bus.publish(topic, Envelope.of("b", "Order", new Order("b", "transient"))).join();

		await().atMost(TIMEOUT).until(() -> dead.size() == 2);
		assertThat(dead).anySatisfy((record) -> {
			assertThat(record.reason()).isEqualTo(DeadLetterRecord.REASON_FATAL);
			assertThat(record.attempts()).isEqualTo(1);
			assertThat(record.exceptionClass()).isEqualTo(NumberFormatException.class.getName());
		});
		assertThat(dead).anySatisfy((record) -> {
			assertThat(record.reason()).isEqualTo(DeadLetterRecord.REASON_FAILED);
			assertThat(record.attempts()).isEqualTo(3);
		});
		assertThat(handled).containsOnlyOnce("a#1").doesNotContain("a#2").contains("b#1", "b#2", "b#3");
	}

	@Test
	void anEmptyFatalListRetriesEveryFailure() {
		String topic = "fatal-none";
		AtomicInteger attempts = new AtomicInteger();
		SubscriptionOptions options = SubscriptionOptions.builder("billing")
			.retryPolicy(fastRetry().fatalExceptions(List.of()).build())
			.build();
		this.bus.subscribe(topic, Order.class, options, (envelope, context) -> {
			attempts.incrementAndGet();
			throw new ClassCastException("retried anyway");
		});
		List<DeadLetterRecord> dead = deadLetters(topic);

		this.bus.publishEvent(topic, "o-3", new Order("o-3", "cast")).join();

		await().atMost(TIMEOUT).until(() -> dead.size() == 1);
		assertThat(dead.get(0).reason()).isEqualTo(DeadLetterRecord.REASON_FAILED);
		assertThat(dead.get(0).attempts()).isEqualTo(3);
		assertThat(attempts).hasValue(3);
	}

	private static RetryPolicy.Builder fastRetry() {
		return RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ofMillis(5)).maxBackoff(Duration.ofMillis(20));
	}

	private List<DeadLetterRecord> deadLetters(String topic) {
		List<DeadLetterRecord> dead = new CopyOnWriteArrayList<>();
		this.bus.subscribe(this.bus.deadLetterTopic(topic), byte[].class, SubscriptionOptions.of("ops"),
				(envelope, context) -> DeadLetterRecord.from(context).ifPresent(dead::add));
		return dead;
	}

}

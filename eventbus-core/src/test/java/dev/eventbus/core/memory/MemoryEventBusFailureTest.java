package dev.eventbus.core.memory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.eventbus.core.api.DeadLetterRecord;
import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.EventContext;
import dev.eventbus.core.api.PublishReceipt;
import dev.eventbus.core.api.RetryPolicy;
import dev.eventbus.core.api.SubscriptionOptions;
import dev.eventbus.core.codec.EnvelopeCodec;
import dev.eventbus.core.codec.HeaderStyle;
import dev.eventbus.core.codec.JsonPayloadCodec;
import dev.eventbus.core.codec.WireMessage;
import dev.eventbus.core.keyed.KeyedExecutor;
import dev.eventbus.core.keyed.KeyedExecutorOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Retry inside the key's lane, dead-lettering and poison on the memory bus.
 */
class MemoryEventBusFailureTest {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final KeyedExecutor executor = KeyedExecutor.create(KeyedExecutorOptions.builder().workers(4).build());

	private final MemoryEventBus bus = MemoryEventBus.builder(MemoryOptions.defaults())
		.executor(this.executor)
		.source("memory-test")
		.shutdownTimeout(Duration.ofSeconds(5))
		.build();

	record Order(String id, int seq) {
	}

	/** A dead letter as seen by a subscriber of the dead-letter topic. */
	record Received(Envelope<byte[]> envelope, EventContext context) {
	}

	@AfterEach
	void close() {
		this.bus.close();
		this.executor.shutdown(Duration.ofSeconds(5));
	}

	@Test
	void aFailingEventIsRetriedInsideItsKeyWhileOtherKeysProceed() {
		List<String> handled = new CopyOnWriteArrayList<>();
		AtomicBoolean otherKeyDone = new AtomicBoolean();
		SubscriptionOptions options = SubscriptionOptions.builder("billing")
			.retryPolicy(RetryPolicy.builder()
				.maxAttempts(100)
				.initialBackoff(Duration.ofMillis(10))
				.maxBackoff(Duration.ofMillis(40))
				.build())
			.build();
		this.bus.subscribe("orders-retry", Order.class, options, (envelope, context) -> {
			Order order = envelope.payload();
			handled.add(order.id() + order.seq() + "#" + context.attempt());
			if (order.id().equals("b") && order.seq() == 5) {
				otherKeyDone.set(true);
			}
			// a1 fails until every event of b was handled: b must proceed while a1 backs off.
			if (order.id().equals("a") && order.seq() == 1 && (context.attempt() < 3 || !otherKeyDone.get())) {
				throw new IllegalStateException("a1 not yet");
			}
		});

		this.bus.publish("orders-retry", Envelope.of("a", "OrderChanged", new Order("a", 1)));
		for (int seq = 2; seq <= 5; seq++) {
			this.bus.publish("orders-retry", Envelope.of("a", "OrderChanged", new Order("a", seq)));
			this.bus.publish("orders-retry", Envelope.of("b", "OrderChanged", new Order("b", seq - 1)));
		}
		this.bus.publish("orders-retry", Envelope.of("b", "OrderChanged", new Order("b", 5)));

		await().atMost(TIMEOUT).until(() -> handled.contains("a5#1"));
		List<String> ofA = handled.stream().filter((entry) -> entry.startsWith("a")).toList();
		int retries = ofA.size() - 4;
		assertThat(retries).isGreaterThanOrEqualTo(3);
		assertThat(ofA.subList(0, retries)).allMatch((entry) -> entry.startsWith("a1#"));
		assertThat(ofA.subList(retries, ofA.size())).containsExactly("a2#1", "a3#1", "a4#1", "a5#1");
		assertThat(handled.indexOf("b5#1")).isLessThan(handled.indexOf(ofA.get(retries - 1)));
	}

	@Test
	void anEventThatFailsEveryAttemptLandsInTheDeadLetterTopicWithTheFailureHeaders() {
		List<Long> attemptTimes = new CopyOnWriteArrayList<>();
		SubscriptionOptions options = SubscriptionOptions.builder("billing")
			.retryPolicy(RetryPolicy.builder()
				.maxAttempts(3)
				.initialBackoff(Duration.ofMillis(50))
				.multiplier(2)
				.maxBackoff(Duration.ofSeconds(1))
				.build())
			.build();
		this.bus.subscribe("orders-dl", Order.class, options, (envelope, context) -> {
			attemptTimes.add(System.nanoTime());
			throw new IllegalArgumentException("card declined for " + envelope.aggregateId());
		});
		List<Received> deadLetters = new CopyOnWriteArrayList<>();
		this.bus.subscribe("orders-dl-dlt", byte[].class, SubscriptionOptions.of("ops"),
				(envelope, context) -> deadLetters.add(new Received(envelope, context)));

		PublishReceipt receipt = this.bus
			.publish("orders-dl", Envelope.of("order-7", "OrderPlaced", new Order("order-7", 1)))
			.join();

		await().atMost(TIMEOUT).until(() -> deadLetters.size() == 1);
		Received deadLetter = deadLetters.get(0);
		assertThat(deadLetter.envelope().eventId()).isEqualTo(receipt.eventId());
		assertThat(deadLetter.envelope().aggregateId()).isEqualTo("order-7");
		assertThat(deadLetter.context().transportHeaders())
			.containsEntry(DeadLetterRecord.HEADER_ORIGINAL_TOPIC, "orders-dl")
			.containsEntry(DeadLetterRecord.HEADER_ORIGINAL_OFFSET, String.valueOf(receipt.offset()))
			.containsEntry(DeadLetterRecord.HEADER_EXCEPTION_CLASS, IllegalArgumentException.class.getName())
			.containsEntry(DeadLetterRecord.HEADER_EXCEPTION_MESSAGE, "card declined for order-7")
			.containsEntry(DeadLetterRecord.HEADER_ATTEMPTS, "3")
			.containsEntry(DeadLetterRecord.HEADER_REASON, DeadLetterRecord.REASON_FAILED)
			.containsEntry(DeadLetterRecord.HEADER_GROUP, "billing");
		assertThat(attemptTimes).hasSize(3);
		assertThat(attemptTimes.get(1) - attemptTimes.get(0)).isGreaterThanOrEqualTo(Duration.ofMillis(50).toNanos());
		assertThat(attemptTimes.get(2) - attemptTimes.get(1)).isGreaterThanOrEqualTo(Duration.ofMillis(100).toNanos());
	}

	@Test
	void poisonGoesStraightToTheDeadLetterTopicAndConsumptionContinues() {
		List<String> handled = new CopyOnWriteArrayList<>();
		SubscriptionOptions options = SubscriptionOptions.builder("billing")
			.eventTypes(Set.of("OrderPlaced"))
			.retryPolicy(RetryPolicy.builder().maxAttempts(5).build())
			.build();
		this.bus.subscribe("orders-poison", Order.class, options,
				(envelope, context) -> handled.add(envelope.payload().id()));
		List<Received> deadLetters = new CopyOnWriteArrayList<>();
		this.bus.subscribe("orders-poison-dlt", byte[].class, SubscriptionOptions.of("ops"),
				(envelope, context) -> deadLetters.add(new Received(envelope, context)));
		EnvelopeCodec codec = new EnvelopeCodec(new JsonPayloadCodec());
		WireMessage valid = codec.encode(Envelope.builder("OrderPlaced", new Order("order-1", 1))
			.aggregateId("order-1")
			.source("foreign")
			.build(), HeaderStyle.KAFKA);
		WireMessage undecodable = new WireMessage(valid.key(), valid.headers(),
				"{\"id\": [broken".getBytes(StandardCharsets.UTF_8));

		this.bus.publishRaw("orders-poison", undecodable).join();
		this.bus.publish("orders-poison", Envelope.of("order-1", "OrderShredded", new Order("order-1", 2))).join();
		this.bus.publish("orders-poison", Envelope.of("order-1", "OrderPlaced", new Order("order-1-ok", 3))).join();

		await().atMost(TIMEOUT).until(() -> deadLetters.size() == 2 && handled.size() == 1);
		assertThat(handled).containsExactly("order-1-ok");
		assertThat(deadLetters).extracting((received) -> received.context().transportHeaders())
			.allSatisfy((headers) -> assertThat(headers).containsEntry(DeadLetterRecord.HEADER_REASON, "poison")
				.containsEntry(DeadLetterRecord.HEADER_ATTEMPTS, "0")
				.containsEntry(DeadLetterRecord.HEADER_ORIGINAL_TOPIC, "orders-poison"));
		assertThat(deadLetters.get(0).envelope().payload()).asString(StandardCharsets.UTF_8).isEqualTo("{\"id\": [broken");
		assertThat(deadLetters.get(1).envelope().eventType()).isEqualTo("OrderShredded");
		assertThat(deadLetters.get(1).context().transportHeaders().get(DeadLetterRecord.HEADER_EXCEPTION_MESSAGE))
			.contains("OrderShredded");
	}

}

package dev.eventbus.sample.orders;

import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.api.InvalidEnvelopeException;
import dev.eventbus.test.recording.EventBusRecorder;
import dev.eventbus.test.recording.HandlingAttempt;
import dev.eventbus.test.recording.HandlingAttempt.Outcome;
import dev.eventbus.test.recording.InjectedFailureException;
import dev.eventbus.test.spring.EventBusTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The billing handler's retry and dead-letter paths, exercised with eventbus-test's injected failures on
 * the memory transport: the handler is not changed, its attempts are made to fail.
 */
@SpringBootTest
@EventBusTest
class BillingHandlerTests {

	@Autowired
	EventBus bus;

	@Autowired
	EventBusRecorder recorder;

	@Autowired
	OrderBook book;

	@Autowired
	DeadLetterLogger deadLetters;

	private static Envelope<OrderPlaced> placed(String orderId) {
		return Envelope.ofEvent(orderId, new OrderPlaced(orderId, "dave", new BigDecimal("12.00"), List.of("pen")));
	}

	@Test
	void anOrderWhoseFirstTwoBillingAttemptsFailIsInvoicedOnTheThird() {
		String orderId = UUID.randomUUID().toString();
		Envelope<OrderPlaced> placed = placed(orderId);
		this.recorder.failures().failNext(OrderTopics.BILLING, placed.eventId(), 2);

		this.bus.publish(OrderTopics.ORDERS, placed).join();

		HandlingAttempt invoiced = this.recorder.await().handledBy(OrderTopics.BILLING, placed.eventId());
		assertThat(invoiced.attempt()).isEqualTo(3);
		assertThat(this.recorder.attempts(OrderTopics.BILLING, placed.eventId())).extracting(HandlingAttempt::outcome)
			.containsExactly(Outcome.RETRYING, Outcome.RETRYING, Outcome.HANDLED);
		OrderView order = this.book.find(orderId).orElseThrow();
		assertThat(order.invoice()).isEqualTo("INV-" + orderId);
		// the failed attempts did not reach the handler
		assertThat(order.billingAttempts()).isEqualTo(1);
	}

	@Test
	void anOrderWhoseEveryBillingAttemptFailsIsDeadLetteredWhileAuditHandlesIt() {
		String orderId = UUID.randomUUID().toString();
		this.recorder.failures().failNextOfAggregate(OrderTopics.BILLING, orderId, 3, null);

		String eventId = this.bus.publishEvent(OrderTopics.ORDERS, orderId, placed(orderId).payload()).join().eventId();

		HandlingAttempt last = this.recorder.await().deadLetteredBy(OrderTopics.BILLING, eventId);
		assertThat(last.attempt()).isEqualTo(3);
		assertThat(last.error()).isInstanceOf(InjectedFailureException.class);
		this.recorder.await().handledBy(OrderTopics.AUDIT, eventId);
		this.recorder.await().handledBy(OrderTopics.DEAD_LETTER_LOG, eventId);
		assertThat(this.deadLetters.received()).filteredOn((dead) -> dead.eventId().equals(eventId))
			.singleElement()
			.satisfies((dead) -> {
				assertThat(dead.group()).isEqualTo(OrderTopics.BILLING);
				assertThat(dead.reason()).isEqualTo("failed");
				assertThat(dead.attempts()).isEqualTo("3");
				assertThat(dead.exceptionClass()).isEqualTo(InjectedFailureException.class.getName());
			});
		assertThat(this.book.find(orderId).orElseThrow().invoice()).isNull();
	}

	@Test
	void aFailureRetryingCannotFixIsDeadLetteredAfterOneAttempt() {
		String orderId = UUID.randomUUID().toString();
		Envelope<OrderPlaced> placed = placed(orderId);
		this.recorder.failures().failNext(OrderTopics.BILLING, placed.eventId(), 1,
				() -> new InvalidEnvelopeException("payload", "the order cannot be billed"));

		this.bus.publish(OrderTopics.ORDERS, placed).join();

		HandlingAttempt dead = this.recorder.await().deadLetteredBy(OrderTopics.BILLING, placed.eventId());
		assertThat(dead.attempt()).isEqualTo(1);
		this.recorder.await().handledBy(OrderTopics.DEAD_LETTER_LOG, placed.eventId());
		assertThat(this.deadLetters.received()).filteredOn((letter) -> letter.eventId().equals(placed.eventId()))
			.singleElement()
			.satisfies((letter) -> assertThat(letter.reason()).isEqualTo("fatal"));
	}

}

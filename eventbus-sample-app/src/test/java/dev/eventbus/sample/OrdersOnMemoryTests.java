package dev.eventbus.sample;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import dev.eventbus.sample.orders.OrderPlaced;
import dev.eventbus.sample.orders.OrderTopics;
import dev.eventbus.sample.orders.PaymentDeclinedException;
import dev.eventbus.test.recording.EventBusRecorder;
import dev.eventbus.test.recording.HandlingAttempt;
import dev.eventbus.test.recording.HandlingAttempt.Outcome;
import dev.eventbus.test.recording.PublishedEvent;
import dev.eventbus.test.spring.EventBusTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample app on the memory transport ({@link EventBusTest @EventBusTest}): the same journey without
 * a broker, and what the recorder of eventbus-test shows of it.
 */
@EventBusTest
class OrdersOnMemoryTests extends OrdersEndToEndTestSupport {

	@Autowired
	EventBusRecorder recorder;

	@Override
	String expectedTransport() {
		return "memory";
	}

	@Test
	void placingAnOrderPublishesOrderPlacedKeyedByTheOrderIdWhichEveryGroupHandles() {
		String orderId = http().post("/orders", "{\"customer\":\"alice\",\"amount\":42.50,\"items\":[\"book\"]}")
			.json()
			.path("orderId")
			.asString();

		PublishedEvent placed = this.recorder.published().ofTopic(OrderTopics.ORDERS).ofType(OrderPlaced.TYPE)
			.withAggregateId(orderId).single();
		assertThat(placed.payload(OrderPlaced.class).customer()).isEqualTo("alice");
		assertThat(placed.payload(OrderPlaced.class).items()).containsExactly("book");
		for (String group : List.of(OrderTopics.BILLING, OrderTopics.SHIPPING, OrderTopics.AUDIT)) {
			assertThat(this.recorder.await().handledBy(group, placed.eventId()).attempt()).as(group).isEqualTo(1);
		}
	}

	@Test
	void aPoisonOrderFailsEveryBillingAttemptAndReachesTheDeadLetterLog() {
		String orderId = http().post("/orders", "{\"customer\":\"poison\",\"amount\":13}").json().path("orderId").asString();
		String eventId = this.recorder.published().withAggregateId(orderId).single().eventId();

		HandlingAttempt last = this.recorder.await().deadLetteredBy(OrderTopics.BILLING, eventId);

		assertThat(last.attempt()).isEqualTo(3);
		assertThat(last.error()).isInstanceOf(PaymentDeclinedException.class);
		assertThat(last.injected()).isFalse();
		assertThat(this.recorder.attempts(OrderTopics.BILLING, eventId)).extracting(HandlingAttempt::outcome)
			.containsExactly(Outcome.RETRYING, Outcome.RETRYING, Outcome.DEAD_LETTERED);
		this.recorder.await().handledBy(OrderTopics.AUDIT, eventId);
		this.recorder.await().handledBy(OrderTopics.DEAD_LETTER_LOG, eventId);
	}

}

package dev.eventbus.sample.orders;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.eventbus.core.api.DeadLetterRecord;
import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.api.EventContext;
import dev.eventbus.core.api.RetryPolicy;
import dev.eventbus.core.api.Subscription;
import dev.eventbus.core.api.SubscriptionOptions;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Logs what arrives on the orders dead-letter destination ({@code orders-dlt} on Kafka and memory,
 * {@code orders.dlt} on NATS) with the reason the bus recorded in its headers, and keeps the last
 * {@value #KEPT} for {@code GET /dead-letters}.
 *
 * <p>Subscribes programmatically (the destination name depends on the transport), with the raw
 * payload bytes so that even an undecodable message is shown, one attempt and no dead-lettering of
 * its own. Handler workers append to the list; REST threads read snapshots (both synchronized on it).
 */
@Component
public class DeadLetterLogger implements SmartLifecycle {

	static final int KEPT = 100;

	private static final Log logger = LogFactory.getLog(DeadLetterLogger.class);

	private final EventBus bus;

	private final Deque<DeadLetterView> received = new ArrayDeque<>();

	private volatile @Nullable Subscription subscription;

	public DeadLetterLogger(EventBus bus) {
		this.bus = bus;
	}

	@Override
	public void start() {
		String topic = this.bus.deadLetterTopic(OrderTopics.ORDERS);
		SubscriptionOptions options = SubscriptionOptions.builder(OrderTopics.DEAD_LETTER_LOG)
			.retryPolicy(RetryPolicy.none())
			.deadLetter(false)
			.build();
		this.subscription = this.bus.subscribe(topic, byte[].class, options, this::onDeadLetter);
		logger.info("dead-letter log: watching " + topic);
	}

	@Override
	public void stop() {
		Subscription current = this.subscription;
		this.subscription = null;
		if (current != null) {
			current.close();
		}
	}

	@Override
	public boolean isRunning() {
		return this.subscription != null;
	}

	@Override
	public int getPhase() {
		// Start after, and stop before, the bus's own lifecycle work.
		return Integer.MAX_VALUE - 1000;
	}

	private void onDeadLetter(Envelope<byte[]> envelope, EventContext context) {
		DeadLetterRecord dead = DeadLetterRecord.from(context).orElse(null);
		String payload = new String(envelope.payload(), StandardCharsets.UTF_8);
		if (payload.length() > 200) {
			payload = payload.substring(0, 200) + "...";
		}
		DeadLetterView view = new DeadLetterView(envelope.eventId(), envelope.eventType(), envelope.aggregateId(),
				(dead != null) ? dead.group() : null, (dead != null) ? dead.reason() : null,
				(dead != null) ? Integer.toString(dead.attempts()) : null, (dead != null) ? dead.exceptionClass() : null,
				(dead != null) ? dead.exceptionMessage() : null, payload);
		logger.warn("dead letter on " + context.topic() + ": " + view.eventType() + " " + view.eventId() + " of order "
				+ view.aggregateId() + " from group " + view.group() + ", reason " + view.reason() + " after "
				+ view.attempts() + " attempt(s): " + view.exceptionClass() + ": " + view.exceptionMessage()
				+ "; payload " + payload);
		synchronized (this.received) {
			this.received.addFirst(view);
			while (this.received.size() > KEPT) {
				this.received.removeLast();
			}
		}
	}

	/** @return the last dead letters received, newest first */
	public List<DeadLetterView> received() {
		synchronized (this.received) {
			return List.copyOf(this.received);
		}
	}

	/**
	 * A dead letter as logged.
	 *
	 * @param eventId event id
	 * @param eventType event type
	 * @param aggregateId order id
	 * @param group consumer group that gave up on it
	 * @param reason {@code failed} or {@code poison}
	 * @param attempts handler attempts made
	 * @param exceptionClass last exception's class
	 * @param exceptionMessage last exception's message
	 * @param payload payload as text, truncated
	 */
	public record DeadLetterView(String eventId, String eventType, @Nullable String aggregateId,
			@Nullable String group, @Nullable String reason, @Nullable String attempts,
			@Nullable String exceptionClass, @Nullable String exceptionMessage, String payload) {
	}

}

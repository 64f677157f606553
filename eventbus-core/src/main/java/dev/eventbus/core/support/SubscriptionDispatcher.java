package dev.eventbus.core.support;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;

import dev.eventbus.core.api.EventListener;
import dev.eventbus.core.api.SubscriptionOptions;
import dev.eventbus.core.codec.EnvelopeCodec;
import dev.eventbus.core.codec.HeaderStyle;
import dev.eventbus.core.keyed.KeyedExecutor;
import dev.eventbus.core.metrics.EventBusObserver;

/**
 * Runs the consuming half of the delivery contract for one subscription, the same for every
 * transport: dispatch into the shared {@link KeyedExecutor} (lane key = subscription id + aggregate
 * id under {@code Ordering.KEY}, no lane otherwise), decode on the worker, call the listener, retry
 * inside the lane with the subscription's backoff (the lane stays held, no worker is held while
 * waiting), and after the last attempt, or at once for poison, hand the message to the
 * {@link DeadLetterPublisher}. A dead-letter publish that fails is retried (lane held) until it
 * succeeds or the dispatcher is closed, so nothing is committed that is not handled or stored.
 *
 * <p>Thread-safe: the transport's fetch thread calls {@link #dispatch}; workers and the retry
 * scheduler run the rest.
 *
 * @param <T> payload type
 */
public final class SubscriptionDispatcher<T> {

	/**
	 * @param transport transport name for contexts and meters
	 * @param subscriptionId unique id of the subscription (part of the lane key)
	 * @param payloadType type the payload is decoded to
	 * @param options group, ordering, retry, dead-letter, accepted types
	 * @param listener the application's listener
	 * @param executor the shared keyed executor
	 * @param codec envelope codec
	 * @param headerStyle header naming of the transport
	 * @param deadLetters dead-letter publisher of the transport
	 * @param retryScheduler schedules retries after their backoff
	 * @param observer meters
	 */
	public SubscriptionDispatcher(String transport, String subscriptionId, Class<T> payloadType,
			SubscriptionOptions options, EventListener<? super T> listener, KeyedExecutor executor,
			EnvelopeCodec codec, HeaderStyle headerStyle, DeadLetterPublisher deadLetters,
			ScheduledExecutorService retryScheduler, EventBusObserver observer) {
		throw new UnsupportedOperationException("not implemented yet");
	}

	/**
	 * Hands a message to the executor. Never blocks longer than {@code maxWait} for room.
	 * @param message the fetched message
	 * @param maxWait longest wait for room in the executor
	 * @return completes with the outcome when the message may be committed/acked; completes
	 * exceptionally only if the dispatcher was closed before the message finished (then it must
	 * not be committed)
	 * @throws java.util.concurrent.RejectedExecutionException if the executor had no room in time
	 */
	public CompletableFuture<Outcome> dispatch(InboundMessage message, Duration maxWait) {
		return dispatch(message, maxWait, () -> false);
	}

	/**
	 * Hands a message to the executor with a revocation check: when {@code revoked} is true at the
	 * moment the message's turn comes (or before a retry), the message is not started and its future
	 * completes exceptionally with a {@link java.util.concurrent.CancellationException}. Kafka uses
	 * it to drop queued work of revoked partitions.
	 * @param message the fetched message
	 * @param maxWait longest wait for room in the executor
	 * @param revoked polled before each attempt
	 * @return as {@link #dispatch(InboundMessage, Duration)}
	 */
	public CompletableFuture<Outcome> dispatch(InboundMessage message, Duration maxWait, BooleanSupplier revoked) {
		throw new UnsupportedOperationException();
	}

	/** @return messages dispatched and not finished */
	public long pending() {
		throw new UnsupportedOperationException();
	}

	/**
	 * Stops starting new attempts: queued messages of this dispatcher complete exceptionally with a
	 * {@link java.util.concurrent.CancellationException} when their turn comes, pending retries are
	 * cancelled. Running attempts finish. Idempotent.
	 */
	public void close() {
		throw new UnsupportedOperationException();
	}

}

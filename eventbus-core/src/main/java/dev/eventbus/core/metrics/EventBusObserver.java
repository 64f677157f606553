package dev.eventbus.core.metrics;

import dev.eventbus.core.api.Subscription;

import org.jspecify.annotations.Nullable;

/**
 * Receives the measurements the bus takes on its hot paths. The transports call it; the Micrometer
 * binding turns it into the meters of {@link EventBusMetricNames}. Implementations must be
 * thread-safe, non-blocking and cheap. The default does nothing.
 */
public interface EventBusObserver {

	/** An observer that records nothing. */
	EventBusObserver NOOP = new EventBusObserver() {
	};

	/**
	 * A publish finished.
	 * @param transport transport name
	 * @param topic topic
	 * @param nanos time from the call to the broker's acknowledgement or the failure
	 * @param error the failure, or null on success
	 */
	default void published(String transport, String topic, long nanos, @Nullable Throwable error) {
	}

	/**
	 * One handler attempt finished.
	 * @param transport transport name
	 * @param topic topic
	 * @param group consumer group
	 * @param nanos time spent in the handler
	 * @param error the handler's exception, or null on success
	 */
	default void handled(String transport, String topic, String group, long nanos, @Nullable Throwable error) {
	}

	/**
	 * An event left the bus's hands: handled, dead-lettered or skipped; it may now be committed.
	 * @param transport transport name
	 * @param topic topic
	 * @param group consumer group
	 * @param outcome {@code success}, {@code dead_lettered}, {@code skipped} or {@code poison}
	 * @param nanos time from dispatch into the executor to completion
	 * @param error the last failure, or null on success
	 */
	default void consumed(String transport, String topic, String group, String outcome, long nanos,
			@Nullable Throwable error) {
	}

	/**
	 * A subscription closed, however it was closed (by its owner, by the bus's close or after it
	 * failed), on the closing thread once it no longer delivers: its meters may go.
	 * @param transport transport name
	 * @param subscription the closed subscription
	 */
	default void subscriptionClosed(String transport, Subscription subscription) {
	}

}

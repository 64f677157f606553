package dev.eventbus.core.api;

/**
 * Handles the events of a subscription. Called on an executor worker; with {@link Ordering#KEY}
 * never concurrently for the same aggregate id. Throwing any exception makes the bus retry the event
 * (inside its key's lane) according to the subscription's {@link RetryPolicy}.
 *
 * <p>A listener that returns with its thread's interrupt flag set counts as having handled the event: the
 * bus clears the flag (logging a warning) before it acknowledges or commits, so the event is not
 * delivered again.
 *
 * <p>A listener whose work completes later (non-blocking I/O) is an {@link AsyncEventListener}: it returns
 * a {@code CompletionStage} and holds its key's lane, but no worker, until the stage completes.
 *
 * @param <T> payload type
 */
@FunctionalInterface
public interface EventListener<T> {

	/**
	 * Handles one event.
	 * @param envelope the decoded event
	 * @param context where it came from and which attempt this is
	 * @throws Exception to request a retry (or dead-lettering after the last attempt)
	 */
	void onEvent(Envelope<T> envelope, EventContext context) throws Exception;

}

package dev.eventbus.core.api;

import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/**
 * Handles the events of a subscription asynchronously: {@link #onEventAsync} starts the work and
 * returns its completion, and the bus treats the event as in progress until that stage completes.
 * With {@link Ordering#KEY} the key's lane stays held meanwhile (a later event of the aggregate waits),
 * but no executor worker is: the worker returns as soon as {@code onEventAsync} returns, so handler I/O
 * does not need a thread per event in flight.
 *
 * <p>The stage's outcome counts like a synchronous listener's: completing normally (or returning
 * {@code null}) means handled, and the event is committed or acknowledged; completing exceptionally,
 * or throwing from {@code onEventAsync}, is a failure retried inside the lane by the subscription's
 * {@link RetryPolicy} (fatal exceptions are dead-lettered at once, the last failure is dead-lettered),
 * with the stage's cause unwrapped from a {@link CompletionException} or {@link ExecutionException}. A
 * {@link VirtualMachineError} as the cause fails the subscription, as when thrown. What the bus does
 * after the stage completed runs on an executor worker, not on the thread that completed the stage.
 *
 * <p>A stage that never completes holds its key until the subscription or the bus is closed: close
 * waits for it no longer than its timeout, then leaves the event unfinished (not committed, delivered
 * again to the next instance); the bus does not cancel the stage.
 *
 * <p>Subscribe it with {@link EventBus#subscribeAsync}; it is also an {@link EventListener}, so any bus
 * or decorator passes it along. The transports call {@link #onEventAsync}; {@link #onEvent} exists only
 * for code that knows synchronous listeners alone, and waits for the stage.
 *
 * @param <T> payload type
 */
@FunctionalInterface
public interface AsyncEventListener<T> extends EventListener<T> {

	/**
	 * Starts handling one event.
	 * @param envelope the decoded event
	 * @param context where it came from and which attempt this is
	 * @return completes when the event is handled (exceptionally to request a retry, or
	 * dead-lettering after the last attempt); {@code null} counts as handled
	 * @throws Exception as an exceptional completion
	 */
	CompletionStage<?> onEventAsync(Envelope<T> envelope, EventContext context) throws Exception;

	/**
	 * Handles one event synchronously: calls {@link #onEventAsync} and waits for its stage. The bus's
	 * transports never call it (they hold no worker while the stage is open).
	 * @param envelope the decoded event
	 * @param context where it came from and which attempt this is
	 * @throws Exception the stage's failure, unwrapped
	 */
	@Override
	default void onEvent(Envelope<T> envelope, EventContext context) throws Exception {
		CompletionStage<?> stage = onEventAsync(envelope, context);
		if (stage == null) {
			return;
		}
		try {
			stage.toCompletableFuture().get();
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			if (cause instanceof Exception exception) {
				throw exception;
			}
			if (cause instanceof Error error) {
				throw error;
			}
			throw ex;
		}
	}

}

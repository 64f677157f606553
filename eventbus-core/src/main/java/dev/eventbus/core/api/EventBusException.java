package dev.eventbus.core.api;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import org.jspecify.annotations.Nullable;

/**
 * Base of every exception the event bus throws or completes a future with. Unchecked.
 */
public class EventBusException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/** @param message what went wrong and how to fix it */
	public EventBusException(String message) {
		super(message);
	}

	/** @param message what went wrong and how to fix it @param cause the underlying failure */
	public EventBusException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

	/**
	 * The failure behind the wrappers that futures add: unwraps {@link CompletionException} and
	 * {@link ExecutionException} as long as they have a cause. Use it in a
	 * {@code whenComplete((receipt, error) -> ...)} of a publish future to see the
	 * {@link PublishTimeoutException} or {@link PublishRejectedException} itself.
	 * @param error a failure, possibly wrapped
	 * @return the innermost non-wrapper failure ({@code error} itself when it is no wrapper)
	 */
	public static Throwable unwrap(Throwable error) {
		Throwable cause = error;
		while ((cause instanceof CompletionException || cause instanceof ExecutionException)
				&& cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

}

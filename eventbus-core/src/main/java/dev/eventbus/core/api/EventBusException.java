package dev.eventbus.core.api;

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

}

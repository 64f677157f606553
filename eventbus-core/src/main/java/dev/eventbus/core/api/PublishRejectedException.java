package dev.eventbus.core.api;

import org.jspecify.annotations.Nullable;

/**
 * The bus refused a publish without sending it: the publish circuit breaker is open, the bus is
 * closed, or the broker rejected the event for good (too large, no such topic, not authorized).
 */
public class PublishRejectedException extends PublishException {

	private static final long serialVersionUID = 1L;

	/**
	 * @param topic the topic of the refused publish
	 * @param message why it was refused and how to fix it
	 * @param cause the underlying failure, if any
	 */
	public PublishRejectedException(String topic, String message, @Nullable Throwable cause) {
		super(topic, message, cause);
	}

}

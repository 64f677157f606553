package dev.eventbus.core.api;

import org.jspecify.annotations.Nullable;

/**
 * A publish failed: the broker refused the event, was unreachable past the configured timeouts, or
 * the bus is closed. The event was not stored; the caller may retry.
 */
public class PublishException extends EventBusException {

	private static final long serialVersionUID = 1L;

	private final String topic;

	/**
	 * @param topic the topic of the failed publish
	 * @param message what failed and how to fix it
	 * @param cause the client's failure, if any
	 */
	public PublishException(String topic, String message, @Nullable Throwable cause) {
		super(message, cause);
		this.topic = topic;
	}

	/** @return the topic of the failed publish */
	public String topic() {
		return this.topic;
	}

}

package dev.eventbus.core.api;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * The bound on unacknowledged publishes was reached and the caller waited the whole max-block
 * without room freeing up, or the broker did not acknowledge within the delivery timeout. The event
 * was not accepted.
 */
public class PublishTimeoutException extends PublishException {

	private static final long serialVersionUID = 1L;

	private final Duration waited;

	/**
	 * @param topic the topic of the failed publish
	 * @param waited how long the caller waited
	 * @param message what happened and which setting bounds it
	 * @param cause the client's failure, if any
	 */
	public PublishTimeoutException(String topic, Duration waited, String message, @Nullable Throwable cause) {
		super(topic, message, cause);
		this.waited = waited;
	}

	/** @return how long the caller waited before giving up */
	public Duration waited() {
		return this.waited;
	}

}

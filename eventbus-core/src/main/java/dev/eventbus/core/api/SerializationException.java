package dev.eventbus.core.api;

import org.jspecify.annotations.Nullable;

/**
 * A payload could not be serialized for publishing, or an incoming message could not be decoded.
 * On the consuming side such a message is poison: it goes to the dead-letter destination at once.
 */
public class SerializationException extends EventBusException {

	private static final long serialVersionUID = 1L;

	/** @param message what failed @param cause the codec's failure */
	public SerializationException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

	/** @param message what failed */
	public SerializationException(String message) {
		super(message);
	}

}

package dev.eventbus.core.api;

/**
 * An envelope, topic or argument was invalid. Thrown at the call site before anything is sent;
 * {@link #field()} names the culprit.
 */
public class InvalidEnvelopeException extends EventBusException {

	private static final long serialVersionUID = 1L;

	private final String field;

	/** @param field the invalid field or argument @param message what is wrong with it */
	public InvalidEnvelopeException(String field, String message) {
		super(message);
		this.field = field;
	}

	/** @return the name of the invalid field or argument, for example {@code aggregateId} */
	public String field() {
		return this.field;
	}

}

package dev.eventbus.test.recording;

/**
 * What a handler attempt throws when {@link EventFailures} made it fail and no other exception was
 * asked for. Not fatal to the default retry policy, so the bus retries it like any handler failure.
 */
public class InjectedFailureException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/** @param message says which rule injected it */
	public InjectedFailureException(String message) {
		super(message);
	}

}

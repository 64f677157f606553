package dev.eventbus.autoconfigure;

/**
 * The event bus's configuration is invalid or contradictory. Thrown at start-up; the failure
 * analyzer prints the {@link #property() property}, what is wrong and {@link #action() how to fix
 * it}.
 */
public class EventBusConfigurationException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String property;

	private final String action;

	/**
	 * @param property the property (or properties) at fault, for example
	 * {@code eventbus.kafka.bootstrap-servers}
	 * @param description what is wrong
	 * @param action how to fix it
	 */
	public EventBusConfigurationException(String property, String description, String action) {
		this(property, description, action, null);
	}

	/**
	 * @param property the property at fault
	 * @param description what is wrong
	 * @param action how to fix it
	 * @param cause the underlying failure, if any
	 */
	public EventBusConfigurationException(String property, String description, String action,
			@org.jspecify.annotations.Nullable Throwable cause) {
		super(description, cause);
		this.property = property;
		this.action = action;
	}

	/** @return the property at fault */
	public String property() {
		return this.property;
	}

	/** @return how to fix it */
	public String action() {
		return this.action;
	}

}

package dev.eventbus.core.api;

import java.time.Duration;

/**
 * A publish was refused without being sent because the publish circuit breaker is open: recent
 * publishes failed at or above the configured failure rate, so the bus fails fast instead of making
 * every caller wait for timeouts against a broker that looks unreachable.
 */
public class CircuitBreakerOpenException extends PublishRejectedException {

	private static final long serialVersionUID = 1L;

	private final String breakerName;

	private final String state;

	private final Duration waitInOpenState;

	/**
	 * @param topic the topic of the refused publish
	 * @param breakerName the circuit breaker's name
	 * @param state the breaker's state, for example {@code OPEN} or {@code HALF_OPEN}
	 * @param failureRate the failure rate in percent that opened it, negative when not known
	 * @param waitInOpenState how long the breaker stays open before it lets trial publishes through
	 */
	public CircuitBreakerOpenException(String topic, String breakerName, String state, float failureRate,
			Duration waitInOpenState) {
		super(topic, message(topic, breakerName, state, failureRate, waitInOpenState), null);
		this.breakerName = breakerName;
		this.state = state;
		this.waitInOpenState = waitInOpenState;
	}

	private static String message(String topic, String breakerName, String state, float failureRate,
			Duration wait) {
		String rate = (failureRate >= 0) ? " after a failure rate of " + failureRate + "%" : "";
		return "Publish to '" + topic + "' rejected: circuit breaker '" + breakerName + "' is " + state + rate
				+ "; publishes fail fast for up to " + wait.toMillis() + " ms before trial publishes are let through. "
				+ "The broker looks unreachable: check the transport's connection settings and the broker's health "
				+ "(thresholds: eventbus.publish.circuit-breaker.*)";
	}

	/** @return the circuit breaker's name */
	public String breakerName() {
		return this.breakerName;
	}

	/** @return the breaker's state when the publish was refused */
	public String state() {
		return this.state;
	}

	/** @return how long the breaker stays open before trial publishes */
	public Duration waitInOpenState() {
		return this.waitInOpenState;
	}

}

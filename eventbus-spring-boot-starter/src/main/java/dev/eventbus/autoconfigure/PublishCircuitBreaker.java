package dev.eventbus.autoconfigure;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;

import dev.eventbus.core.api.InvalidEnvelopeException;
import dev.eventbus.core.api.SerializationException;

/**
 * The publish circuit breaker of the bus (bean {@code eventBusPublishCircuitBreaker}), kept in its
 * own resilience4j registry so that it neither clashes with nor is configured by an application's
 * own {@code CircuitBreakerRegistry}. Exposed for health, metrics and the endpoint.
 */
public final class PublishCircuitBreaker {

	/** Name of the breaker, used as the {@code name} tag of resilience4j's meters. */
	public static final String NAME = "eventbus-publish";

	private final CircuitBreakerRegistry registry;

	private final CircuitBreaker circuitBreaker;

	/**
	 * @param properties the breaker settings ({@code eventbus.publish.circuit-breaker.*})
	 */
	public PublishCircuitBreaker(EventBusProperties.CircuitBreaker properties) {
		CircuitBreakerConfig config;
		try {
			config = CircuitBreakerConfig.custom()
				.failureRateThreshold(properties.getFailureRateThreshold())
				.slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
				.slidingWindowSize(properties.getSlidingWindowSize())
				.minimumNumberOfCalls(properties.getMinimumNumberOfCalls())
				.waitDurationInOpenState(properties.getWaitInOpenState())
				.permittedNumberOfCallsInHalfOpenState(properties.getPermittedCallsInHalfOpenState())
				.ignoreExceptions(InvalidEnvelopeException.class, SerializationException.class)
				.build();
		}
		catch (IllegalArgumentException ex) {
			throw new EventBusConfigurationException("eventbus.publish.circuit-breaker",
					"The publish circuit breaker settings are invalid: " + ex.getMessage(),
					"Use a failure-rate-threshold in (0, 100], a sliding-window-size and minimum-number-of-calls of "
							+ "at least 1, a positive wait-in-open-state and permitted-calls-in-half-open-state.",
					ex);
		}
		this.registry = CircuitBreakerRegistry.of(config);
		this.circuitBreaker = this.registry.circuitBreaker(NAME);
	}

	/** @return the breaker */
	public CircuitBreaker circuitBreaker() {
		return this.circuitBreaker;
	}

	/** @return the registry holding only this breaker, for resilience4j-micrometer */
	public CircuitBreakerRegistry registry() {
		return this.registry;
	}

}

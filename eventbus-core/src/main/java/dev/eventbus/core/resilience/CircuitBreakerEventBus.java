package dev.eventbus.core.resilience;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;

import dev.eventbus.core.api.CircuitBreakerOpenException;
import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.api.EventBusException;
import dev.eventbus.core.api.InvalidEnvelopeException;
import dev.eventbus.core.api.PublishReceipt;
import dev.eventbus.core.api.SerializationException;
import dev.eventbus.core.metrics.EventBusObserver;
import dev.eventbus.core.support.ForwardingEventBus;

/**
 * Decorates any {@link EventBus} with a resilience4j {@link CircuitBreaker} around
 * {@link #publish(String, Envelope)}. While the breaker is closed, every publish outcome is
 * recorded (a failed future counts as a failure, an {@link InvalidEnvelopeException} or
 * {@link SerializationException} is the caller's fault and is not counted). While it is open, a
 * publish fails at once with a {@link CircuitBreakerOpenException} naming the breaker's state and
 * wait, and the rejection is reported to the observer as a {@code rejected} publish.
 * Subscriptions pass straight through.
 *
 * <p>Thread-safe: the breaker is thread-safe and the decorator holds no other mutable state.
 * Outcomes are recorded on the thread that completes the delegate's future.
 */
public final class CircuitBreakerEventBus extends ForwardingEventBus {

	private final CircuitBreaker circuitBreaker;

	private final EventBusObserver observer;

	private CircuitBreakerEventBus(EventBus delegate, CircuitBreaker circuitBreaker, EventBusObserver observer) {
		super(delegate);
		this.circuitBreaker = Objects.requireNonNull(circuitBreaker, "circuitBreaker must not be null");
		this.observer = Objects.requireNonNull(observer, "observer must not be null");
	}

	/**
	 * @param delegate the bus to protect; closed with the decorator
	 * @param circuitBreaker the breaker
	 * @param observer told about publishes refused by the open breaker
	 * @return the decorated bus
	 */
	public static CircuitBreakerEventBus decorate(EventBus delegate, CircuitBreaker circuitBreaker,
			EventBusObserver observer) {
		return new CircuitBreakerEventBus(delegate, circuitBreaker, observer);
	}

	/** @return the circuit breaker, for health and metrics */
	public CircuitBreaker circuitBreaker() {
		return this.circuitBreaker;
	}

	@Override
	public CompletableFuture<PublishReceipt> publish(String topic, Envelope<?> envelope) {
		if (!this.circuitBreaker.tryAcquirePermission()) {
			CircuitBreakerOpenException rejected = new CircuitBreakerOpenException(topic,
					this.circuitBreaker.getName(), this.circuitBreaker.getState().name(),
					this.circuitBreaker.getMetrics().getFailureRate(), waitInOpenState());
			this.observer.published(delegate().transport(), topic, 0, rejected);
			return CompletableFuture.failedFuture(rejected);
		}
		long start = this.circuitBreaker.getCurrentTimestamp();
		CompletableFuture<PublishReceipt> result;
		try {
			result = delegate().publish(topic, envelope);
		}
		catch (InvalidEnvelopeException | SerializationException ex) {
			this.circuitBreaker.releasePermission();
			throw ex;
		}
		catch (RuntimeException ex) {
			this.circuitBreaker.onError(elapsed(start), this.circuitBreaker.getTimestampUnit(), ex);
			throw ex;
		}
		return result.whenComplete((receipt, error) -> {
			long duration = elapsed(start);
			if (error == null) {
				this.circuitBreaker.onSuccess(duration, this.circuitBreaker.getTimestampUnit());
			}
			else {
				Throwable cause = EventBusException.unwrap(error);
				if (cause instanceof InvalidEnvelopeException || cause instanceof SerializationException) {
					this.circuitBreaker.releasePermission();
				}
				else {
					this.circuitBreaker.onError(duration, this.circuitBreaker.getTimestampUnit(), cause);
				}
			}
		});
	}

	@Override
	public String toString() {
		return "CircuitBreakerEventBus{" + delegate() + ", breaker=" + this.circuitBreaker.getName() + "}";
	}

	private Duration waitInOpenState() {
		return Duration.ofMillis(
				this.circuitBreaker.getCircuitBreakerConfig().getWaitIntervalFunctionInOpenState().apply(1));
	}

	private long elapsed(long start) {
		return Math.max(0, this.circuitBreaker.getCurrentTimestamp() - start);
	}

}

package dev.eventbus.core.resilience;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import dev.eventbus.core.api.CircuitBreakerOpenException;
import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.api.EventListener;
import dev.eventbus.core.api.InvalidEnvelopeException;
import dev.eventbus.core.api.PublishReceipt;
import dev.eventbus.core.api.PublishTimeoutException;
import dev.eventbus.core.api.Subscription;
import dev.eventbus.core.api.SubscriptionOptions;
import dev.eventbus.core.metrics.MicrometerEventBusObserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class CircuitBreakerEventBusTests {

	private final ScriptedBus delegate = new ScriptedBus();

	private final CircuitBreaker breaker = CircuitBreaker.of("eventbus-publish",
			CircuitBreakerConfig.custom()
				.slidingWindowSize(4)
				.minimumNumberOfCalls(4)
				.failureRateThreshold(50)
				.waitDurationInOpenState(Duration.ofSeconds(30))
				.build());

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final CircuitBreakerEventBus bus = CircuitBreakerEventBus.decorate(this.delegate, this.breaker,
			new MicrometerEventBusObserver(this.registry));

	@Test
	void publishFailuresOpenTheBreakerAndLaterPublishesFailFastNamingStateAndWait() {
		this.delegate.fail = true;
		for (int i = 0; i < 4; i++) {
			assertThat(this.bus.publish("orders", envelope())).isCompletedExceptionally();
		}
		assertThat(this.breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
		int callsBefore = this.delegate.calls;
		CompletableFuture<PublishReceipt> rejected = this.bus.publish("orders", envelope());
		assertThat(this.delegate.calls).as("an open breaker must not call the transport").isEqualTo(callsBefore);
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(rejected::get)
			.havingCause()
			.isInstanceOf(CircuitBreakerOpenException.class)
			.withMessageContaining("circuit breaker 'eventbus-publish' is OPEN")
			.withMessageContaining("failure rate of 100.0%")
			.withMessageContaining("30000 ms")
			.withMessageContaining("eventbus.publish.circuit-breaker");
		assertThat(this.registry.get("eventbus.publish").tag("outcome", "rejected")
			.tag("exception", "CircuitBreakerOpenException").timer().count()).isEqualTo(1);
	}

	@Test
	void successfulPublishesKeepTheBreakerClosed() throws Exception {
		for (int i = 0; i < 10; i++) {
			assertThat(this.bus.publish("orders", envelope()).get().topic()).isEqualTo("orders");
		}
		assertThat(this.breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(this.breaker.getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(4);
	}

	@Test
	void invalidEnvelopesAreTheCallersFaultAndDoNotCountAsFailures() {
		this.delegate.invalid = true;
		for (int i = 0; i < 10; i++) {
			assertThatExceptionOfType(InvalidEnvelopeException.class)
				.isThrownBy(() -> this.bus.publish("orders", envelope()));
		}
		assertThat(this.breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(this.breaker.getMetrics().getNumberOfBufferedCalls()).isZero();
	}

	@Test
	void subscriptionsAndTransportPassThrough() {
		assertThat(this.bus.transport()).isEqualTo("scripted");
		assertThat(this.bus.subscriptions()).isEmpty();
		this.bus.close();
		assertThat(this.delegate.closed).isTrue();
	}

	private static Envelope<String> envelope() {
		return Envelope.of("order-1", "OrderPlaced", "payload");
	}

	/** A unit-test stand-in for a transport whose publish outcome the test scripts. */
	static final class ScriptedBus implements EventBus {

		volatile boolean fail;

		volatile boolean invalid;

		volatile boolean closed;

		int calls;

		@Override
		public CompletableFuture<PublishReceipt> publish(String topic, Envelope<?> envelope) {
			this.calls++;
			if (this.invalid) {
				throw new InvalidEnvelopeException("eventType", "eventType must not be blank");
			}
			if (this.fail) {
				return CompletableFuture.failedFuture(new PublishTimeoutException(topic, Duration.ofSeconds(1), "broker down", null));
			}
			return CompletableFuture.completedFuture(new PublishReceipt(topic, envelope.eventId(), 0, 1L, null, false));
		}

		@Override
		public <T> Subscription subscribe(Collection<String> topics, Class<T> payloadType,
				SubscriptionOptions options, EventListener<? super T> listener) {
			throw new UnsupportedOperationException();
		}

		@Override
		public String deadLetterTopic(String topic) {
			return topic + "-dlt";
		}

		@Override
		public List<Subscription> subscriptions() {
			return new ArrayList<>();
		}

		@Override
		public String transport() {
			return "scripted";
		}

		@Override
		public void close() {
			this.closed = true;
		}

	}

}

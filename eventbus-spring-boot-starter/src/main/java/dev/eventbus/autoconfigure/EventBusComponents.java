package dev.eventbus.autoconfigure;

import java.time.Duration;
import java.util.List;

import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.codec.EnvelopeCodec;
import dev.eventbus.core.keyed.KeyedExecutor;
import dev.eventbus.core.metrics.EventBusObserver;
import dev.eventbus.core.observation.HandleObservationConvention;
import dev.eventbus.core.observation.PublishObservationConvention;
import dev.eventbus.core.resilience.CircuitBreakerEventBus;
import dev.eventbus.core.support.BusSettings;
import dev.eventbus.core.support.ForwardingEventBus;

/**
 * What every transport auto-configuration needs to build its bus (bean
 * {@code eventBusComponents}): the shared executor, the codec, the observer, the CloudEvents
 * source, the shutdown timeout, the observation registry and conventions; and {@link #decorate(EventBus)}, which wraps the transport's bus
 * with the publish circuit breaker and the envelope customizers. Immutable.
 */
public final class EventBusComponents {

	private final KeyedExecutor executor;

	private final EnvelopeCodec codec;

	private final EventBusObserver observer;

	private final String source;

	private final Duration shutdownTimeout;

	private final @Nullable PublishCircuitBreaker circuitBreaker;

	private final List<EventBusEnvelopeCustomizer> customizers;

	private final ObservationRegistry observationRegistry;

	private final @Nullable PublishObservationConvention publishObservationConvention;

	private final @Nullable HandleObservationConvention handleObservationConvention;

	EventBusComponents(KeyedExecutor executor, EnvelopeCodec codec, EventBusObserver observer, String source,
			Duration shutdownTimeout, @Nullable PublishCircuitBreaker circuitBreaker,
			List<EventBusEnvelopeCustomizer> customizers, ObservationRegistry observationRegistry,
			@Nullable PublishObservationConvention publishObservationConvention,
			@Nullable HandleObservationConvention handleObservationConvention) {
		this.executor = executor;
		this.codec = codec;
		this.observer = observer;
		this.source = source;
		this.shutdownTimeout = shutdownTimeout;
		this.circuitBreaker = circuitBreaker;
		this.customizers = List.copyOf(customizers);
		this.observationRegistry = observationRegistry;
		this.publishObservationConvention = publishObservationConvention;
		this.handleObservationConvention = handleObservationConvention;
	}

	/** @return the shared keyed executor (not closed by the bus) */
	public KeyedExecutor executor() {
		return this.executor;
	}

	/** @return the envelope codec */
	public EnvelopeCodec codec() {
		return this.codec;
	}

	/** @return the observer the bus reports its measurements to */
	public EventBusObserver observer() {
		return this.observer;
	}

	/**
	 * @return the registry publish and handle are observed in: the application's, or
	 * {@link ObservationRegistry#NOOP} without one or with {@code eventbus.observation.enabled=false}
	 */
	public ObservationRegistry observationRegistry() {
		return this.observationRegistry;
	}

	/** @return the CloudEvents source for envelopes without one */
	public String source() {
		return this.source;
	}

	/** @return how long closing the bus waits for in-flight events */
	public Duration shutdownTimeout() {
		return this.shutdownTimeout;
	}

	/**
	 * The settings every transport's builder takes at once ({@code builder.settings(...)}).
	 * @return executor, codec, observer, source, shutdown timeout, observation registry and conventions
	 * @throws IllegalArgumentException naming the invalid setting
	 */
	public BusSettings settings() {
		return BusSettings.builder()
			.executor(this.executor)
			.codec(this.codec)
			.observer(this.observer)
			.source(this.source)
			.shutdownTimeout(this.shutdownTimeout)
			.observationRegistry(this.observationRegistry)
			.publishObservationConvention(this.publishObservationConvention)
			.handleObservationConvention(this.handleObservationConvention)
			.build();
	}

	/**
	 * Wraps a transport's bus with the publish circuit breaker (when enabled) and the envelope
	 * customizers (when any). Closing the result closes the transport's bus.
	 * @param transportBus the transport's bus
	 * @return the bus to expose as the application's {@code eventBus} bean
	 */
	public EventBus decorate(EventBus transportBus) {
		EventBus bus = transportBus;
		if (this.circuitBreaker != null) {
			bus = CircuitBreakerEventBus.decorate(bus, this.circuitBreaker.circuitBreaker(), this.observer);
		}
		if (!this.customizers.isEmpty()) {
			bus = new CustomizingEventBus(bus, this.customizers);
		}
		return bus;
	}

	/**
	 * The transport's own bus below the decorators of {@link #decorate(EventBus)}.
	 * @param bus a bus returned by {@link #decorate(EventBus)} (or any other bus)
	 * @return the innermost bus
	 */
	public static EventBus unwrap(EventBus bus) {
		return ForwardingEventBus.unwrap(bus);
	}

}

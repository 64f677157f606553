package dev.eventbus.core.support;

import java.time.Duration;

import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.codec.EnvelopeCodec;
import dev.eventbus.core.keyed.KeyedExecutor;
import dev.eventbus.core.metrics.EventBusObserver;

import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

/**
 * The part of every transport's builder that sets the {@link BusSettings}. Setters only record;
 * {@code build()} validates everything at once (via {@link #settings()}) and names the setting it
 * rejects. Not thread-safe.
 *
 * @param <B> the transport's builder type
 */
public abstract class EventBusBuilder<B extends EventBusBuilder<B>> {

	private final BusSettings.Builder settings = BusSettings.builder();

	/** For subclasses. */
	protected EventBusBuilder() {
	}

	/**
	 * Takes every shared setting at once (the Spring Boot starter uses this).
	 * @param settings executor, codec, observer, source and shutdown timeout
	 * @return this builder
	 */
	public B settings(BusSettings settings) {
		this.settings.settings(settings);
		return self();
	}

	/**
	 * @param executor the application's shared keyed executor; not closed by the bus (default: a
	 * bus-owned executor with the default options, created at the first subscription)
	 * @return this builder
	 */
	public B executor(@Nullable KeyedExecutor executor) {
		this.settings.executor(executor);
		return self();
	}

	/** @param codec envelope codec (default: JSON payloads) @return this builder */
	public B codec(@Nullable EnvelopeCodec codec) {
		this.settings.codec(codec);
		return self();
	}

	/** @param observer measurements sink (default: none) @return this builder */
	public B observer(@Nullable EventBusObserver observer) {
		this.settings.observer(observer);
		return self();
	}

	/**
	 * @param observationRegistry where publish and handle are observed: a publish injects the current
	 * trace context into the message headers, a handler runs in the producer's trace (default
	 * {@link ObservationRegistry#NOOP}: not observed)
	 * @return this builder
	 */
	public B observationRegistry(@Nullable ObservationRegistry observationRegistry) {
		this.settings.observationRegistry(observationRegistry);
		return self();
	}

	/**
	 * @param source CloudEvents source of envelopes published without one (default
	 * {@value BusSettings#DEFAULT_SOURCE})
	 * @return this builder
	 */
	public B source(@Nullable String source) {
		this.settings.source(source);
		return self();
	}

	/**
	 * @param shutdownTimeout one deadline for close: draining subscriptions, flushing publishes,
	 * stopping an own executor (default 30 s), not negative
	 * @return this builder
	 */
	public B shutdownTimeout(@Nullable Duration shutdownTimeout) {
		this.settings.shutdownTimeout(shutdownTimeout);
		return self();
	}

	/**
	 * The validated shared settings, for {@code build()}.
	 * @return the settings
	 * @throws IllegalArgumentException naming the invalid setting
	 */
	protected final BusSettings settings() {
		return this.settings.build();
	}

	/** @return this builder as its own type */
	@SuppressWarnings("unchecked")
	protected final B self() {
		return (B) this;
	}

	/**
	 * @return the bus
	 * @throws IllegalArgumentException naming the invalid setting
	 */
	public abstract EventBus build();

}

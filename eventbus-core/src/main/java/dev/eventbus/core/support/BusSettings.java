package dev.eventbus.core.support;

import java.time.Duration;
import java.util.Objects;

import dev.eventbus.core.codec.EnvelopeCodec;
import dev.eventbus.core.codec.JsonPayloadCodec;
import dev.eventbus.core.keyed.KeyedExecutor;
import dev.eventbus.core.metrics.EventBusObserver;
import dev.eventbus.core.observation.HandleObservationConvention;
import dev.eventbus.core.observation.PublishObservationConvention;

import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

/**
 * The settings every transport shares: the keyed executor handlers run on, the envelope codec, the
 * observer that measures, the CloudEvents source filled into envelopes without one, and the bound
 * on closing. Immutable; built with {@link #builder()}, or through a transport builder's setters
 * (see {@link EventBusBuilder}).
 *
 * @param executor the application's shared keyed executor (not closed by the bus), or null for one the
 * bus creates at its first subscription and closes with itself
 * @param codec envelope codec
 * @param observer measurements sink
 * @param source CloudEvents source of envelopes that have none
 * @param shutdownTimeout one deadline for {@code close()}: draining subscriptions, flushing publishes,
 * stopping an own executor
 * @param observationRegistry where publish and handle are observed ({@link ObservationRegistry#NOOP}: not at all)
 * @param publishObservationConvention naming of the publish observation, or null for the default
 * @param handleObservationConvention naming of the handle observation, or null for the default
 */
public record BusSettings(@Nullable KeyedExecutor executor, EnvelopeCodec codec, EventBusObserver observer,
		String source, Duration shutdownTimeout, ObservationRegistry observationRegistry,
		@Nullable PublishObservationConvention publishObservationConvention,
		@Nullable HandleObservationConvention handleObservationConvention) {

	/** Default CloudEvents source: {@value}. */
	public static final String DEFAULT_SOURCE = "eventbus";

	/** Default bound on {@code close()}: 30 seconds. */
	public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

	/**
	 * @return the defaults: own executor, JSON codec, no observer, source {@value #DEFAULT_SOURCE}, 30 s,
	 * no observations
	 */
	public static BusSettings defaults() {
		return builder().build();
	}

	/** @return a builder with the defaults */
	public static Builder builder() {
		return new Builder();
	}

	/** @return a builder holding these settings */
	public Builder toBuilder() {
		return new Builder().settings(this);
	}

	/** Builds {@link BusSettings}; {@link #build()} rejects bad values naming the setting. Not thread-safe. */
	public static final class Builder {

		private @Nullable KeyedExecutor executor;

		private @Nullable EnvelopeCodec codec;

		private @Nullable EventBusObserver observer = EventBusObserver.NOOP;

		private @Nullable String source = DEFAULT_SOURCE;

		private @Nullable Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;

		private @Nullable ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

		private @Nullable PublishObservationConvention publishObservationConvention;

		private @Nullable HandleObservationConvention handleObservationConvention;

		private Builder() {
		}

		/** @param settings settings to copy @return this builder */
		public Builder settings(BusSettings settings) {
			Objects.requireNonNull(settings, "settings must not be null");
			this.executor = settings.executor();
			this.codec = settings.codec();
			this.observer = settings.observer();
			this.source = settings.source();
			this.shutdownTimeout = settings.shutdownTimeout();
			this.observationRegistry = settings.observationRegistry();
			this.publishObservationConvention = settings.publishObservationConvention();
			this.handleObservationConvention = settings.handleObservationConvention();
			return this;
		}

		/** @param executor shared keyed executor, not closed by the bus (null: the bus's own) @return this builder */
		public Builder executor(@Nullable KeyedExecutor executor) {
			this.executor = executor;
			return this;
		}

		/** @param codec envelope codec (default: JSON payloads) @return this builder */
		public Builder codec(@Nullable EnvelopeCodec codec) {
			this.codec = codec;
			return this;
		}

		/** @param observer measurements sink (default: none) @return this builder */
		public Builder observer(@Nullable EventBusObserver observer) {
			this.observer = observer;
			return this;
		}

		/** @param source CloudEvents source of envelopes without one, not blank @return this builder */
		public Builder source(@Nullable String source) {
			this.source = source;
			return this;
		}

		/** @param shutdownTimeout bound on close, not negative @return this builder */
		public Builder shutdownTimeout(@Nullable Duration shutdownTimeout) {
			this.shutdownTimeout = shutdownTimeout;
			return this;
		}

		/**
		 * @param observationRegistry where publish and handle are observed (default
		 * {@link ObservationRegistry#NOOP}: not observed), not null
		 * @return this builder
		 */
		public Builder observationRegistry(@Nullable ObservationRegistry observationRegistry) {
			this.observationRegistry = observationRegistry;
			return this;
		}

		/** @param convention naming of the publish observation (null: the default) @return this builder */
		public Builder publishObservationConvention(@Nullable PublishObservationConvention convention) {
			this.publishObservationConvention = convention;
			return this;
		}

		/** @param convention naming of the handle observation (null: the default) @return this builder */
		public Builder handleObservationConvention(@Nullable HandleObservationConvention convention) {
			this.handleObservationConvention = convention;
			return this;
		}

		/**
		 * @return the settings
		 * @throws IllegalArgumentException naming the setting: {@code source} blank,
		 * {@code shutdownTimeout} negative, {@code observer} or {@code observationRegistry} null
		 */
		public BusSettings build() {
			if (this.source == null || this.source.isBlank()) {
				throw new IllegalArgumentException("source must not be blank but was '" + this.source
						+ "': it is the CloudEvents source of events published without one");
			}
			if (this.shutdownTimeout == null || this.shutdownTimeout.isNegative()) {
				throw new IllegalArgumentException(
						"shutdownTimeout must not be negative but was " + this.shutdownTimeout);
			}
			if (this.observer == null) {
				throw new IllegalArgumentException("observer must not be null (use EventBusObserver.NOOP)");
			}
			if (this.observationRegistry == null) {
				throw new IllegalArgumentException(
						"observationRegistry must not be null (use ObservationRegistry.NOOP to observe nothing)");
			}
			EnvelopeCodec envelopeCodec = (this.codec != null) ? this.codec : new EnvelopeCodec(new JsonPayloadCodec());
			return new BusSettings(this.executor, envelopeCodec, this.observer, this.source, this.shutdownTimeout,
					this.observationRegistry, this.publishObservationConvention, this.handleObservationConvention);
		}

	}

}

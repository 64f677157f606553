package dev.eventbus.core.nats;

import java.time.Duration;

/**
 * How the NATS transport publishes: asynchronously (the message jnats' {@code publishAsync} sends, as
 * a request bounded by {@link #ackTimeout()}) with a bounded window of publishes not yet acknowledged
 * by JetStream. jnats itself has no such bound. Immutable; build with {@link #builder()}.
 *
 * <p>When {@link #maxInFlight()} publishes are un-acknowledged, a publisher waits at most
 * {@link #maxBlock()} for one to finish and then gets a
 * {@link dev.eventbus.core.api.PublishTimeoutException} naming the subject. A publish the server
 * does not acknowledge within {@link #ackTimeout()} (for example while the server is down) fails
 * with a {@link dev.eventbus.core.api.PublishTimeoutException}, up to a quarter of the ack-timeout
 * (at least 100 ms, at most 1 s) later, when jnats next cleans up its requests; never dropped silently.
 */
public final class NatsPublishOptions {

	/** Default bound on un-acknowledged publishes: 2,048. */
	public static final int DEFAULT_MAX_IN_FLIGHT = 2_048;

	/** Default longest wait for room in the window: 10 seconds. */
	public static final Duration DEFAULT_MAX_BLOCK = Duration.ofSeconds(10);

	/** Default longest wait for the PubAck of one publish: 10 seconds. */
	public static final Duration DEFAULT_ACK_TIMEOUT = Duration.ofSeconds(10);

	private final int maxInFlight;

	private final Duration maxBlock;

	private final Duration ackTimeout;

	private NatsPublishOptions(Builder builder) {
		this.maxInFlight = builder.maxInFlight;
		this.maxBlock = builder.maxBlock;
		this.ackTimeout = builder.ackTimeout;
	}

	/** @return a builder with the defaults */
	public static Builder builder() {
		return new Builder();
	}

	/** @return the defaults */
	public static NatsPublishOptions defaults() {
		return builder().build();
	}

	/** @return bound on publishes sent and not yet acknowledged */
	public int maxInFlight() {
		return this.maxInFlight;
	}

	/** @return longest wait of a publisher for room in the window */
	public Duration maxBlock() {
		return this.maxBlock;
	}

	/** @return longest wait for the PubAck of one publish */
	public Duration ackTimeout() {
		return this.ackTimeout;
	}

	@Override
	public String toString() {
		return "NatsPublishOptions{maxInFlight=" + this.maxInFlight + ", maxBlock=" + this.maxBlock
				+ ", ackTimeout=" + this.ackTimeout + "}";
	}

	/** Builds {@link NatsPublishOptions}; {@link #build()} rejects bad values naming the setting. */
	public static final class Builder {

		private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;

		private Duration maxBlock = DEFAULT_MAX_BLOCK;

		private Duration ackTimeout = DEFAULT_ACK_TIMEOUT;

		private Builder() {
		}

		/** @param maxInFlight un-acknowledged publishes, at least 1 @return this builder */
		public Builder maxInFlight(int maxInFlight) {
			this.maxInFlight = maxInFlight;
			return this;
		}

		/** @param maxBlock longest wait for room, not negative (zero fails at once) @return this builder */
		public Builder maxBlock(Duration maxBlock) {
			this.maxBlock = maxBlock;
			return this;
		}

		/** @param ackTimeout longest wait for a PubAck, positive @return this builder */
		public Builder ackTimeout(Duration ackTimeout) {
			this.ackTimeout = ackTimeout;
			return this;
		}

		/**
		 * @return the options
		 * @throws IllegalArgumentException naming the invalid setting
		 */
		public NatsPublishOptions build() {
			if (this.maxInFlight < 1) {
				throw new IllegalArgumentException(
						"nats publish max-in-flight must be at least 1 but was " + this.maxInFlight);
			}
			if (this.maxBlock == null || this.maxBlock.isNegative()) {
				throw new IllegalArgumentException("nats publish max-block must not be negative but was " + this.maxBlock);
			}
			if (this.ackTimeout == null || this.ackTimeout.isNegative() || this.ackTimeout.isZero()) {
				throw new IllegalArgumentException("nats publish ack-timeout must be positive but was " + this.ackTimeout);
			}
			return new NatsPublishOptions(this);
		}

	}

}

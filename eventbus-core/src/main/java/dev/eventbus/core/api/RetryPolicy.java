package dev.eventbus.core.api;

import java.time.Duration;
import java.util.Objects;

/**
 * How often and how patiently a failing event is retried before it is dead-lettered. Retries run
 * inside the event's key lane, so later events of the same aggregate wait and order is kept.
 *
 * <p>The delay before attempt {@code n + 1} is {@code initialBackoff * multiplier^(n - 1)}, capped at
 * {@code maxBackoff}. Immutable; build with {@link #builder()}.
 */
public final class RetryPolicy {

	/** Default total number of attempts, the first delivery included. */
	public static final int DEFAULT_MAX_ATTEMPTS = 3;

	/** Default delay before the first retry. */
	public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(100);

	/** Default upper bound of the delay between two attempts. */
	public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(10);

	/** Default growth factor of the delay. */
	public static final double DEFAULT_MULTIPLIER = 2.0;

	/** Longest backoff accepted: retries hold their key's lane, so longer waits are a design error. */
	public static final Duration MAX_ALLOWED_BACKOFF = Duration.ofDays(1);

	private static final RetryPolicy DEFAULTS = builder().build();

	private static final RetryPolicy NONE = builder().maxAttempts(1).build();

	private final int maxAttempts;

	private final Duration initialBackoff;

	private final Duration maxBackoff;

	private final double multiplier;

	private RetryPolicy(Builder builder) {
		this.maxAttempts = builder.maxAttempts;
		this.initialBackoff = builder.initialBackoff;
		this.maxBackoff = builder.maxBackoff;
		this.multiplier = builder.multiplier;
	}

	/** @return the default policy: 3 attempts, 100 ms doubling up to 10 s */
	public static RetryPolicy defaults() {
		return DEFAULTS;
	}

	/** @return a policy with a single attempt: failures are dead-lettered at once */
	public static RetryPolicy none() {
		return NONE;
	}

	/** @return a builder starting from the defaults */
	public static Builder builder() {
		return new Builder();
	}

	/** @return total attempts, the first delivery included; at least 1 */
	public int maxAttempts() {
		return this.maxAttempts;
	}

	/** @return delay before the first retry */
	public Duration initialBackoff() {
		return this.initialBackoff;
	}

	/** @return upper bound of the delay */
	public Duration maxBackoff() {
		return this.maxBackoff;
	}

	/** @return growth factor of the delay, at least 1 */
	public double multiplier() {
		return this.multiplier;
	}

	/**
	 * The delay to wait after a failed attempt before the next one.
	 * @param failedAttempt the attempt that just failed, starting at 1
	 * @return the delay, between the initial and the max backoff
	 */
	public Duration backoffAfter(int failedAttempt) {
		double factor = Math.pow(this.multiplier, Math.max(0, failedAttempt - 1));
		double nanos = this.initialBackoff.toNanos() * factor;
		if (Double.isInfinite(nanos) || nanos >= this.maxBackoff.toNanos()) {
			return this.maxBackoff;
		}
		return Duration.ofNanos((long) nanos);
	}

	/**
	 * Whether another attempt follows the given failed one.
	 * @param failedAttempt the attempt that just failed, starting at 1
	 * @return true if the event is retried, false if it is dead-lettered
	 */
	public boolean hasAttemptAfter(int failedAttempt) {
		return failedAttempt < this.maxAttempts;
	}

	@Override
	public boolean equals(Object other) {
		return (other instanceof RetryPolicy that) && this.maxAttempts == that.maxAttempts
				&& this.initialBackoff.equals(that.initialBackoff) && this.maxBackoff.equals(that.maxBackoff)
				&& this.multiplier == that.multiplier;
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.maxAttempts, this.initialBackoff, this.maxBackoff, this.multiplier);
	}

	@Override
	public String toString() {
		return "RetryPolicy{maxAttempts=" + this.maxAttempts + ", initialBackoff=" + this.initialBackoff
				+ ", maxBackoff=" + this.maxBackoff + ", multiplier=" + this.multiplier + "}";
	}

	/** Builds a {@link RetryPolicy}; {@link #build()} rejects bad values naming the setting. */
	public static final class Builder {

		private int maxAttempts = DEFAULT_MAX_ATTEMPTS;

		private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;

		private Duration maxBackoff = DEFAULT_MAX_BACKOFF;

		private double multiplier = DEFAULT_MULTIPLIER;

		private Builder() {
		}

		/** @param maxAttempts total attempts including the first, at least 1 @return this builder */
		public Builder maxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
			return this;
		}

		/** @param initialBackoff delay before the first retry, not negative @return this builder */
		public Builder initialBackoff(Duration initialBackoff) {
			this.initialBackoff = initialBackoff;
			return this;
		}

		/** @param maxBackoff upper bound of the delay, at least the initial backoff @return this builder */
		public Builder maxBackoff(Duration maxBackoff) {
			this.maxBackoff = maxBackoff;
			return this;
		}

		/** @param multiplier growth factor, at least 1.0 @return this builder */
		public Builder multiplier(double multiplier) {
			this.multiplier = multiplier;
			return this;
		}

		/**
		 * @return the policy
		 * @throws IllegalArgumentException naming the invalid setting
		 */
		public RetryPolicy build() {
			if (this.maxAttempts < 1) {
				throw new IllegalArgumentException("retry maxAttempts must be at least 1 but was " + this.maxAttempts);
			}
			if (this.initialBackoff == null || this.initialBackoff.isNegative()) {
				throw new IllegalArgumentException(
						"retry initialBackoff must not be negative but was " + this.initialBackoff);
			}
			if (this.maxBackoff == null || this.maxBackoff.compareTo(this.initialBackoff) < 0) {
				throw new IllegalArgumentException("retry maxBackoff (" + this.maxBackoff
						+ ") must not be shorter than initialBackoff (" + this.initialBackoff + ")");
			}
			if (this.maxBackoff.compareTo(MAX_ALLOWED_BACKOFF) > 0) {
				throw new IllegalArgumentException("retry maxBackoff must be at most " + MAX_ALLOWED_BACKOFF
						+ " but was " + this.maxBackoff + ": a retry holds its key's lane while it waits");
			}
			if (!(this.multiplier >= 1.0) || Double.isInfinite(this.multiplier)) {
				throw new IllegalArgumentException("retry multiplier must be at least 1.0 but was " + this.multiplier);
			}
			return new RetryPolicy(this);
		}

	}

}

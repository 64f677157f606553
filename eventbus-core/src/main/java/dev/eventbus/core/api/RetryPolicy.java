package dev.eventbus.core.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import org.jspecify.annotations.Nullable;

/**
 * How often and how patiently a failing event is retried before it is dead-lettered. Retries run
 * inside the event's key lane, so later events of the same aggregate wait and order is kept.
 *
 * <p>The delay before attempt {@code n + 1} is {@code initialBackoff * multiplier^(n - 1)}, capped at
 * {@code maxBackoff}; with a {@link #jitter() jitter} {@code j} it is drawn at random between
 * {@code (1 - j)} times that delay and the delay itself, so that many events failing together do
 * not retry in lockstep.
 *
 * <p>Failures that retrying cannot fix, {@link #fatalExceptions() fatal exceptions} (by default
 * {@link SerializationException}, {@link InvalidEnvelopeException} and {@link ClassCastException}),
 * are not retried: the event goes to the dead-letter destination after the attempt that threw, with
 * reason {@link DeadLetterRecord#REASON_FATAL}. A failure is fatal when it, or any exception in its
 * cause chain, is an instance of one of them. Immutable; build with {@link #builder()}.
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

	/** Default jitter: none, every retry waits exactly the computed backoff. */
	public static final double DEFAULT_JITTER = 0.0;

	/**
	 * Default fatal exceptions, which retrying cannot fix: a payload that cannot be (de)serialized,
	 * an invalid envelope or argument, a payload of the wrong type.
	 */
	public static final List<Class<? extends Throwable>> DEFAULT_FATAL_EXCEPTIONS = List
		.of(SerializationException.class, InvalidEnvelopeException.class, ClassCastException.class);

	/** Longest backoff accepted: retries hold their key's lane, so longer waits are a design error. */
	public static final Duration MAX_ALLOWED_BACKOFF = Duration.ofDays(1);

	private static final RetryPolicy DEFAULTS = builder().build();

	private static final RetryPolicy NONE = builder().maxAttempts(1).build();

	private final int maxAttempts;

	private final Duration initialBackoff;

	private final Duration maxBackoff;

	private final double multiplier;

	private final double jitter;

	private final List<Class<? extends Throwable>> fatalExceptions;

	private RetryPolicy(Builder builder) {
		this.maxAttempts = builder.maxAttempts;
		this.initialBackoff = builder.initialBackoff;
		this.maxBackoff = builder.maxBackoff;
		this.multiplier = builder.multiplier;
		this.jitter = builder.jitter;
		this.fatalExceptions = List.copyOf(builder.fatalExceptions);
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

	/** @return a builder holding this policy's settings */
	public Builder toBuilder() {
		return new Builder().maxAttempts(this.maxAttempts)
			.initialBackoff(this.initialBackoff)
			.maxBackoff(this.maxBackoff)
			.multiplier(this.multiplier)
			.jitter(this.jitter)
			.fatalExceptions(this.fatalExceptions);
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

	/** @return fraction of the backoff, 0 to 1, by which a retry may come earlier at random; 0 is none */
	public double jitter() {
		return this.jitter;
	}

	/** @return exception types that are not retried (instances and their subclasses), in their given order */
	public List<Class<? extends Throwable>> fatalExceptions() {
		return this.fatalExceptions;
	}

	/**
	 * Whether a handler failure cannot be fixed by retrying: it, or an exception in its cause chain,
	 * is an instance of one of the {@link #fatalExceptions() fatal exceptions}.
	 * @param failure what the handler threw
	 * @return true if the event is dead-lettered without further attempts
	 */
	public boolean isFatal(Throwable failure) {
		if (this.fatalExceptions.isEmpty()) {
			return false;
		}
		Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
		for (Throwable current = failure; current != null && seen.add(current); current = current.getCause()) {
			for (Class<? extends Throwable> type : this.fatalExceptions) {
				if (type.isInstance(current)) {
					return true;
				}
			}
		}
		return false;
	}

	/**
	 * The delay to wait after a failed attempt before the next one, with the policy's jitter.
	 * @param failedAttempt the attempt that just failed, starting at 1
	 * @return the delay, at most the max backoff; without jitter between the initial and the max backoff
	 */
	public Duration backoffAfter(int failedAttempt) {
		return backoffAfter(failedAttempt, (this.jitter > 0) ? ThreadLocalRandom.current().nextDouble() : 0.0);
	}

	/**
	 * @param failedAttempt the attempt that just failed, starting at 1
	 * @param random a number in {@code [0, 1)}: 0 gives the full delay, values towards 1 shorten it by
	 * up to the jitter
	 * @return the delay
	 */
	Duration backoffAfter(int failedAttempt, double random) {
		double factor = Math.pow(this.multiplier, Math.max(0, failedAttempt - 1));
		double nanos = Math.min(this.initialBackoff.toNanos() * factor, this.maxBackoff.toNanos());
		if (Double.isNaN(nanos)) {
			nanos = 0; // a zero initial backoff times an overflowed factor
		}
		if (this.jitter > 0) {
			nanos = nanos * (1.0 - this.jitter * random);
		}
		if (nanos >= this.maxBackoff.toNanos()) {
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
				&& this.multiplier == that.multiplier && this.jitter == that.jitter
				&& this.fatalExceptions.equals(that.fatalExceptions);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.maxAttempts, this.initialBackoff, this.maxBackoff, this.multiplier, this.jitter,
				this.fatalExceptions);
	}

	@Override
	public String toString() {
		List<String> fatal = new ArrayList<>();
		this.fatalExceptions.forEach((type) -> fatal.add(type.getName()));
		return "RetryPolicy{maxAttempts=" + this.maxAttempts + ", initialBackoff=" + this.initialBackoff
				+ ", maxBackoff=" + this.maxBackoff + ", multiplier=" + this.multiplier + ", jitter=" + this.jitter
				+ ", fatalExceptions=" + fatal + "}";
	}

	/** Builds a {@link RetryPolicy}; {@link #build()} rejects bad values naming the setting. */
	public static final class Builder {

		private int maxAttempts = DEFAULT_MAX_ATTEMPTS;

		private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;

		private Duration maxBackoff = DEFAULT_MAX_BACKOFF;

		private double multiplier = DEFAULT_MULTIPLIER;

		private double jitter = DEFAULT_JITTER;

		private final Set<Class<? extends Throwable>> fatalExceptions = new LinkedHashSet<>(DEFAULT_FATAL_EXCEPTIONS);

		private @Nullable String invalidFatalException;

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
		 * @param jitter fraction of the backoff, 0 to 1, by which a retry may come earlier at random
		 * (0.5: between half the backoff and all of it; default 0, none)
		 * @return this builder
		 */
		public Builder jitter(double jitter) {
			this.jitter = jitter;
			return this;
		}

		/**
		 * Replaces the fatal exceptions, the defaults ({@link #DEFAULT_FATAL_EXCEPTIONS}) included:
		 * an empty collection retries every failure.
		 * @param types exception types that retrying cannot fix (their subclasses too)
		 * @return this builder
		 */
		public Builder fatalExceptions(Collection<? extends Class<? extends Throwable>> types) {
			this.fatalExceptions.clear();
			if (types == null) {
				this.invalidFatalException = "null";
				return this;
			}
			types.forEach(this::addFatalException);
			return this;
		}

		/**
		 * Adds a fatal exception to those set so far (initially the defaults).
		 * @param type an exception type that retrying cannot fix (its subclasses too)
		 * @return this builder
		 */
		public Builder addFatalException(Class<? extends Throwable> type) {
			if (type == null || !Throwable.class.isAssignableFrom(type)) {
				this.invalidFatalException = String.valueOf(type);
				return this;
			}
			this.fatalExceptions.add(type);
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
			if (!(this.jitter >= 0.0 && this.jitter <= 1.0)) {
				throw new IllegalArgumentException("retry jitter must be between 0.0 and 1.0 but was " + this.jitter
						+ ": it is the fraction of the backoff by which a retry may come earlier");
			}
			if (this.invalidFatalException != null) {
				throw new IllegalArgumentException("retry fatalExceptions must hold exception types but held "
						+ this.invalidFatalException);
			}
			return new RetryPolicy(this);
		}

	}

}

package dev.eventbus.core.keyed;

import java.time.Duration;

/**
 * Settings of a {@link KeyedExecutor}. Immutable; build with {@link #builder()}.
 *
 * <p><b>Virtual threads.</b> With {@link Builder#virtualThreads(boolean) virtualThreads(true)} (Java 21
 * or later) the workers are virtual threads: a handler that blocks parks its virtual thread instead of
 * holding a platform thread. Lanes, key order and the {@link #maxPending()} bound are the same; only the
 * threads differ. The workers are then created on demand (up to {@link #workers()}) and end after a minute
 * idle, and {@link #workers()} defaults to {@link #maxPending()} instead of {@link #DEFAULT_WORKERS}, so
 * that every pending task of a distinct key may run at once; set {@code workers} explicitly to cap how many
 * handlers run at the same time.
 */
public final class KeyedExecutorOptions {

	/** Default number of worker threads. */
	public static final int DEFAULT_WORKERS = 64;

	/** Default bound on tasks submitted and not yet finished (queued plus running). */
	public static final int DEFAULT_MAX_PENDING = 10_000;

	/** Default high watermark as a fraction of max pending: transports pause fetching above it. */
	public static final double DEFAULT_HIGH_WATERMARK = 0.8;

	/** Default low watermark as a fraction of max pending: transports resume fetching below it. */
	public static final double DEFAULT_LOW_WATERMARK = 0.5;

	/** Default time {@link KeyedExecutor#shutdown(Duration)} callers are advised to allow. */
	public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

	/** Default worker thread name prefix; threads are named {@code <prefix>-<n>}. */
	public static final String DEFAULT_THREAD_NAME_PREFIX = "eventbus-keyed";

	private final int workers;

	private final int maxPending;

	private final double highWatermark;

	private final double lowWatermark;

	private final Duration shutdownTimeout;

	private final String threadNamePrefix;

	private final boolean virtualThreads;

	private KeyedExecutorOptions(Builder builder) {
		this.virtualThreads = builder.virtualThreads;
		this.workers = (builder.virtualThreads && !builder.workersSet) ? builder.maxPending : builder.workers;
		this.maxPending = builder.maxPending;
		this.highWatermark = builder.highWatermark;
		this.lowWatermark = builder.lowWatermark;
		this.shutdownTimeout = builder.shutdownTimeout;
		this.threadNamePrefix = builder.threadNamePrefix;
	}

	/** @return a builder with the defaults */
	public static Builder builder() {
		return new Builder();
	}

	/** @return the default options */
	public static KeyedExecutorOptions defaults() {
		return builder().build();
	}

	/**
	 * @return number of worker threads (with {@link #virtualThreads()} and no explicit value:
	 * {@link #maxPending()})
	 */
	public int workers() {
		return this.workers;
	}

	/** @return bound on tasks submitted and not finished; submitters wait beyond it */
	public int maxPending() {
		return this.maxPending;
	}

	/** @return high watermark as a fraction of {@link #maxPending()} */
	public double highWatermark() {
		return this.highWatermark;
	}

	/** @return low watermark as a fraction of {@link #maxPending()} */
	public double lowWatermark() {
		return this.lowWatermark;
	}

	/** @return pending-task count at or above which the executor reports high pressure */
	public int highWatermarkTasks() {
		return Math.max(1, (int) Math.floor(this.maxPending * this.highWatermark));
	}

	/** @return pending-task count at or below which the executor reports the pressure gone */
	public int lowWatermarkTasks() {
		return (int) Math.floor(this.maxPending * this.lowWatermark);
	}

	/** @return how long a graceful shutdown waits for queued and running tasks */
	public Duration shutdownTimeout() {
		return this.shutdownTimeout;
	}

	/** @return worker thread name prefix */
	public String threadNamePrefix() {
		return this.threadNamePrefix;
	}

	/** @return whether the workers are virtual threads (Java 21 or later) */
	public boolean virtualThreads() {
		return this.virtualThreads;
	}

	@Override
	public String toString() {
		return "KeyedExecutorOptions{workers=" + this.workers + ", maxPending=" + this.maxPending
				+ ", highWatermark=" + this.highWatermark + ", lowWatermark=" + this.lowWatermark
				+ ", shutdownTimeout=" + this.shutdownTimeout + ", virtualThreads=" + this.virtualThreads + "}";
	}

	/** Builds {@link KeyedExecutorOptions}; {@link #build()} rejects bad values naming the setting. */
	public static final class Builder {

		private int workers = DEFAULT_WORKERS;

		private int maxPending = DEFAULT_MAX_PENDING;

		private double highWatermark = DEFAULT_HIGH_WATERMARK;

		private double lowWatermark = DEFAULT_LOW_WATERMARK;

		private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;

		private String threadNamePrefix = DEFAULT_THREAD_NAME_PREFIX;

		private boolean virtualThreads;

		private boolean workersSet;

		private Builder() {
		}

		/** @param workers worker threads, at least 1 @return this builder */
		public Builder workers(int workers) {
			this.workers = workers;
			this.workersSet = true;
			return this;
		}

		/** @param maxPending bound on unfinished tasks, at least 1 @return this builder */
		public Builder maxPending(int maxPending) {
			this.maxPending = maxPending;
			return this;
		}

		/** @param highWatermark fraction of max pending in (0, 1] @return this builder */
		public Builder highWatermark(double highWatermark) {
			this.highWatermark = highWatermark;
			return this;
		}

		/** @param lowWatermark fraction of max pending in [0, highWatermark) @return this builder */
		public Builder lowWatermark(double lowWatermark) {
			this.lowWatermark = lowWatermark;
			return this;
		}

		/** @param shutdownTimeout graceful shutdown bound, not negative @return this builder */
		public Builder shutdownTimeout(Duration shutdownTimeout) {
			this.shutdownTimeout = shutdownTimeout;
			return this;
		}

		/** @param threadNamePrefix worker thread name prefix, not blank @return this builder */
		public Builder threadNamePrefix(String threadNamePrefix) {
			this.threadNamePrefix = threadNamePrefix;
			return this;
		}

		/**
		 * @param virtualThreads run the workers on virtual threads (needs Java 21 or later; see the
		 * class documentation for how {@code workers} changes)
		 * @return this builder
		 */
		public Builder virtualThreads(boolean virtualThreads) {
			this.virtualThreads = virtualThreads;
			return this;
		}

		/**
		 * @return the options
		 * @throws IllegalArgumentException naming the invalid setting (also {@code virtualThreads} on a
		 * runtime older than Java 21)
		 */
		public KeyedExecutorOptions build() {
			if (this.workers < 1) {
				throw new IllegalArgumentException("executor workers must be at least 1 but was " + this.workers);
			}
			if (this.maxPending < 1) {
				throw new IllegalArgumentException(
						"executor maxPending must be at least 1 but was " + this.maxPending);
			}
			if (!(this.highWatermark > 0.0 && this.highWatermark <= 1.0)) {
				throw new IllegalArgumentException(
						"executor highWatermark must be in (0, 1] but was " + this.highWatermark);
			}
			if (!(this.lowWatermark >= 0.0 && this.lowWatermark < this.highWatermark)) {
				throw new IllegalArgumentException("executor lowWatermark must be in [0, highWatermark="
						+ this.highWatermark + ") but was " + this.lowWatermark);
			}
			if (this.shutdownTimeout == null || this.shutdownTimeout.isNegative()) {
				throw new IllegalArgumentException(
						"executor shutdownTimeout must not be negative but was " + this.shutdownTimeout);
			}
			if (this.threadNamePrefix == null || this.threadNamePrefix.isBlank()) {
				throw new IllegalArgumentException("executor threadNamePrefix must not be blank");
			}
			if (this.virtualThreads && !VirtualThreads.supported()) {
				throw new IllegalArgumentException(VirtualThreads.unsupportedMessage("executor virtualThreads"));
			}
			return new KeyedExecutorOptions(this);
		}

	}

}

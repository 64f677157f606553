package dev.eventbus.core.kafka;

import java.time.Duration;

/**
 * Network settings of the Kafka transport ({@code eventbus.kafka.network.*}), applied to the
 * producer, the consumers and the admin client. Immutable; build with {@link #builder()}.
 *
 * <p>These come from socket-level settings of other clients (dial, read, write, keep-alive). The
 * Java client works per request, not per socket operation, so each maps to its nearest real
 * mechanism, as each getter says exactly.
 */
public final class KafkaNetworkOptions {

	/** Default connection set-up timeout: 10 s. */
	public static final Duration DEFAULT_DIAL_TIMEOUT = Duration.ofSeconds(10);

	/** Default read timeout: 30 s. */
	public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);

	/** Default write timeout: 30 s. */
	public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(30);

	/** Default keep-alive: 30 s. */
	public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(30);

	/**
	 * First wait before reconnecting to an unreachable broker, 1 s: client {@code reconnect.backoff.ms}
	 * (client default 50 ms), applied to every client unless {@code kafka.properties} sets it. The wait
	 * doubles per failed attempt up to {@link #DEFAULT_RECONNECT_BACKOFF_MAX}.
	 */
	public static final Duration DEFAULT_RECONNECT_BACKOFF = Duration.ofSeconds(1);

	/**
	 * Longest wait between reconnect attempts to an unreachable broker, 5 s: client
	 * {@code reconnect.backoff.max.ms} (client default 1 s), applied to every client unless
	 * {@code kafka.properties} sets it. Every failed attempt makes the client log up to two WARN lines
	 * ({@code NetworkClient}: "could not be established", "disconnected"), so while a broker is down
	 * each client (producer, admin, each consumer) logs at most two WARN lines per this interval once
	 * the backoff has grown, instead of about two a second; a recovered broker is reconnected to within
	 * this interval (plus the client's 20 % jitter).
	 */
	public static final Duration DEFAULT_RECONNECT_BACKOFF_MAX = Duration.ofSeconds(5);

	private final Duration dialTimeout;

	private final Duration readTimeout;

	private final Duration writeTimeout;

	private final Duration keepAlive;

	private KafkaNetworkOptions(Builder builder) {
		this.dialTimeout = builder.dialTimeout;
		this.readTimeout = builder.readTimeout;
		this.writeTimeout = builder.writeTimeout;
		this.keepAlive = builder.keepAlive;
	}

	/** @return a builder with the defaults */
	public static Builder builder() {
		return new Builder();
	}

	/** @return the defaults */
	public static KafkaNetworkOptions defaults() {
		return builder().build();
	}

	/** @return a builder pre-filled with these settings */
	public Builder toBuilder() {
		return new Builder().dialTimeout(this.dialTimeout).readTimeout(this.readTimeout)
			.writeTimeout(this.writeTimeout).keepAlive(this.keepAlive);
	}

	/**
	 * Longest time to establish a broker connection. Maps to both
	 * {@code socket.connection.setup.timeout.ms} and {@code socket.connection.setup.timeout.max.ms},
	 * so every attempt (not only the first) is bounded by it; the client then reconnects with its
	 * usual backoff.
	 * @return the dial timeout
	 */
	public Duration dialTimeout() {
		return this.dialTimeout;
	}

	/**
	 * Longest wait for a broker's response. The Java client has no socket read timeout; its
	 * per-request timeout {@code request.timeout.ms} covers writing the request and reading the
	 * response together. It is set to the larger of this and {@link #writeTimeout()} on every
	 * client, unless {@code producer.requestTimeout} or {@code consumer.requestTimeout} is set.
	 * @return the read timeout
	 */
	public Duration readTimeout() {
		return this.readTimeout;
	}

	/**
	 * Longest time to send a request. The Java client has no socket write timeout; it is folded into
	 * {@code request.timeout.ms} together with {@link #readTimeout()} (the larger of the two wins).
	 * @return the write timeout
	 */
	public Duration writeTimeout() {
		return this.writeTimeout;
	}

	/**
	 * Idle connection bound. The Java client always enables TCP {@code SO_KEEPALIVE} on broker
	 * sockets, but the probe interval belongs to the operating system and cannot be set per client.
	 * The nearest client mechanism is {@code connections.max.idle.ms}: a connection idle for longer
	 * than this is closed and re-opened on next use, so a silently dead idle connection is never
	 * reused. Producers and consumers with steady traffic are never idle; a producer that publishes
	 * less often than this pays one reconnect.
	 * @return the keep-alive
	 */
	public Duration keepAlive() {
		return this.keepAlive;
	}

	/** @return the request timeout derived from the read and write timeouts */
	public Duration requestTimeout() {
		return (this.readTimeout.compareTo(this.writeTimeout) >= 0) ? this.readTimeout : this.writeTimeout;
	}

	@Override
	public String toString() {
		return "KafkaNetworkOptions{dialTimeout=" + this.dialTimeout + ", readTimeout=" + this.readTimeout
				+ ", writeTimeout=" + this.writeTimeout + ", keepAlive=" + this.keepAlive + "}";
	}

	/** Builds {@link KafkaNetworkOptions}; {@link #build()} rejects bad values naming the setting. */
	public static final class Builder {

		private Duration dialTimeout = DEFAULT_DIAL_TIMEOUT;

		private Duration readTimeout = DEFAULT_READ_TIMEOUT;

		private Duration writeTimeout = DEFAULT_WRITE_TIMEOUT;

		private Duration keepAlive = DEFAULT_KEEP_ALIVE;

		private Builder() {
		}

		/** @param dialTimeout connection set-up bound, positive @return this builder */
		public Builder dialTimeout(Duration dialTimeout) {
			this.dialTimeout = dialTimeout;
			return this;
		}

		/** @param readTimeout response wait bound, positive @return this builder */
		public Builder readTimeout(Duration readTimeout) {
			this.readTimeout = readTimeout;
			return this;
		}

		/** @param writeTimeout request send bound, positive @return this builder */
		public Builder writeTimeout(Duration writeTimeout) {
			this.writeTimeout = writeTimeout;
			return this;
		}

		/** @param keepAlive idle connection bound, positive @return this builder */
		public Builder keepAlive(Duration keepAlive) {
			this.keepAlive = keepAlive;
			return this;
		}

		/**
		 * @return the options
		 * @throws IllegalArgumentException naming the invalid setting
		 */
		public KafkaNetworkOptions build() {
			Checks.millis("kafka.network.dialTimeout", Checks.positive("kafka.network.dialTimeout", this.dialTimeout));
			Checks.millis("kafka.network.readTimeout", Checks.positive("kafka.network.readTimeout", this.readTimeout));
			Checks.millis("kafka.network.writeTimeout", Checks.positive("kafka.network.writeTimeout", this.writeTimeout));
			Checks.millis("kafka.network.keepAlive", Checks.positive("kafka.network.keepAlive", this.keepAlive));
			return new KafkaNetworkOptions(this);
		}

	}

}

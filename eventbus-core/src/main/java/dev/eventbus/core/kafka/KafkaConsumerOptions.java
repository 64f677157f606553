package dev.eventbus.core.kafka;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Consumer settings of the Kafka transport ({@code eventbus.kafka.consumer.*}). Immutable; build with
 * {@link #builder()}. The consumer group comes from each subscription's options. Settings marked
 * "bus" are the bus's own poll loop and have no client equivalent.
 */
public final class KafkaConsumerOptions {

	/** Default start position of a group without committed offsets ({@code auto.offset.reset}). */
	public static final String DEFAULT_AUTO_OFFSET_RESET = "earliest";

	/** Default minimum fetch ({@code fetch.min.bytes}): 100 KiB. */
	public static final int DEFAULT_FETCH_MIN_BYTES = 100 * 1024;

	/** Default maximum fetch ({@code fetch.max.bytes}): 10 MiB. */
	public static final int DEFAULT_FETCH_MAX_BYTES = 10 * 1024 * 1024;

	/** Default longest broker wait for the minimum fetch ({@code fetch.max.wait.ms}): 500 ms. */
	public static final Duration DEFAULT_FETCH_MAX_WAIT = Duration.ofMillis(500);

	/** Default maximum fetch per partition ({@code max.partition.fetch.bytes}): 1 MiB. */
	public static final int DEFAULT_MAX_PARTITION_FETCH_BYTES = 1024 * 1024;

	/** Default records returned by one poll ({@code max.poll.records}). */
	public static final int DEFAULT_MAX_POLL_RECORDS = 500;

	/** Default group session timeout ({@code session.timeout.ms}): 45 s. */
	public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(45);

	/** Default heartbeat interval ({@code heartbeat.interval.ms}): 3 s. */
	public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(3);

	/** Default longest gap between polls ({@code max.poll.interval.ms}): 5 min. */
	public static final Duration DEFAULT_MAX_POLL_INTERVAL = Duration.ofMinutes(5);

	/** Default isolation level ({@code isolation.level}). */
	public static final String DEFAULT_ISOLATION_LEVEL = "read_uncommitted";

	/** Default poll timeout of the bus's poll loop: 100 ms. */
	public static final Duration DEFAULT_POLL_TIMEOUT = Duration.ofMillis(100);

	/** Default interval between offset commits of the bus's poll loop: 500 ms. */
	public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMillis(500);

	/** Default bound on waiting for in-flight work of revoked partitions: 10 s. */
	public static final Duration DEFAULT_REVOCATION_TIMEOUT = Duration.ofSeconds(10);

	/** Default interval between lag measurements: 5 s. */
	public static final Duration DEFAULT_LAG_REFRESH_INTERVAL = Duration.ofSeconds(5);

	private final String autoOffsetReset;

	private final int fetchMinBytes;

	private final int fetchMaxBytes;

	private final Duration fetchMaxWait;

	private final int maxPartitionFetchBytes;

	private final int maxPollRecords;

	private final Duration sessionTimeout;

	private final Duration heartbeatInterval;

	private final Duration maxPollInterval;

	private final @Nullable Duration requestTimeout;

	private final String isolationLevel;

	private final Duration pollTimeout;

	private final Duration commitInterval;

	private final Duration revocationTimeout;

	private final Duration lagRefreshInterval;

	private final Map<String, String> properties;

	private KafkaConsumerOptions(Builder builder) {
		this.autoOffsetReset = builder.autoOffsetReset;
		this.fetchMinBytes = builder.fetchMinBytes;
		this.fetchMaxBytes = builder.fetchMaxBytes;
		this.fetchMaxWait = builder.fetchMaxWait;
		this.maxPartitionFetchBytes = builder.maxPartitionFetchBytes;
		this.maxPollRecords = builder.maxPollRecords;
		this.sessionTimeout = builder.sessionTimeout;
		this.heartbeatInterval = builder.heartbeatInterval;
		this.maxPollInterval = builder.maxPollInterval;
		this.requestTimeout = builder.requestTimeout;
		this.isolationLevel = builder.isolationLevel;
		this.pollTimeout = builder.pollTimeout;
		this.commitInterval = builder.commitInterval;
		this.revocationTimeout = builder.revocationTimeout;
		this.lagRefreshInterval = builder.lagRefreshInterval;
		this.properties = builder.properties;
	}

	/** @return a builder with the defaults */
	public static Builder builder() {
		return new Builder();
	}

	/** @return the defaults */
	public static KafkaConsumerOptions defaults() {
		return builder().build();
	}

	/** @return a builder pre-filled with these settings */
	public Builder toBuilder() {
		return new Builder().autoOffsetReset(this.autoOffsetReset).fetchMinBytes(this.fetchMinBytes)
			.fetchMaxBytes(this.fetchMaxBytes).fetchMaxWait(this.fetchMaxWait)
			.maxPartitionFetchBytes(this.maxPartitionFetchBytes).maxPollRecords(this.maxPollRecords)
			.sessionTimeout(this.sessionTimeout).heartbeatInterval(this.heartbeatInterval)
			.maxPollInterval(this.maxPollInterval).requestTimeout(this.requestTimeout)
			.isolationLevel(this.isolationLevel).pollTimeout(this.pollTimeout).commitInterval(this.commitInterval)
			.revocationTimeout(this.revocationTimeout).lagRefreshInterval(this.lagRefreshInterval)
			.properties(this.properties);
	}

	/**
	 * Where a group without committed offsets starts; client {@code auto.offset.reset}. The bus
	 * defaults to {@code earliest} so that a new group does not skip events published before it
	 * joined.
	 * @return {@code earliest}, {@code latest} or {@code none}
	 */
	public String autoOffsetReset() {
		return this.autoOffsetReset;
	}

	/** @return bytes the broker waits to gather before answering a fetch; client {@code fetch.min.bytes} */
	public int fetchMinBytes() {
		return this.fetchMinBytes;
	}

	/** @return most bytes one fetch returns across partitions; client {@code fetch.max.bytes} */
	public int fetchMaxBytes() {
		return this.fetchMaxBytes;
	}

	/** @return longest broker wait for {@link #fetchMinBytes()}; client {@code fetch.max.wait.ms} */
	public Duration fetchMaxWait() {
		return this.fetchMaxWait;
	}

	/** @return most bytes one fetch returns per partition; client {@code max.partition.fetch.bytes} */
	public int maxPartitionFetchBytes() {
		return this.maxPartitionFetchBytes;
	}

	/** @return most records one poll returns; client {@code max.poll.records} */
	public int maxPollRecords() {
		return this.maxPollRecords;
	}

	/** @return group session timeout; client {@code session.timeout.ms} */
	public Duration sessionTimeout() {
		return this.sessionTimeout;
	}

	/** @return heartbeat interval, below a third of the session timeout; client {@code heartbeat.interval.ms} */
	public Duration heartbeatInterval() {
		return this.heartbeatInterval;
	}

	/**
	 * Longest gap between two polls before the member leaves the group; client
	 * {@code max.poll.interval.ms}. The bus's poll loop never blocks on handlers (it pauses
	 * partitions under backpressure and keeps polling), so this only bounds the revocation wait.
	 * @return the max poll interval
	 */
	public Duration maxPollInterval() {
		return this.maxPollInterval;
	}

	/**
	 * Consumer request timeout (client {@code request.timeout.ms}); null (default) uses the larger of
	 * the network read and write timeouts.
	 * @return the request timeout or null
	 */
	public @Nullable Duration requestTimeout() {
		return this.requestTimeout;
	}

	/** @return {@code read_uncommitted} or {@code read_committed}; client {@code isolation.level} */
	public String isolationLevel() {
		return this.isolationLevel;
	}

	/** @return bus: timeout of each {@code poll} call of the poll loop (how fast it notices pause, close, commits) */
	public Duration pollTimeout() {
		return this.pollTimeout;
	}

	/**
	 * Bus: how often the poll loop commits the highest contiguous finished offset of each partition
	 * (asynchronously; synchronously on revocation and close). The window of possible redelivery
	 * after a crash is about this long.
	 * @return the commit interval
	 */
	public Duration commitInterval() {
		return this.commitInterval;
	}

	/**
	 * Bus: on partition revocation, how long the poll thread waits for running work of the revoked
	 * partitions before committing what finished; queued work of those partitions is dropped (the new
	 * owner receives it). Must be below {@link #maxPollInterval()}.
	 * @return the revocation timeout
	 */
	public Duration revocationTimeout() {
		return this.revocationTimeout;
	}

	/** @return bus: how often the subscription measures lag (end offsets minus committed), off the hot path */
	public Duration lagRefreshInterval() {
		return this.lagRefreshInterval;
	}

	/** @return raw consumer client settings; they win over every setting above and the common properties */
	public Map<String, String> properties() {
		return this.properties;
	}

	@Override
	public String toString() {
		return "KafkaConsumerOptions{autoOffsetReset=" + this.autoOffsetReset + ", fetchMinBytes=" + this.fetchMinBytes
				+ ", fetchMaxBytes=" + this.fetchMaxBytes + ", fetchMaxWait=" + this.fetchMaxWait
				+ ", maxPartitionFetchBytes=" + this.maxPartitionFetchBytes + ", maxPollRecords=" + this.maxPollRecords
				+ ", sessionTimeout=" + this.sessionTimeout + ", heartbeatInterval=" + this.heartbeatInterval
				+ ", maxPollInterval=" + this.maxPollInterval + ", requestTimeout=" + this.requestTimeout
				+ ", isolationLevel=" + this.isolationLevel + ", pollTimeout=" + this.pollTimeout
				+ ", commitInterval=" + this.commitInterval + ", revocationTimeout=" + this.revocationTimeout
				+ ", lagRefreshInterval=" + this.lagRefreshInterval + ", properties=" + this.properties.keySet() + "}";
	}

	/** Builds {@link KafkaConsumerOptions}; {@link #build()} rejects bad values naming the setting. */
	public static final class Builder {

		private String autoOffsetReset = DEFAULT_AUTO_OFFSET_RESET;

		private int fetchMinBytes = DEFAULT_FETCH_MIN_BYTES;

		private int fetchMaxBytes = DEFAULT_FETCH_MAX_BYTES;

		private Duration fetchMaxWait = DEFAULT_FETCH_MAX_WAIT;

		private int maxPartitionFetchBytes = DEFAULT_MAX_PARTITION_FETCH_BYTES;

		private int maxPollRecords = DEFAULT_MAX_POLL_RECORDS;

		private Duration sessionTimeout = DEFAULT_SESSION_TIMEOUT;

		private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;

		private Duration maxPollInterval = DEFAULT_MAX_POLL_INTERVAL;

		private @Nullable Duration requestTimeout;

		private String isolationLevel = DEFAULT_ISOLATION_LEVEL;

		private Duration pollTimeout = DEFAULT_POLL_TIMEOUT;

		private Duration commitInterval = DEFAULT_COMMIT_INTERVAL;

		private Duration revocationTimeout = DEFAULT_REVOCATION_TIMEOUT;

		private Duration lagRefreshInterval = DEFAULT_LAG_REFRESH_INTERVAL;

		private Map<String, String> properties = Map.of();

		private Builder() {
		}

		/** @param autoOffsetReset {@code earliest}, {@code latest} or {@code none} @return this builder */
		public Builder autoOffsetReset(String autoOffsetReset) {
			this.autoOffsetReset = autoOffsetReset;
			return this;
		}

		/** @param fetchMinBytes minimum fetch in bytes, at least 1 @return this builder */
		public Builder fetchMinBytes(int fetchMinBytes) {
			this.fetchMinBytes = fetchMinBytes;
			return this;
		}

		/** @param fetchMaxBytes maximum fetch in bytes, at least fetchMinBytes @return this builder */
		public Builder fetchMaxBytes(int fetchMaxBytes) {
			this.fetchMaxBytes = fetchMaxBytes;
			return this;
		}

		/** @param fetchMaxWait longest broker wait for the minimum fetch, not negative @return this builder */
		public Builder fetchMaxWait(Duration fetchMaxWait) {
			this.fetchMaxWait = fetchMaxWait;
			return this;
		}

		/** @param maxPartitionFetchBytes maximum fetch per partition, at least 1 @return this builder */
		public Builder maxPartitionFetchBytes(int maxPartitionFetchBytes) {
			this.maxPartitionFetchBytes = maxPartitionFetchBytes;
			return this;
		}

		/** @param maxPollRecords records per poll, at least 1 @return this builder */
		public Builder maxPollRecords(int maxPollRecords) {
			this.maxPollRecords = maxPollRecords;
			return this;
		}

		/** @param sessionTimeout group session timeout, positive @return this builder */
		public Builder sessionTimeout(Duration sessionTimeout) {
			this.sessionTimeout = sessionTimeout;
			return this;
		}

		/** @param heartbeatInterval heartbeat interval, below the session timeout @return this builder */
		public Builder heartbeatInterval(Duration heartbeatInterval) {
			this.heartbeatInterval = heartbeatInterval;
			return this;
		}

		/** @param maxPollInterval longest gap between polls, positive @return this builder */
		public Builder maxPollInterval(Duration maxPollInterval) {
			this.maxPollInterval = maxPollInterval;
			return this;
		}

		/** @param requestTimeout request timeout, or null for the network read/write timeout @return this builder */
		public Builder requestTimeout(@Nullable Duration requestTimeout) {
			this.requestTimeout = requestTimeout;
			return this;
		}

		/** @param isolationLevel {@code read_uncommitted} or {@code read_committed} @return this builder */
		public Builder isolationLevel(String isolationLevel) {
			this.isolationLevel = isolationLevel;
			return this;
		}

		/** @param pollTimeout timeout of each poll of the bus's loop, positive @return this builder */
		public Builder pollTimeout(Duration pollTimeout) {
			this.pollTimeout = pollTimeout;
			return this;
		}

		/** @param commitInterval interval between commits, positive @return this builder */
		public Builder commitInterval(Duration commitInterval) {
			this.commitInterval = commitInterval;
			return this;
		}

		/** @param revocationTimeout wait for in-flight work on revocation, not negative @return this builder */
		public Builder revocationTimeout(Duration revocationTimeout) {
			this.revocationTimeout = revocationTimeout;
			return this;
		}

		/** @param lagRefreshInterval interval between lag measurements, positive @return this builder */
		public Builder lagRefreshInterval(Duration lagRefreshInterval) {
			this.lagRefreshInterval = lagRefreshInterval;
			return this;
		}

		/** @param properties raw consumer client settings that win @return this builder */
		public Builder properties(Map<String, String> properties) {
			this.properties = new LinkedHashMap<>(properties);
			return this;
		}

		/**
		 * @return the options
		 * @throws IllegalArgumentException naming the invalid setting
		 */
		public KafkaConsumerOptions build() {
			if (this.autoOffsetReset == null || !this.autoOffsetReset.trim().toLowerCase().startsWith("by_duration:")) {
				this.autoOffsetReset = Checks.oneOf("kafka.consumer.autoOffsetReset", this.autoOffsetReset, "earliest",
						"latest", "none");
			}
			Checks.atLeast("kafka.consumer.fetchMinBytes", this.fetchMinBytes, 1);
			Checks.atLeast("kafka.consumer.fetchMaxBytes", this.fetchMaxBytes, this.fetchMinBytes);
			Checks.millis("kafka.consumer.fetchMaxWait", Checks.notNegative("kafka.consumer.fetchMaxWait", this.fetchMaxWait));
			Checks.atLeast("kafka.consumer.maxPartitionFetchBytes", this.maxPartitionFetchBytes, 1);
			Checks.atLeast("kafka.consumer.maxPollRecords", this.maxPollRecords, 1);
			Checks.millis("kafka.consumer.sessionTimeout", Checks.positive("kafka.consumer.sessionTimeout", this.sessionTimeout));
			Checks.millis("kafka.consumer.heartbeatInterval",
					Checks.positive("kafka.consumer.heartbeatInterval", this.heartbeatInterval));
			if (this.heartbeatInterval.compareTo(this.sessionTimeout) >= 0) {
				throw new IllegalArgumentException("kafka.consumer.heartbeatInterval (" + this.heartbeatInterval
						+ ") must be below kafka.consumer.sessionTimeout (" + this.sessionTimeout
						+ "); a third of it is usual");
			}
			Checks.millis("kafka.consumer.maxPollInterval",
					Checks.positive("kafka.consumer.maxPollInterval", this.maxPollInterval));
			if (this.requestTimeout != null) {
				Checks.millis("kafka.consumer.requestTimeout",
						Checks.positive("kafka.consumer.requestTimeout", this.requestTimeout));
			}
			this.isolationLevel = Checks.oneOf("kafka.consumer.isolationLevel", this.isolationLevel, "read_uncommitted",
					"read_committed");
			Checks.positive("kafka.consumer.pollTimeout", this.pollTimeout);
			Checks.positive("kafka.consumer.commitInterval", this.commitInterval);
			Checks.notNegative("kafka.consumer.revocationTimeout", this.revocationTimeout);
			if (this.revocationTimeout.compareTo(this.maxPollInterval) >= 0) {
				throw new IllegalArgumentException("kafka.consumer.revocationTimeout (" + this.revocationTimeout
						+ ") must be below kafka.consumer.maxPollInterval (" + this.maxPollInterval
						+ "), or the member is expelled while it waits");
			}
			Checks.positive("kafka.consumer.lagRefreshInterval", this.lagRefreshInterval);
			this.properties = Checks.properties("kafka.consumer.properties", this.properties);
			return new KafkaConsumerOptions(this);
		}

	}

}

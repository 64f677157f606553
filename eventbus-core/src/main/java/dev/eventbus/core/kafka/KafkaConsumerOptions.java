package dev.eventbus.core.kafka;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
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

	/** Default consumer group protocol ({@code group.protocol}). */
	public static final KafkaGroupProtocol DEFAULT_GROUP_PROTOCOL = KafkaGroupProtocol.CLASSIC;

	/** Client settings of the classic protocol only; the consumer protocol rejects them. */
	static final List<String> CLASSIC_ONLY_SETTINGS = List.of("session.timeout.ms",
			"heartbeat.interval.ms", "partition.assignment.strategy");

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

	private final KafkaGroupProtocol groupProtocol;

	private final @Nullable String groupRemoteAssignor;

	/** Null when not set: {@link #DEFAULT_SESSION_TIMEOUT} under the classic protocol. */
	private final @Nullable Duration sessionTimeout;

	/** Null when not set: {@link #DEFAULT_HEARTBEAT_INTERVAL} under the classic protocol. */
	private final @Nullable Duration heartbeatInterval;

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
		this.groupProtocol = builder.groupProtocol;
		this.groupRemoteAssignor = builder.groupRemoteAssignor;
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
			.groupProtocol(this.groupProtocol).groupRemoteAssignor(this.groupRemoteAssignor)
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

	/**
	 * The consumer group protocol; client {@code group.protocol}. Under
	 * {@link KafkaGroupProtocol#CONSUMER} the bus does not write the classic-only client settings
	 * (session timeout, heartbeat interval, assignment strategy): the broker owns them.
	 * @return the group protocol, {@link KafkaGroupProtocol#CLASSIC} by default
	 */
	public KafkaGroupProtocol groupProtocol() {
		return this.groupProtocol;
	}

	/**
	 * Broker-side assignor the consumer protocol asks for (client {@code group.remote.assignor}, for
	 * example {@code uniform} or {@code range}); null (default) lets the broker choose its first
	 * {@code group.consumer.assignors}. Only with {@link KafkaGroupProtocol#CONSUMER}.
	 * @return the remote assignor or null
	 */
	public @Nullable String groupRemoteAssignor() {
		return this.groupRemoteAssignor;
	}

	/**
	 * Group session timeout of the classic protocol; client {@code session.timeout.ms}. Under the
	 * consumer protocol the broker's {@code group.consumer.session.timeout.ms} applies and this is
	 * not sent.
	 * @return the session timeout set, or {@link #DEFAULT_SESSION_TIMEOUT}
	 */
	public Duration sessionTimeout() {
		return (this.sessionTimeout != null) ? this.sessionTimeout : DEFAULT_SESSION_TIMEOUT;
	}

	/**
	 * Heartbeat interval of the classic protocol, below the session timeout (a third is usual);
	 * client {@code heartbeat.interval.ms}. Under the consumer protocol the broker's
	 * {@code group.consumer.heartbeat.interval.ms} applies and this is not sent.
	 * @return the heartbeat interval set, or {@link #DEFAULT_HEARTBEAT_INTERVAL}
	 */
	public Duration heartbeatInterval() {
		return (this.heartbeatInterval != null) ? this.heartbeatInterval : DEFAULT_HEARTBEAT_INTERVAL;
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
				+ ", groupProtocol=" + this.groupProtocol + ", groupRemoteAssignor=" + this.groupRemoteAssignor
				+ ", sessionTimeout=" + sessionTimeout() + ", heartbeatInterval=" + heartbeatInterval()
				+ ", maxPollInterval=" + this.maxPollInterval + ", requestTimeout=" + this.requestTimeout
				+ ", isolationLevel=" + this.isolationLevel + ", pollTimeout=" + this.pollTimeout
				+ ", commitInterval=" + this.commitInterval + ", revocationTimeout=" + this.revocationTimeout
				+ ", lagRefreshInterval=" + this.lagRefreshInterval + ", properties=" + this.properties.keySet() + "}";
	}

	/**
	 * Rejects raw client settings that contradict the group protocol: {@code group.protocol} itself
	 * (it is {@code kafka.consumer.groupProtocol}) and, under the consumer protocol, the classic-only
	 * settings, which the client would refuse at subscribe.
	 * @param setting name of the raw properties, for the message
	 * @param properties the raw client settings
	 * @param protocol the configured group protocol
	 * @throws IllegalArgumentException naming the raw setting and {@code kafka.consumer.groupProtocol}
	 */
	static void checkGroupProtocol(String setting, Map<String, String> properties, KafkaGroupProtocol protocol) {
		if (properties.containsKey("group.protocol")) {
			throw new IllegalArgumentException(setting + " must not set 'group.protocol': set "
					+ "kafka.consumer.groupProtocol instead (the bus writes the settings of the chosen protocol)");
		}
		if (protocol == KafkaGroupProtocol.CONSUMER) {
			for (String classicOnly : CLASSIC_ONLY_SETTINGS) {
				if (properties.containsKey(classicOnly)) {
					throw new IllegalArgumentException(setting + " sets '" + classicOnly
							+ "' but kafka.consumer.groupProtocol is consumer: the consumer group protocol does not "
							+ "accept it (the broker owns sessions, heartbeats and assignment); remove it or set "
							+ "kafka.consumer.groupProtocol to classic");
				}
			}
		}
	}

	/** Builds {@link KafkaConsumerOptions}; {@link #build()} rejects bad values naming the setting. */
	public static final class Builder {

		private String autoOffsetReset = DEFAULT_AUTO_OFFSET_RESET;

		private int fetchMinBytes = DEFAULT_FETCH_MIN_BYTES;

		private int fetchMaxBytes = DEFAULT_FETCH_MAX_BYTES;

		private Duration fetchMaxWait = DEFAULT_FETCH_MAX_WAIT;

		private int maxPartitionFetchBytes = DEFAULT_MAX_PARTITION_FETCH_BYTES;

		private int maxPollRecords = DEFAULT_MAX_POLL_RECORDS;

		private KafkaGroupProtocol groupProtocol = DEFAULT_GROUP_PROTOCOL;

		private @Nullable String groupRemoteAssignor;

		private @Nullable Duration sessionTimeout;

		private @Nullable Duration heartbeatInterval;

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

		/** @param groupProtocol the consumer group protocol @return this builder */
		public Builder groupProtocol(KafkaGroupProtocol groupProtocol) {
			this.groupProtocol = groupProtocol;
			return this;
		}

		/**
		 * @param groupRemoteAssignor broker-side assignor of the consumer protocol, or null for the
		 * broker's default
		 * @return this builder
		 */
		public Builder groupRemoteAssignor(@Nullable String groupRemoteAssignor) {
			this.groupRemoteAssignor = groupRemoteAssignor;
			return this;
		}

		/**
		 * @param sessionTimeout group session timeout of the classic protocol, positive; null for the
		 * default. Setting it with the consumer protocol is an error.
		 * @return this builder
		 */
		public Builder sessionTimeout(@Nullable Duration sessionTimeout) {
			this.sessionTimeout = sessionTimeout;
			return this;
		}

		/**
		 * @param heartbeatInterval heartbeat interval of the classic protocol, below the session
		 * timeout; null for the default. Setting it with the consumer protocol is an error.
		 * @return this builder
		 */
		public Builder heartbeatInterval(@Nullable Duration heartbeatInterval) {
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
			if (this.groupProtocol == null) {
				throw new IllegalArgumentException("kafka.consumer.groupProtocol must not be null: use classic or consumer");
			}
			this.properties = Checks.properties("kafka.consumer.properties", this.properties);
			checkGroupProtocol("kafka.consumer.properties", this.properties, this.groupProtocol);
			if (this.groupProtocol == KafkaGroupProtocol.CONSUMER) {
				if (this.sessionTimeout != null) {
					throw consumerProtocolConflict("kafka.consumer.sessionTimeout", "group.consumer.session.timeout.ms");
				}
				if (this.heartbeatInterval != null) {
					throw consumerProtocolConflict("kafka.consumer.heartbeatInterval",
							"group.consumer.heartbeat.interval.ms");
				}
				if (this.groupRemoteAssignor != null && this.groupRemoteAssignor.isBlank()) {
					throw new IllegalArgumentException("kafka.consumer.groupRemoteAssignor must not be blank: name a "
							+ "broker-side assignor (uniform, range) or leave it unset for the broker's default");
				}
			}
			else {
				if (this.groupRemoteAssignor != null) {
					throw new IllegalArgumentException("kafka.consumer.groupRemoteAssignor ('" + this.groupRemoteAssignor
							+ "') is set but kafka.consumer.groupProtocol is classic: a remote assignor is chosen "
							+ "only by the consumer protocol; set kafka.consumer.groupProtocol to consumer or remove it");
				}
				Duration session = (this.sessionTimeout != null) ? this.sessionTimeout : DEFAULT_SESSION_TIMEOUT;
				Duration heartbeat = (this.heartbeatInterval != null) ? this.heartbeatInterval
						: DEFAULT_HEARTBEAT_INTERVAL;
				Checks.millis("kafka.consumer.sessionTimeout", Checks.positive("kafka.consumer.sessionTimeout", session));
				Checks.millis("kafka.consumer.heartbeatInterval",
						Checks.positive("kafka.consumer.heartbeatInterval", heartbeat));
				if (heartbeat.compareTo(session) >= 0) {
					throw new IllegalArgumentException("kafka.consumer.heartbeatInterval (" + heartbeat
							+ ") must be below kafka.consumer.sessionTimeout (" + session + "); a third of it is usual");
				}
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
			return new KafkaConsumerOptions(this);
		}

		private static IllegalArgumentException consumerProtocolConflict(String setting, String brokerSetting) {
			return new IllegalArgumentException(setting + " is set but kafka.consumer.groupProtocol is consumer: "
					+ "under the consumer group protocol the broker owns this setting (" + brokerSetting
					+ "); remove " + setting + " or set kafka.consumer.groupProtocol to classic");
		}

	}

}

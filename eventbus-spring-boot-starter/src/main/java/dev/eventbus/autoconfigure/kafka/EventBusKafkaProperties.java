package dev.eventbus.autoconfigure.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

import dev.eventbus.core.kafka.KafkaCompression;
import dev.eventbus.core.kafka.KafkaGroupProtocol;
import dev.eventbus.core.kafka.KafkaTopicOptions;

/**
 * Configuration properties of the Kafka transport ({@code eventbus.kafka.*}), mapped onto
 * {@link dev.eventbus.core.kafka.KafkaOptions} by {@link KafkaOptionsMapper}. The defaults are the
 * bus's tuned values; {@code eventbus.scenario} overlays them and explicit values win over both.
 */
@ConfigurationProperties("eventbus.kafka")
public class EventBusKafkaProperties {

	/**
	 * Broker addresses as host:port pairs (bootstrap.servers). Falls back to
	 * spring.kafka.bootstrap-servers; start-up fails when neither is set. A Spring Boot
	 * KafkaConnectionDetails bean defined by the application or a service connection replaces it.
	 */
	private final List<String> bootstrapServers = new ArrayList<>();

	/**
	 * Client id prefix; clients are named prefix-producer and prefix-group-n.
	 */
	private String clientId = "eventbus";

	/**
	 * Raw client settings applied to every client; they win over every derived setting except the
	 * producer and consumer properties.
	 */
	private final Map<String, String> properties = new LinkedHashMap<>();

	private final Producer producer = new Producer();

	private final Consumer consumer = new Consumer();

	private final Network network = new Network();

	private final Security security = new Security();

	private final Topics topics = new Topics();

	private final Ssl ssl = new Ssl();

	public List<String> getBootstrapServers() {
		return this.bootstrapServers;
	}

	public String getClientId() {
		return this.clientId;
	}

	public void setClientId(String clientId) {
		this.clientId = clientId;
	}

	public Map<String, String> getProperties() {
		return this.properties;
	}

	public Producer getProducer() {
		return this.producer;
	}

	public Consumer getConsumer() {
		return this.consumer;
	}

	public Network getNetwork() {
		return this.network;
	}

	public Security getSecurity() {
		return this.security;
	}

	public Topics getTopics() {
		return this.topics;
	}

	public Ssl getSsl() {
		return this.ssl;
	}

	/** Producer settings. */
	public static class Producer {

		/**
		 * Compression of producer batches (compression.type).
		 */
		private KafkaCompression compression = KafkaCompression.LZ4;

		/**
		 * Longest time a non-full batch waits for more events before it is sent (linger.ms).
		 */
		private Duration flushFrequency = Duration.ofMillis(10);

		/**
		 * Number of buffered events that triggers a send before flush-frequency elapses. The Java client
		 * has no message-count trigger: the bus counts, per partition, the events it handed to the client
		 * since that partition's batch last went out (by flush-bytes, flush-frequency or a flush) and
		 * calls Producer.flush() from its flusher thread (eventbus-kafka-flusher) when one count is
		 * reached. 0 turns the trigger off.
		 */
		private int flushMessages = 100;

		/**
		 * Batch size per partition at which a batch is sent without waiting for flush-frequency
		 * (batch.size); at most buffer-memory.
		 */
		private DataSize flushBytes = DataSize.ofKilobytes(100);

		/**
		 * Acknowledgements the partition leader waits for before a publish completes: all (every in-sync
		 * replica), 1 (leader only) or 0 (none).
		 */
		private String acks = "all";

		/**
		 * Whether the producer is idempotent (enable.idempotence): no duplicates or reordering on
		 * producer retries. Requires acks=all and at most 5 requests in flight.
		 */
		private boolean idempotence = true;

		/**
		 * Unacknowledged requests per broker connection (max.in.flight.requests.per.connection).
		 */
		private int maxInFlight = 5;

		/**
		 * Memory the producer buffers unsent events in (buffer.memory); publishers wait up to max-block
		 * when it is full.
		 */
		private DataSize bufferMemory = DataSize.ofMegabytes(32);

		/**
		 * Longest time a publish call waits for buffer space or metadata before it fails with a
		 * PublishTimeoutException (max.block.ms).
		 */
		private Duration maxBlock = Duration.ofSeconds(10);

		/**
		 * Producer request timeout (request.timeout.ms). Defaults to the larger of network.read-timeout
		 * and network.write-timeout.
		 */
		private @Nullable Duration requestTimeout;

		/**
		 * Upper bound on the time from publish to acknowledgement or failure, retries included
		 * (delivery.timeout.ms).
		 */
		private Duration deliveryTimeout = Duration.ofMinutes(2);

		/**
		 * Raw producer client settings; they win over every setting above and eventbus.kafka.properties.
		 */
		private final Map<String, String> properties = new LinkedHashMap<>();

		public KafkaCompression getCompression() {
			return this.compression;
		}

		public void setCompression(KafkaCompression compression) {
			this.compression = compression;
		}

		public Duration getFlushFrequency() {
			return this.flushFrequency;
		}

		public void setFlushFrequency(Duration flushFrequency) {
			this.flushFrequency = flushFrequency;
		}

		public int getFlushMessages() {
			return this.flushMessages;
		}

		public void setFlushMessages(int flushMessages) {
			this.flushMessages = flushMessages;
		}

		public DataSize getFlushBytes() {
			return this.flushBytes;
		}

		public void setFlushBytes(DataSize flushBytes) {
			this.flushBytes = flushBytes;
		}

		public String getAcks() {
			return this.acks;
		}

		public void setAcks(String acks) {
			this.acks = acks;
		}

		public boolean isIdempotence() {
			return this.idempotence;
		}

		public void setIdempotence(boolean idempotence) {
			this.idempotence = idempotence;
		}

		public int getMaxInFlight() {
			return this.maxInFlight;
		}

		public void setMaxInFlight(int maxInFlight) {
			this.maxInFlight = maxInFlight;
		}

		public DataSize getBufferMemory() {
			return this.bufferMemory;
		}

		public void setBufferMemory(DataSize bufferMemory) {
			this.bufferMemory = bufferMemory;
		}

		public Duration getMaxBlock() {
			return this.maxBlock;
		}

		public void setMaxBlock(Duration maxBlock) {
			this.maxBlock = maxBlock;
		}

		public @Nullable Duration getRequestTimeout() {
			return this.requestTimeout;
		}

		public void setRequestTimeout(@Nullable Duration requestTimeout) {
			this.requestTimeout = requestTimeout;
		}

		public Duration getDeliveryTimeout() {
			return this.deliveryTimeout;
		}

		public void setDeliveryTimeout(Duration deliveryTimeout) {
			this.deliveryTimeout = deliveryTimeout;
		}

		public Map<String, String> getProperties() {
			return this.properties;
		}

	}

	/** Consumer settings. */
	public static class Consumer {

		/**
		 * Where a new consumer group starts: earliest or latest (auto.offset.reset).
		 */
		private String autoOffsetReset = "earliest";

		/**
		 * Data the broker gathers before it answers a fetch, unless fetch-max-wait expires first
		 * (fetch.min.bytes).
		 */
		private DataSize fetchMinSize = DataSize.ofKilobytes(100);

		/**
		 * Upper bound on the data of one fetch response (fetch.max.bytes).
		 */
		private DataSize fetchMaxSize = DataSize.ofMegabytes(10);

		/**
		 * Longest time the broker waits for fetch-min-size before it answers a fetch (fetch.max.wait.ms).
		 */
		private Duration fetchMaxWait = Duration.ofMillis(500);

		/**
		 * Upper bound on the data per partition of one fetch (max.partition.fetch.bytes).
		 */
		private DataSize maxPartitionFetchSize = DataSize.ofMegabytes(1);

		/**
		 * Records returned by one poll (max.poll.records).
		 */
		private int maxPollRecords = 500;

		/**
		 * Consumer group protocol (group.protocol): classic (the client-side assignor, the bus uses
		 * cooperative sticky) or consumer (KIP-848, Kafka 4.0+ brokers: the broker assigns partitions
		 * incrementally and owns the session timeout and heartbeat interval).
		 */
		private KafkaGroupProtocol groupProtocol = KafkaGroupProtocol.CLASSIC;

		/**
		 * Broker-side assignor of the consumer group protocol, for example uniform or range
		 * (group.remote.assignor). Only with group-protocol=consumer; unset uses the broker's default.
		 */
		private @Nullable String groupRemoteAssignor;

		/**
		 * Time without heartbeats after which the broker removes a consumer from its group
		 * (session.timeout.ms). Classic protocol only, where it defaults to 45s; with
		 * group-protocol=consumer the broker's group.consumer.session.timeout.ms applies and setting it
		 * fails start-up.
		 */
		private @Nullable Duration sessionTimeout;

		/**
		 * Interval of consumer heartbeats (heartbeat.interval.ms). Classic protocol only, where it
		 * defaults to 3s; with group-protocol=consumer the broker's group.consumer.heartbeat.interval.ms
		 * applies and setting it fails start-up.
		 */
		private @Nullable Duration heartbeatInterval;

		/**
		 * Longest time between two polls before the consumer leaves its group (max.poll.interval.ms). The
		 * bus keeps polling while handlers run, pausing partitions under backpressure.
		 */
		private Duration maxPollInterval = Duration.ofMinutes(5);

		/**
		 * Consumer request timeout (request.timeout.ms). Defaults to the larger of network.read-timeout
		 * and network.write-timeout.
		 */
		private @Nullable Duration requestTimeout;

		/**
		 * Whether transactional records are read before their commit: read_uncommitted or read_committed
		 * (isolation.level).
		 */
		private String isolationLevel = "read_uncommitted";

		/**
		 * Longest time one poll call blocks.
		 */
		private Duration pollTimeout = Duration.ofMillis(100);

		/**
		 * Interval at which the highest contiguous finished offsets are committed.
		 */
		private Duration commitInterval = Duration.ofMillis(500);

		/**
		 * Longest time in-flight work of revoked partitions may take to finish and be committed during a
		 * rebalance.
		 */
		private Duration revocationTimeout = Duration.ofSeconds(10);

		/**
		 * Interval at which consumer lag (end offset minus committed offset) is measured, off the poll
		 * thread.
		 */
		private Duration lagRefreshInterval = Duration.ofSeconds(5);

		/**
		 * Raw consumer client settings; they win over every setting above and eventbus.kafka.properties.
		 */
		private final Map<String, String> properties = new LinkedHashMap<>();

		public String getAutoOffsetReset() {
			return this.autoOffsetReset;
		}

		public void setAutoOffsetReset(String autoOffsetReset) {
			this.autoOffsetReset = autoOffsetReset;
		}

		public DataSize getFetchMinSize() {
			return this.fetchMinSize;
		}

		public void setFetchMinSize(DataSize fetchMinSize) {
			this.fetchMinSize = fetchMinSize;
		}

		public DataSize getFetchMaxSize() {
			return this.fetchMaxSize;
		}

		public void setFetchMaxSize(DataSize fetchMaxSize) {
			this.fetchMaxSize = fetchMaxSize;
		}

		public Duration getFetchMaxWait() {
			return this.fetchMaxWait;
		}

		public void setFetchMaxWait(Duration fetchMaxWait) {
			this.fetchMaxWait = fetchMaxWait;
		}

		public DataSize getMaxPartitionFetchSize() {
			return this.maxPartitionFetchSize;
		}

		public void setMaxPartitionFetchSize(DataSize maxPartitionFetchSize) {
			this.maxPartitionFetchSize = maxPartitionFetchSize;
		}

		public int getMaxPollRecords() {
			return this.maxPollRecords;
		}

		public void setMaxPollRecords(int maxPollRecords) {
			this.maxPollRecords = maxPollRecords;
		}

		public KafkaGroupProtocol getGroupProtocol() {
			return this.groupProtocol;
		}

		public void setGroupProtocol(KafkaGroupProtocol groupProtocol) {
			this.groupProtocol = groupProtocol;
		}

		public @Nullable String getGroupRemoteAssignor() {
			return this.groupRemoteAssignor;
		}

		public void setGroupRemoteAssignor(@Nullable String groupRemoteAssignor) {
			this.groupRemoteAssignor = groupRemoteAssignor;
		}

		public @Nullable Duration getSessionTimeout() {
			return this.sessionTimeout;
		}

		public void setSessionTimeout(@Nullable Duration sessionTimeout) {
			this.sessionTimeout = sessionTimeout;
		}

		public @Nullable Duration getHeartbeatInterval() {
			return this.heartbeatInterval;
		}

		public void setHeartbeatInterval(@Nullable Duration heartbeatInterval) {
			this.heartbeatInterval = heartbeatInterval;
		}

		public Duration getMaxPollInterval() {
			return this.maxPollInterval;
		}

		public void setMaxPollInterval(Duration maxPollInterval) {
			this.maxPollInterval = maxPollInterval;
		}

		public @Nullable Duration getRequestTimeout() {
			return this.requestTimeout;
		}

		public void setRequestTimeout(@Nullable Duration requestTimeout) {
			this.requestTimeout = requestTimeout;
		}

		public String getIsolationLevel() {
			return this.isolationLevel;
		}

		public void setIsolationLevel(String isolationLevel) {
			this.isolationLevel = isolationLevel;
		}

		public Duration getPollTimeout() {
			return this.pollTimeout;
		}

		public void setPollTimeout(Duration pollTimeout) {
			this.pollTimeout = pollTimeout;
		}

		public Duration getCommitInterval() {
			return this.commitInterval;
		}

		public void setCommitInterval(Duration commitInterval) {
			this.commitInterval = commitInterval;
		}

		public Duration getRevocationTimeout() {
			return this.revocationTimeout;
		}

		public void setRevocationTimeout(Duration revocationTimeout) {
			this.revocationTimeout = revocationTimeout;
		}

		public Duration getLagRefreshInterval() {
			return this.lagRefreshInterval;
		}

		public void setLagRefreshInterval(Duration lagRefreshInterval) {
			this.lagRefreshInterval = lagRefreshInterval;
		}

		public Map<String, String> getProperties() {
			return this.properties;
		}

	}

	/** Network timeouts shared by all clients. */
	public static class Network {

		/**
		 * Timeout of each attempt to establish a broker connection (socket.connection.setup.timeout.ms
		 * and its max).
		 */
		private Duration dialTimeout = Duration.ofSeconds(10);

		/**
		 * Longest wait for a broker's response. The Java client has no socket read timeout: its
		 * request.timeout.ms covers writing and reading together and is set to the larger of read-timeout
		 * and write-timeout unless producer.request-timeout or consumer.request-timeout is set.
		 */
		private Duration readTimeout = Duration.ofSeconds(30);

		/**
		 * Longest time to send a request; folded with read-timeout into request.timeout.ms (the larger
		 * wins).
		 */
		private Duration writeTimeout = Duration.ofSeconds(30);

		/**
		 * Keep-alive of broker connections. The Java client always enables TCP keep-alive but cannot set
		 * its probe interval; the nearest mechanism is connections.max.idle.ms: a connection idle for
		 * longer is closed and re-opened on next use, so a silently dead idle connection is never reused.
		 */
		private Duration keepAlive = Duration.ofSeconds(30);

		public Duration getDialTimeout() {
			return this.dialTimeout;
		}

		public void setDialTimeout(Duration dialTimeout) {
			this.dialTimeout = dialTimeout;
		}

		public Duration getReadTimeout() {
			return this.readTimeout;
		}

		public void setReadTimeout(Duration readTimeout) {
			this.readTimeout = readTimeout;
		}

		public Duration getWriteTimeout() {
			return this.writeTimeout;
		}

		public void setWriteTimeout(Duration writeTimeout) {
			this.writeTimeout = writeTimeout;
		}

		public Duration getKeepAlive() {
			return this.keepAlive;
		}

		public void setKeepAlive(Duration keepAlive) {
			this.keepAlive = keepAlive;
		}

	}

	/** Security settings shared by all clients. */
	public static class Security {

		/**
		 * Security protocol: PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL (security.protocol).
		 */
		private String protocol = "PLAINTEXT";

		/**
		 * SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (sasl.mechanism).
		 */
		private String saslMechanism = "PLAIN";

		/**
		 * SASL user name; with password it builds the JAAS configuration.
		 */
		private @Nullable String username;

		/**
		 * SASL password.
		 */
		private @Nullable String password;

		/**
		 * Full JAAS configuration (sasl.jaas.config); wins over username and password.
		 */
		private @Nullable String jaasConfig;

		/**
		 * Trust store location (ssl.truststore.location).
		 */
		private @Nullable String truststoreLocation;

		/**
		 * Trust store password (ssl.truststore.password).
		 */
		private @Nullable String truststorePassword;

		/**
		 * Trust store type, for example PKCS12 or JKS (ssl.truststore.type).
		 */
		private @Nullable String truststoreType;

		/**
		 * Key store location for client certificates (ssl.keystore.location).
		 */
		private @Nullable String keystoreLocation;

		/**
		 * Key store password (ssl.keystore.password).
		 */
		private @Nullable String keystorePassword;

		/**
		 * Private key password (ssl.key.password).
		 */
		private @Nullable String keyPassword;

		/**
		 * Key store type, for example PKCS12 or JKS (ssl.keystore.type).
		 */
		private @Nullable String keystoreType;

		/**
		 * Whether the broker's host name is verified against its certificate.
		 */
		private boolean hostnameVerification = true;

		public String getProtocol() {
			return this.protocol;
		}

		public void setProtocol(String protocol) {
			this.protocol = protocol;
		}

		public String getSaslMechanism() {
			return this.saslMechanism;
		}

		public void setSaslMechanism(String saslMechanism) {
			this.saslMechanism = saslMechanism;
		}

		public @Nullable String getUsername() {
			return this.username;
		}

		public void setUsername(@Nullable String username) {
			this.username = username;
		}

		public @Nullable String getPassword() {
			return this.password;
		}

		public void setPassword(@Nullable String password) {
			this.password = password;
		}

		public @Nullable String getJaasConfig() {
			return this.jaasConfig;
		}

		public void setJaasConfig(@Nullable String jaasConfig) {
			this.jaasConfig = jaasConfig;
		}

		public @Nullable String getTruststoreLocation() {
			return this.truststoreLocation;
		}

		public void setTruststoreLocation(@Nullable String truststoreLocation) {
			this.truststoreLocation = truststoreLocation;
		}

		public @Nullable String getTruststorePassword() {
			return this.truststorePassword;
		}

		public void setTruststorePassword(@Nullable String truststorePassword) {
			this.truststorePassword = truststorePassword;
		}

		public @Nullable String getTruststoreType() {
			return this.truststoreType;
		}

		public void setTruststoreType(@Nullable String truststoreType) {
			this.truststoreType = truststoreType;
		}

		public @Nullable String getKeystoreLocation() {
			return this.keystoreLocation;
		}

		public void setKeystoreLocation(@Nullable String keystoreLocation) {
			this.keystoreLocation = keystoreLocation;
		}

		public @Nullable String getKeystorePassword() {
			return this.keystorePassword;
		}

		public void setKeystorePassword(@Nullable String keystorePassword) {
			this.keystorePassword = keystorePassword;
		}

		public @Nullable String getKeyPassword() {
			return this.keyPassword;
		}

		public void setKeyPassword(@Nullable String keyPassword) {
			this.keyPassword = keyPassword;
		}

		public @Nullable String getKeystoreType() {
			return this.keystoreType;
		}

		public void setKeystoreType(@Nullable String keystoreType) {
			this.keystoreType = keystoreType;
		}

		public boolean isHostnameVerification() {
			return this.hostnameVerification;
		}

		public void setHostnameVerification(boolean hostnameVerification) {
			this.hostnameVerification = hostnameVerification;
		}

	}

	/** Topic provisioning. */
	public static class Topics {

		/**
		 * What start-up provisioning does with the bus's topics: create-only, create-or-update, validate
		 * or skip.
		 */
		private KafkaTopicOptions.Strategy strategy = KafkaTopicOptions.Strategy.SKIP;

		/**
		 * Partitions of provisioned topics; -1 uses the broker's num.partitions.
		 */
		private int partitions = -1;

		/**
		 * Replication factor of provisioned topics; -1 uses the broker's default.replication.factor.
		 */
		private short replicationFactor = -1;

		/**
		 * Retention of provisioned topics (retention.ms); unset keeps the broker's default.
		 */
		private @Nullable Duration retention;

		/**
		 * Compression of provisioned topics (compression.type); unset keeps the broker's default.
		 */
		private @Nullable KafkaCompression compression;

		/**
		 * Whether the dead-letter topics (topic-dlt) are provisioned too.
		 */
		private boolean deadLetterTopics = true;

		/**
		 * Topics provisioned when the bus starts; subscribed topics are provisioned when their
		 * subscription starts.
		 */
		private final List<String> names = new ArrayList<>();

		/**
		 * Bound on each admin call of provisioning.
		 */
		private Duration timeout = Duration.ofSeconds(30);

		public KafkaTopicOptions.Strategy getStrategy() {
			return this.strategy;
		}

		public void setStrategy(KafkaTopicOptions.Strategy strategy) {
			this.strategy = strategy;
		}

		public int getPartitions() {
			return this.partitions;
		}

		public void setPartitions(int partitions) {
			this.partitions = partitions;
		}

		public short getReplicationFactor() {
			return this.replicationFactor;
		}

		public void setReplicationFactor(short replicationFactor) {
			this.replicationFactor = replicationFactor;
		}

		public @Nullable Duration getRetention() {
			return this.retention;
		}

		public void setRetention(@Nullable Duration retention) {
			this.retention = retention;
		}

		public @Nullable KafkaCompression getCompression() {
			return this.compression;
		}

		public void setCompression(@Nullable KafkaCompression compression) {
			this.compression = compression;
		}

		public boolean isDeadLetterTopics() {
			return this.deadLetterTopics;
		}

		public void setDeadLetterTopics(boolean deadLetterTopics) {
			this.deadLetterTopics = deadLetterTopics;
		}

		public List<String> getNames() {
			return this.names;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

	}

	/** TLS material from a Spring Boot SSL bundle. */
	public static class Ssl {

		/**
		 * Name of the Spring Boot SSL bundle (spring.ssl.bundle.*) whose key and trust material every
		 * client uses, instead of the security.truststore-* and security.keystore-* / key-password
		 * settings (setting both fails start-up); needs security.protocol SSL or SASL_SSL.
		 */
		private @Nullable String bundle;

		public @Nullable String getBundle() {
			return this.bundle;
		}

		public void setBundle(@Nullable String bundle) {
			this.bundle = bundle;
		}

	}

}

package dev.eventbus.autoconfigure.nats;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

import dev.eventbus.core.nats.NatsStreamOptions;

/**
 * Configuration properties of the NATS JetStream transport ({@code eventbus.nats.*}), mapped onto
 * {@link dev.eventbus.core.nats.NatsOptions} by {@link NatsOptionsMapper}. {@code eventbus.scenario}
 * overlays the publish window and pull settings; explicit values win.
 */
@ConfigurationProperties("eventbus.nats")
public class EventBusNatsProperties {


	/**
	 * Server URLs such as nats://host:4222; the client fails over between them.
	 */
	private final List<String> servers = new ArrayList<>(List.of("nats://localhost:4222"));

	/**
	 * Connection name shown by the server's monitoring.
	 */
	private String connectionName = "eventbus";

	/**
	 * Path of a .creds file (user JWT and NKey seed).
	 */
	private @Nullable String credentialsFile;

	/**
	 * Authentication token.
	 */
	private @Nullable String token;

	/**
	 * User name.
	 */
	private @Nullable String username;

	/**
	 * Password.
	 */
	private @Nullable String password;

	/**
	 * NKey user seed (SU...).
	 */
	private @Nullable String nkeySeed;

	/**
	 * Wait between reconnect attempts to the same server. Reconnects keep every setting of this
	 * connection.
	 */
	private Duration reconnectWait = Duration.ofSeconds(2);

	/**
	 * Reconnect attempts before the connection gives up; -1 for forever, 0 for none.
	 */
	private int maxReconnects = -1;

	/**
	 * Interval of client pings that detect a dead connection.
	 */
	private Duration pingInterval = Duration.ofMinutes(2);

	/**
	 * Timeout of dialling and handshaking a server.
	 */
	private Duration connectionTimeout = Duration.ofSeconds(5);

	/**
	 * Timeout of JetStream management requests (stream and consumer provisioning, account info).
	 */
	private Duration requestTimeout = Duration.ofSeconds(5);

	/**
	 * Size of the client's outgoing message queue.
	 */
	private int outgoingQueueSize = 16384;

	/**
	 * Partitions of every topic, 1 to 1024. With 1, a topic is one subject consumed by one instance of
	 * a group at a time; with more, events go to the subject of their partition (the topic's subject,
	 * a dot, the partition number) by a hash of their aggregate id, and the instances of a group share the partitions fairly, each partition on one instance at a
	 * time. The count of an existing stream cannot change: start-up fails when it differs.
	 */
	private int partitions = 1;

	private final Tls tls = new Tls();

	private final Stream stream = new Stream();

	private final Consumer consumer = new Consumer();

	private final Publish publish = new Publish();


	public List<String> getServers() {
		return this.servers;
	}

	public String getConnectionName() {
		return this.connectionName;
	}

	public void setConnectionName(String connectionName) {
		this.connectionName = connectionName;
	}

	public @Nullable String getCredentialsFile() {
		return this.credentialsFile;
	}

	public void setCredentialsFile(@Nullable String credentialsFile) {
		this.credentialsFile = credentialsFile;
	}

	public @Nullable String getToken() {
		return this.token;
	}

	public void setToken(@Nullable String token) {
		this.token = token;
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

	public @Nullable String getNkeySeed() {
		return this.nkeySeed;
	}

	public void setNkeySeed(@Nullable String nkeySeed) {
		this.nkeySeed = nkeySeed;
	}

	public Duration getReconnectWait() {
		return this.reconnectWait;
	}

	public void setReconnectWait(Duration reconnectWait) {
		this.reconnectWait = reconnectWait;
	}

	public int getMaxReconnects() {
		return this.maxReconnects;
	}

	public void setMaxReconnects(int maxReconnects) {
		this.maxReconnects = maxReconnects;
	}

	public Duration getPingInterval() {
		return this.pingInterval;
	}

	public void setPingInterval(Duration pingInterval) {
		this.pingInterval = pingInterval;
	}

	public Duration getConnectionTimeout() {
		return this.connectionTimeout;
	}

	public void setConnectionTimeout(Duration connectionTimeout) {
		this.connectionTimeout = connectionTimeout;
	}

	public Duration getRequestTimeout() {
		return this.requestTimeout;
	}

	public void setRequestTimeout(Duration requestTimeout) {
		this.requestTimeout = requestTimeout;
	}

	public int getPartitions() {
		return this.partitions;
	}

	public void setPartitions(int partitions) {
		this.partitions = partitions;
	}

	public int getOutgoingQueueSize() {
		return this.outgoingQueueSize;
	}

	public void setOutgoingQueueSize(int outgoingQueueSize) {
		this.outgoingQueueSize = outgoingQueueSize;
	}

	public Tls getTls() {
		return this.tls;
	}

	public Stream getStream() {
		return this.stream;
	}

	public Consumer getConsumer() {
		return this.consumer;
	}

	public Publish getPublish() {
		return this.publish;
	}

	/** TLS. */
	public static class Tls {

		/**
		 * Whether the connection uses TLS; implied by tls:// server URLs.
		 */
		private boolean enabled = false;

		/**
		 * Trust store path.
		 */
		private @Nullable String truststorePath;

		/**
		 * Trust store password.
		 */
		private @Nullable String truststorePassword;

		/**
		 * Key store path for a client certificate.
		 */
		private @Nullable String keystorePath;

		/**
		 * Key store password.
		 */
		private @Nullable String keystorePassword;

		/**
		 * Name of the Spring Boot SSL bundle (spring.ssl.bundle.*) whose SSL context the connection
		 * uses (implies TLS), instead of the trust store and key store settings (setting both fails
		 * start-up).
		 */
		private @Nullable String bundle;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public @Nullable String getTruststorePath() {
			return this.truststorePath;
		}

		public void setTruststorePath(@Nullable String truststorePath) {
			this.truststorePath = truststorePath;
		}

		public @Nullable String getTruststorePassword() {
			return this.truststorePassword;
		}

		public void setTruststorePassword(@Nullable String truststorePassword) {
			this.truststorePassword = truststorePassword;
		}

		public @Nullable String getKeystorePath() {
			return this.keystorePath;
		}

		public void setKeystorePath(@Nullable String keystorePath) {
			this.keystorePath = keystorePath;
		}

		public @Nullable String getKeystorePassword() {
			return this.keystorePassword;
		}

		public void setKeystorePassword(@Nullable String keystorePassword) {
			this.keystorePassword = keystorePassword;
		}

		public @Nullable String getBundle() {
			return this.bundle;
		}

		public void setBundle(@Nullable String bundle) {
			this.bundle = bundle;
		}

	}

	/** Stream provisioning. */
	public static class Stream {

		/**
		 * Storage of provisioned streams: file (survives restarts) or memory.
		 */
		private NatsStreamOptions.Storage storage = NatsStreamOptions.Storage.FILE;

		/**
		 * Retention policy of provisioned streams: limits, interest or work-queue.
		 */
		private NatsStreamOptions.Retention retention = NatsStreamOptions.Retention.LIMITS;

		/**
		 * What a full stream does: new rejects publishes (never evicts unconsumed events), old evicts the
		 * oldest.
		 */
		private NatsStreamOptions.Discard discard = NatsStreamOptions.Discard.NEW;

		/**
		 * Longest time a stream keeps a message; 0 keeps it without an age limit.
		 */
		private Duration maxAge = Duration.ZERO;

		/**
		 * Upper bound on a stream's size in bytes; -1 for none.
		 */
		private long maxBytes = -1;

		/**
		 * Upper bound on a stream's message count; -1 for none.
		 */
		private long maxMessages = -1;

		/**
		 * Replicas of each provisioned stream (1 to 5; a clustered server is needed above 1).
		 */
		private int replicas = 1;

		/**
		 * Window in which JetStream drops a re-published event with the same Nats-Msg-Id (the event id).
		 */
		private Duration duplicateWindow = Duration.ofMinutes(2);

		/**
		 * Subject prefix that maps to one stream for all topics under it; unset provisions one stream per
		 * topic.
		 */
		private @Nullable String subjectPrefix;

		/**
		 * What the bus does with streams: create-only, create-or-update, validate or skip.
		 */
		private NatsStreamOptions.Provisioning provisioning = NatsStreamOptions.Provisioning.CREATE_OR_UPDATE;

		public NatsStreamOptions.Storage getStorage() {
			return this.storage;
		}

		public void setStorage(NatsStreamOptions.Storage storage) {
			this.storage = storage;
		}

		public NatsStreamOptions.Retention getRetention() {
			return this.retention;
		}

		public void setRetention(NatsStreamOptions.Retention retention) {
			this.retention = retention;
		}

		public NatsStreamOptions.Discard getDiscard() {
			return this.discard;
		}

		public void setDiscard(NatsStreamOptions.Discard discard) {
			this.discard = discard;
		}

		public Duration getMaxAge() {
			return this.maxAge;
		}

		public void setMaxAge(Duration maxAge) {
			this.maxAge = maxAge;
		}

		public long getMaxBytes() {
			return this.maxBytes;
		}

		public void setMaxBytes(long maxBytes) {
			this.maxBytes = maxBytes;
		}

		public long getMaxMessages() {
			return this.maxMessages;
		}

		public void setMaxMessages(long maxMessages) {
			this.maxMessages = maxMessages;
		}

		public int getReplicas() {
			return this.replicas;
		}

		public void setReplicas(int replicas) {
			this.replicas = replicas;
		}

		public Duration getDuplicateWindow() {
			return this.duplicateWindow;
		}

		public void setDuplicateWindow(Duration duplicateWindow) {
			this.duplicateWindow = duplicateWindow;
		}

		public @Nullable String getSubjectPrefix() {
			return this.subjectPrefix;
		}

		public void setSubjectPrefix(@Nullable String subjectPrefix) {
			this.subjectPrefix = subjectPrefix;
		}

		public NatsStreamOptions.Provisioning getProvisioning() {
			return this.provisioning;
		}

		public void setProvisioning(NatsStreamOptions.Provisioning provisioning) {
			this.provisioning = provisioning;
		}

	}

	/** Pull consumers. */
	public static class Consumer {

		/**
		 * Time JetStream waits for an ack before it redelivers; a handler running longer extends it with
		 * in-progress acks.
		 */
		private Duration ackWait = Duration.ofSeconds(30);

		/**
		 * Deliveries of one message before JetStream stops redelivering it; -1 for unlimited (the bus
		 * dead-letters after its own retries).
		 */
		private long maxDeliver = -1;

		/**
		 * Upper bound on unacknowledged messages per consumer.
		 */
		private int maxAckPending = 5000;

		/**
		 * Messages requested by one pull.
		 */
		private int pullBatchSize = 256;

		/**
		 * Longest time one pull waits for messages.
		 */
		private Duration pullExpiry = Duration.ofMillis(500);

		/**
		 * Whether only one instance of a group consumes a topic at a time (a lease in the EVENTBUS_LEASES
		 * bucket), which keeps per-key order across instances.
		 */
		private boolean singleActive = true;

		/**
		 * Time after which the lease of a crashed instance expires.
		 */
		private Duration leaseTtl = Duration.ofSeconds(10);

		public Duration getAckWait() {
			return this.ackWait;
		}

		public void setAckWait(Duration ackWait) {
			this.ackWait = ackWait;
		}

		public long getMaxDeliver() {
			return this.maxDeliver;
		}

		public void setMaxDeliver(long maxDeliver) {
			this.maxDeliver = maxDeliver;
		}

		public int getMaxAckPending() {
			return this.maxAckPending;
		}

		public void setMaxAckPending(int maxAckPending) {
			this.maxAckPending = maxAckPending;
		}

		public int getPullBatchSize() {
			return this.pullBatchSize;
		}

		public void setPullBatchSize(int pullBatchSize) {
			this.pullBatchSize = pullBatchSize;
		}

		public Duration getPullExpiry() {
			return this.pullExpiry;
		}

		public void setPullExpiry(Duration pullExpiry) {
			this.pullExpiry = pullExpiry;
		}

		public boolean isSingleActive() {
			return this.singleActive;
		}

		public void setSingleActive(boolean singleActive) {
			this.singleActive = singleActive;
		}

		public Duration getLeaseTtl() {
			return this.leaseTtl;
		}

		public void setLeaseTtl(Duration leaseTtl) {
			this.leaseTtl = leaseTtl;
		}

	}

	/** Asynchronous publishing. */
	public static class Publish {

		/**
		 * Upper bound on asynchronous publishes awaiting their PubAck; publishers wait up to max-block
		 * beyond it.
		 */
		private int maxInFlight = 2048;

		/**
		 * Longest time a publish call waits for room in the window before it fails with a
		 * PublishTimeoutException.
		 */
		private Duration maxBlock = Duration.ofSeconds(10);

		/**
		 * Longest wait for the PubAck of one publish.
		 */
		private Duration ackTimeout = Duration.ofSeconds(10);

		public int getMaxInFlight() {
			return this.maxInFlight;
		}

		public void setMaxInFlight(int maxInFlight) {
			this.maxInFlight = maxInFlight;
		}

		public Duration getMaxBlock() {
			return this.maxBlock;
		}

		public void setMaxBlock(Duration maxBlock) {
			this.maxBlock = maxBlock;
		}

		public Duration getAckTimeout() {
			return this.ackTimeout;
		}

		public void setAckTimeout(Duration ackTimeout) {
			this.ackTimeout = ackTimeout;
		}

	}

}

package dev.eventbus.core.nats;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import javax.net.ssl.SSLContext;

import dev.eventbus.core.support.ServerUrls;
import dev.eventbus.core.support.TlsFailures;
import dev.eventbus.core.support.Topics;

import org.jspecify.annotations.Nullable;

/**
 * Settings of the NATS JetStream transport: the connection (servers, authentication, TLS,
 * reconnects, timeouts) and the option groups for {@link NatsStreamOptions streams},
 * {@link NatsConsumerOptions consumers} and {@link NatsPublishOptions publishing}. Immutable; build
 * with {@link #builder()}; {@link Builder#build()} rejects bad values naming the setting.
 *
 * <p>The connection is created once with these settings and jnats reconnects it with the same
 * settings (authentication, TLS, listeners) after an outage; the bus never rebuilds it with
 * defaults. Reconnecting is unlimited by default ({@link #DEFAULT_MAX_RECONNECTS}).
 *
 * <p>Authentication: at most one of {@link #credentialsFile()}, {@link #token()},
 * {@link #username()}/{@link #password()} and {@link #nkeySeed()}. {@link #toString()} redacts
 * secrets.
 */
public final class NatsOptions {

	/** Default server list: {@code nats://localhost:4222}. */
	public static final List<String> DEFAULT_SERVERS = List.of("nats://localhost:4222");

	/** Default connection name, shown by the server's monitoring: {@code eventbus}. */
	public static final String DEFAULT_CONNECTION_NAME = "eventbus";

	/** Default wait between reconnect attempts to the same server: 2 seconds. */
	public static final Duration DEFAULT_RECONNECT_WAIT = Duration.ofSeconds(2);

	/** Default maximum reconnect attempts: -1, forever. */
	public static final int DEFAULT_MAX_RECONNECTS = -1;

	/** Default interval of client pings: 2 minutes. */
	public static final Duration DEFAULT_PING_INTERVAL = Duration.ofMinutes(2);

	/** Default connection (dial and handshake) timeout: 5 seconds. */
	public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(5);

	/** Default timeout of JetStream management requests (stream and consumer info, create): 5 seconds. */
	public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);

	/**
	 * Default size of the client's outgoing message queue: 16,384 messages. It holds publishes, acks
	 * and pulls not yet written to the socket (also during a reconnect); when it is full jnats fails
	 * the write rather than dropping it.
	 */
	public static final int DEFAULT_OUTGOING_QUEUE_SIZE = 16_384;

	/**
	 * Default of {@link #deadLetterSuffix()}: dead letters of {@code orders} go to the subject
	 * {@code orders.dlt}, a token of its own.
	 */
	public static final String DEFAULT_DEAD_LETTER_SUFFIX = ".dlt";

	/**
	 * Default of {@link #partitions()}: 1, one subject per topic (the single-lease layout of 0.1).
	 */
	public static final int DEFAULT_PARTITIONS = 1;

	/** Largest {@link #partitions()} accepted. */
	public static final int MAX_PARTITIONS = 1024;

	private final List<String> servers;

	private final String connectionName;

	private final @Nullable String credentialsFile;

	private final @Nullable String token;

	private final @Nullable String username;

	private final @Nullable String password;

	private final @Nullable String nkeySeed;

	private final boolean tls;

	private final @Nullable String truststorePath;

	private final @Nullable String truststorePassword;

	private final @Nullable String keystorePath;

	private final @Nullable String keystorePassword;

	private final @Nullable SSLContext sslContext;

	private final Duration reconnectWait;

	private final int maxReconnects;

	private final Duration pingInterval;

	private final Duration connectionTimeout;

	private final Duration requestTimeout;

	private final int outgoingQueueSize;

	private final NatsStreamOptions stream;

	private final NatsConsumerOptions consumer;

	private final NatsPublishOptions publish;

	private final String deadLetterSuffix;

	private final int partitions;

	private NatsOptions(Builder builder) {
		this.servers = List.copyOf(builder.servers);
		this.connectionName = builder.connectionName;
		this.credentialsFile = builder.credentialsFile;
		this.token = builder.token;
		this.username = builder.username;
		this.password = builder.password;
		this.nkeySeed = builder.nkeySeed;
		this.tls = builder.tls;
		this.truststorePath = builder.truststorePath;
		this.truststorePassword = builder.truststorePassword;
		this.keystorePath = builder.keystorePath;
		this.keystorePassword = builder.keystorePassword;
		this.sslContext = builder.sslContext;
		this.reconnectWait = builder.reconnectWait;
		this.maxReconnects = builder.maxReconnects;
		this.pingInterval = builder.pingInterval;
		this.connectionTimeout = builder.connectionTimeout;
		this.requestTimeout = builder.requestTimeout;
		this.outgoingQueueSize = builder.outgoingQueueSize;
		this.stream = builder.stream;
		this.consumer = builder.consumer;
		this.publish = builder.publish;
		this.deadLetterSuffix = builder.deadLetterSuffix;
		this.partitions = builder.partitions;
	}

	/** @return a builder with the defaults */
	public static Builder builder() {
		return new Builder();
	}

	/** @return the defaults */
	public static NatsOptions defaults() {
		return builder().build();
	}

	/** @return server URLs, such as {@code nats://host:4222} */
	public List<String> servers() {
		return this.servers;
	}

	/** @return connection name */
	public String connectionName() {
		return this.connectionName;
	}

	/** @return path of a {@code .creds} file (user JWT and NKey seed), or null */
	public @Nullable String credentialsFile() {
		return this.credentialsFile;
	}

	/** @return authentication token, or null */
	public @Nullable String token() {
		return this.token;
	}

	/** @return user name, or null */
	public @Nullable String username() {
		return this.username;
	}

	/** @return password, or null */
	public @Nullable String password() {
		return this.password;
	}

	/** @return NKey user seed ({@code SU...}), or null */
	public @Nullable String nkeySeed() {
		return this.nkeySeed;
	}

	/**
	 * Whether TLS is required. Implied by a trust store, key store or SSL context; alone it uses the
	 * JVM's default SSL context.
	 * @return whether the connection uses TLS
	 */
	public boolean tls() {
		return this.tls || this.truststorePath != null || this.keystorePath != null || this.sslContext != null;
	}

	/** @return trust store path, or null */
	public @Nullable String truststorePath() {
		return this.truststorePath;
	}

	/** @return trust store password, or null */
	public @Nullable String truststorePassword() {
		return this.truststorePassword;
	}

	/** @return key store path (client certificate), or null */
	public @Nullable String keystorePath() {
		return this.keystorePath;
	}

	/** @return key store password, or null */
	public @Nullable String keystorePassword() {
		return this.keystorePassword;
	}

	/** @return an explicit SSL context (wins over the stores), or null */
	public @Nullable SSLContext sslContext() {
		return this.sslContext;
	}

	/** @return wait between reconnect attempts to the same server */
	public Duration reconnectWait() {
		return this.reconnectWait;
	}

	/** @return maximum reconnect attempts, -1 for forever, 0 for none */
	public int maxReconnects() {
		return this.maxReconnects;
	}

	/** @return interval of client pings that detect a dead connection */
	public Duration pingInterval() {
		return this.pingInterval;
	}

	/** @return connection (dial and handshake) timeout */
	public Duration connectionTimeout() {
		return this.connectionTimeout;
	}

	/** @return timeout of JetStream management requests */
	public Duration requestTimeout() {
		return this.requestTimeout;
	}

	/** @return size of the client's outgoing message queue */
	public int outgoingQueueSize() {
		return this.outgoingQueueSize;
	}

	/** @return stream provisioning settings */
	public NatsStreamOptions stream() {
		return this.stream;
	}

	/** @return consumer settings */
	public NatsConsumerOptions consumer() {
		return this.consumer;
	}

	/** @return publish settings */
	public NatsPublishOptions publish() {
		return this.publish;
	}

	/**
	 * @return what {@link NatsEventBus#deadLetterTopic(String)} appends to a topic; the dead-letter
	 * subject gets a stream of its own
	 */
	public String deadLetterSuffix() {
		return this.deadLetterSuffix;
	}

	/**
	 * Partitions of every topic. With 1 (the default) a topic is one subject, {@code [prefix.]topic},
	 * consumed by one instance of a group at a time (single-active lease). With N &gt; 1 an event goes
	 * to subject {@code [prefix.]topic.<p>}, {@code p} = {@link NatsPartitions#partition(String, int)}
	 * of its aggregate id (unkeyed events round-robin); the topic's stream captures the N subjects and
	 * every group has one durable consumer and one lease per partition, which the group's instances
	 * share fairly (see {@link NatsConsumerOptions}). The count of an existing stream cannot change:
	 * the bus refuses to start when it differs.
	 * @return partitions per topic
	 */
	public int partitions() {
		return this.partitions;
	}

	@Override
	public String toString() {
		return "NatsOptions{servers=" + ServerUrls.redact(this.servers) + ", connectionName=" + this.connectionName
				+ ", credentialsFile=" + this.credentialsFile + ", token=" + redact(this.token) + ", username="
				+ this.username + ", password=" + redact(this.password) + ", nkeySeed=" + redact(this.nkeySeed)
				+ ", tls=" + tls() + ", truststorePath=" + this.truststorePath + ", keystorePath="
				+ this.keystorePath + ", reconnectWait=" + this.reconnectWait + ", maxReconnects="
				+ this.maxReconnects + ", pingInterval=" + this.pingInterval + ", connectionTimeout="
				+ this.connectionTimeout + ", requestTimeout=" + this.requestTimeout + ", outgoingQueueSize="
				+ this.outgoingQueueSize + ", stream=" + this.stream + ", consumer=" + this.consumer + ", publish="
				+ this.publish + ", deadLetterSuffix=" + this.deadLetterSuffix + ", partitions=" + this.partitions + "}";
	}

	private static @Nullable String redact(@Nullable String secret) {
		return (secret != null) ? "******" : null;
	}

	/** Builds {@link NatsOptions}; {@link #build()} rejects bad values naming the setting. */
	public static final class Builder {

		private List<String> servers = new ArrayList<>(DEFAULT_SERVERS);

		private String connectionName = DEFAULT_CONNECTION_NAME;

		private @Nullable String credentialsFile;

		private @Nullable String token;

		private @Nullable String username;

		private @Nullable String password;

		private @Nullable String nkeySeed;

		private boolean tls;

		private @Nullable String truststorePath;

		private @Nullable String truststorePassword;

		private @Nullable String keystorePath;

		private @Nullable String keystorePassword;

		private @Nullable SSLContext sslContext;

		private Duration reconnectWait = DEFAULT_RECONNECT_WAIT;

		private int maxReconnects = DEFAULT_MAX_RECONNECTS;

		private Duration pingInterval = DEFAULT_PING_INTERVAL;

		private Duration connectionTimeout = DEFAULT_CONNECTION_TIMEOUT;

		private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;

		private int outgoingQueueSize = DEFAULT_OUTGOING_QUEUE_SIZE;

		private NatsStreamOptions stream = NatsStreamOptions.defaults();

		private NatsConsumerOptions consumer = NatsConsumerOptions.defaults();

		private NatsPublishOptions publish = NatsPublishOptions.defaults();

		private String deadLetterSuffix = DEFAULT_DEAD_LETTER_SUFFIX;

		private int partitions = DEFAULT_PARTITIONS;

		private Builder() {
		}

		/**
		 * @param partitions partitions per topic, 1 (default, one subject per topic) to
		 * {@value NatsOptions#MAX_PARTITIONS}
		 * @return this builder
		 */
		public Builder partitions(int partitions) {
			this.partitions = partitions;
			return this;
		}

		/** @param servers server URLs, at least one @return this builder */
		public Builder servers(List<String> servers) {
			this.servers = new ArrayList<>(Objects.requireNonNull(servers, "nats servers must not be null"));
			return this;
		}

		/** @param servers server URLs, at least one @return this builder */
		public Builder servers(String... servers) {
			return servers(List.of(servers));
		}

		/** @param connectionName connection name, not blank @return this builder */
		public Builder connectionName(String connectionName) {
			this.connectionName = connectionName;
			return this;
		}

		/** @param credentialsFile path of a {@code .creds} file, or null @return this builder */
		public Builder credentialsFile(@Nullable String credentialsFile) {
			this.credentialsFile = emptyToNull(credentialsFile);
			return this;
		}

		/** @param token authentication token, or null @return this builder */
		public Builder token(@Nullable String token) {
			this.token = emptyToNull(token);
			return this;
		}

		/** @param username user name (needs a password), or null @return this builder */
		public Builder username(@Nullable String username) {
			this.username = emptyToNull(username);
			return this;
		}

		/** @param password password (needs a user name), or null @return this builder */
		public Builder password(@Nullable String password) {
			this.password = emptyToNull(password);
			return this;
		}

		/** @param nkeySeed NKey user seed ({@code SU...}), or null @return this builder */
		public Builder nkeySeed(@Nullable String nkeySeed) {
			this.nkeySeed = emptyToNull(nkeySeed);
			return this;
		}

		/** @param tls whether to require TLS with the JVM's default SSL context @return this builder */
		public Builder tls(boolean tls) {
			this.tls = tls;
			return this;
		}

		/** @param truststorePath trust store path (implies TLS), or null @return this builder */
		public Builder truststorePath(@Nullable String truststorePath) {
			this.truststorePath = emptyToNull(truststorePath);
			return this;
		}

		/** @param truststorePassword trust store password, or null @return this builder */
		public Builder truststorePassword(@Nullable String truststorePassword) {
			this.truststorePassword = emptyToNull(truststorePassword);
			return this;
		}

		/** @param keystorePath key store path with the client certificate (implies TLS), or null @return this builder */
		public Builder keystorePath(@Nullable String keystorePath) {
			this.keystorePath = emptyToNull(keystorePath);
			return this;
		}

		/** @param keystorePassword key store password, or null @return this builder */
		public Builder keystorePassword(@Nullable String keystorePassword) {
			this.keystorePassword = emptyToNull(keystorePassword);
			return this;
		}

		/** @param sslContext explicit SSL context (implies TLS, wins over the stores), or null @return this builder */
		public Builder sslContext(@Nullable SSLContext sslContext) {
			this.sslContext = sslContext;
			return this;
		}

		/** @param reconnectWait wait between reconnect attempts, not negative @return this builder */
		public Builder reconnectWait(Duration reconnectWait) {
			this.reconnectWait = reconnectWait;
			return this;
		}

		/** @param maxReconnects reconnect attempts, -1 for forever (default), 0 for none @return this builder */
		public Builder maxReconnects(int maxReconnects) {
			this.maxReconnects = maxReconnects;
			return this;
		}

		/** @param pingInterval client ping interval, positive @return this builder */
		public Builder pingInterval(Duration pingInterval) {
			this.pingInterval = pingInterval;
			return this;
		}

		/** @param connectionTimeout dial and handshake timeout, positive @return this builder */
		public Builder connectionTimeout(Duration connectionTimeout) {
			this.connectionTimeout = connectionTimeout;
			return this;
		}

		/** @param requestTimeout JetStream management request timeout, positive @return this builder */
		public Builder requestTimeout(Duration requestTimeout) {
			this.requestTimeout = requestTimeout;
			return this;
		}

		/**
		 * @param outgoingQueueSize outgoing message queue size, at least
		 * {@link NatsPublishOptions#maxInFlight()}
		 * @return this builder
		 */
		public Builder outgoingQueueSize(int outgoingQueueSize) {
			this.outgoingQueueSize = outgoingQueueSize;
			return this;
		}

		/** @param stream stream provisioning settings @return this builder */
		public Builder stream(NatsStreamOptions stream) {
			this.stream = Objects.requireNonNull(stream, "nats stream options must not be null");
			return this;
		}

		/** @param consumer consumer settings @return this builder */
		public Builder consumer(NatsConsumerOptions consumer) {
			this.consumer = Objects.requireNonNull(consumer, "nats consumer options must not be null");
			return this;
		}

		/** @param publish publish settings @return this builder */
		public Builder publish(NatsPublishOptions publish) {
			this.publish = Objects.requireNonNull(publish, "nats publish options must not be null");
			return this;
		}

		/**
		 * @param deadLetterSuffix appended to a topic to name its dead-letter subject (default
		 * {@value NatsOptions#DEFAULT_DEAD_LETTER_SUFFIX}); subject characters, no {@code ..}, not
		 * ending with {@code .}
		 * @return this builder
		 */
		public Builder deadLetterSuffix(String deadLetterSuffix) {
			this.deadLetterSuffix = deadLetterSuffix;
			return this;
		}

		/**
		 * @return the options
		 * @throws IllegalArgumentException naming the invalid setting
		 */
		public NatsOptions build() {
			if (this.servers.isEmpty()) {
				throw new IllegalArgumentException("nats servers must list at least one server URL, "
						+ "such as nats://localhost:4222");
			}
			for (String server : this.servers) {
				if (server == null || server.isBlank() || server.chars().anyMatch(Character::isWhitespace)) {
					throw new IllegalArgumentException("nats servers contains an invalid server URL '" + server
							+ "': use host:port or nats://host:port (tls://host:port for TLS)");
				}
			}
			if (this.connectionName == null || this.connectionName.isBlank()) {
				throw new IllegalArgumentException("nats connection-name must not be blank");
			}
			int authMethods = count(this.credentialsFile, this.token, this.nkeySeed)
					+ ((this.username != null || this.password != null) ? 1 : 0);
			if (authMethods > 1) {
				throw new IllegalArgumentException("nats authentication is ambiguous: set only one of "
						+ "credentials-file, token, username/password and nkey-seed");
			}
			if ((this.username == null) != (this.password == null)) {
				throw new IllegalArgumentException("nats username and password must be set together (one of them "
						+ "is missing)");
			}
			if (this.nkeySeed != null && !this.nkeySeed.startsWith("SU")) {
				throw new IllegalArgumentException("nats nkey-seed must be a user seed starting with 'SU' "
						+ "(generate one with 'nk -gen user')");
			}
			if (this.truststorePassword != null && this.truststorePath == null) {
				throw new IllegalArgumentException("nats tls truststore-password is set but tls truststore-path is not");
			}
			if (this.keystorePassword != null && this.keystorePath == null) {
				throw new IllegalArgumentException("nats tls keystore-password is set but tls keystore-path is not");
			}
			if (this.sslContext == null) {
				// jnats would fail later without naming the setting
				TlsFailures.requireReadableFile("nats tls truststore-path", this.truststorePath);
				TlsFailures.requireReadableFile("nats tls keystore-path", this.keystorePath);
			}
			if (this.reconnectWait == null || this.reconnectWait.isNegative()) {
				throw new IllegalArgumentException(
						"nats reconnect-wait must not be negative but was " + this.reconnectWait);
			}
			if (this.maxReconnects < -1) {
				throw new IllegalArgumentException("nats max-reconnects must be -1 (forever), 0 (never) or positive "
						+ "but was " + this.maxReconnects);
			}
			requirePositive("ping-interval", this.pingInterval);
			requirePositive("connection-timeout", this.connectionTimeout);
			requirePositive("request-timeout", this.requestTimeout);
			Topics.validateDeadLetterSuffix("nats.deadLetterSuffix", this.deadLetterSuffix);
			if (this.partitions < 1 || this.partitions > MAX_PARTITIONS) {
				throw new IllegalArgumentException("nats partitions must be between 1 and "
						+ MAX_PARTITIONS + " but was " + this.partitions);
			}
			if (this.outgoingQueueSize < this.publish.maxInFlight()) {
				throw new IllegalArgumentException("nats outgoing-queue-size (" + this.outgoingQueueSize
						+ ") must be at least publish max-in-flight (" + this.publish.maxInFlight() + ")");
			}
			return new NatsOptions(this);
		}

		private static void requirePositive(String name, @Nullable Duration value) {
			if (value == null || value.isNegative() || value.isZero()) {
				throw new IllegalArgumentException("nats " + name + " must be positive but was " + value);
			}
		}

		private static int count(@Nullable Object... values) {
			int count = 0;
			for (Object value : values) {
				if (value != null) {
					count++;
				}
			}
			return count;
		}

		private static @Nullable String emptyToNull(@Nullable String value) {
			return (value == null || value.isEmpty()) ? null : value;
		}

	}

}

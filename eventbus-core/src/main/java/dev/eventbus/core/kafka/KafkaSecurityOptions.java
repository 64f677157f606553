package dev.eventbus.core.kafka;

import java.util.Locale;
import java.util.Map;

import javax.net.ssl.SSLContext;

import org.jspecify.annotations.Nullable;

import dev.eventbus.core.support.TlsFailures;

/**
 * Security settings of the Kafka transport ({@code eventbus.kafka.security.*}): the protocol, SASL
 * credentials and SSL stores, applied to every client. Immutable; build with {@link #builder()}.
 * {@link #toString()} never prints secrets.
 */
public final class KafkaSecurityOptions {

	/** Default protocol: no TLS, no authentication. */
	public static final String DEFAULT_PROTOCOL = "PLAINTEXT";

	/** Default SASL mechanism when credentials are given. */
	public static final String DEFAULT_SASL_MECHANISM = "PLAIN";

	/** Default: the broker host name is verified against its certificate. */
	public static final boolean DEFAULT_HOSTNAME_VERIFICATION = true;

	private final String protocol;

	private final String saslMechanism;

	private final @Nullable String username;

	private final @Nullable String password;

	private final @Nullable String jaasConfig;

	private final @Nullable String truststoreLocation;

	private final @Nullable String truststorePassword;

	private final @Nullable String truststoreType;

	private final @Nullable String keystoreLocation;

	private final @Nullable String keystorePassword;

	private final @Nullable String keyPassword;

	private final @Nullable String keystoreType;

	private final boolean hostnameVerification;

	private final @Nullable SSLContext sslContext;

	private KafkaSecurityOptions(Builder builder) {
		this.protocol = builder.protocol;
		this.saslMechanism = builder.saslMechanism;
		this.username = builder.username;
		this.password = builder.password;
		this.jaasConfig = builder.jaasConfig;
		this.truststoreLocation = builder.truststoreLocation;
		this.truststorePassword = builder.truststorePassword;
		this.truststoreType = builder.truststoreType;
		this.keystoreLocation = builder.keystoreLocation;
		this.keystorePassword = builder.keystorePassword;
		this.keyPassword = builder.keyPassword;
		this.keystoreType = builder.keystoreType;
		this.hostnameVerification = builder.hostnameVerification;
		this.sslContext = builder.sslContext;
	}

	/** @return a builder with the defaults */
	public static Builder builder() {
		return new Builder();
	}

	/** @return the defaults (plaintext) */
	public static KafkaSecurityOptions defaults() {
		return builder().build();
	}

	/** @return a builder pre-filled with these settings */
	public Builder toBuilder() {
		return new Builder().protocol(this.protocol).saslMechanism(this.saslMechanism).username(this.username)
			.password(this.password).jaasConfig(this.jaasConfig).truststoreLocation(this.truststoreLocation)
			.truststorePassword(this.truststorePassword).truststoreType(this.truststoreType)
			.keystoreLocation(this.keystoreLocation).keystorePassword(this.keystorePassword)
			.keyPassword(this.keyPassword).keystoreType(this.keystoreType)
			.hostnameVerification(this.hostnameVerification).sslContext(this.sslContext);
	}

	/** @return {@code PLAINTEXT}, {@code SSL}, {@code SASL_PLAINTEXT} or {@code SASL_SSL}; client {@code security.protocol} */
	public String protocol() {
		return this.protocol;
	}

	/** @return {@code PLAIN}, {@code SCRAM-SHA-256} or {@code SCRAM-SHA-512}; client {@code sasl.mechanism} */
	public String saslMechanism() {
		return this.saslMechanism;
	}

	/** @return SASL user name (put into {@code sasl.jaas.config}), or null */
	public @Nullable String username() {
		return this.username;
	}

	/** @return SASL password (put into {@code sasl.jaas.config}), or null */
	public @Nullable String password() {
		return this.password;
	}

	/** @return a complete {@code sasl.jaas.config}, winning over username/password (other mechanisms), or null */
	public @Nullable String jaasConfig() {
		return this.jaasConfig;
	}

	/** @return client {@code ssl.truststore.location}, or null for the JVM's trust store */
	public @Nullable String truststoreLocation() {
		return this.truststoreLocation;
	}

	/** @return client {@code ssl.truststore.password}, or null */
	public @Nullable String truststorePassword() {
		return this.truststorePassword;
	}

	/** @return client {@code ssl.truststore.type} ({@code JKS}, {@code PKCS12}, {@code PEM}), or null for the client default */
	public @Nullable String truststoreType() {
		return this.truststoreType;
	}

	/** @return client {@code ssl.keystore.location} (mutual TLS), or null */
	public @Nullable String keystoreLocation() {
		return this.keystoreLocation;
	}

	/** @return client {@code ssl.keystore.password}, or null */
	public @Nullable String keystorePassword() {
		return this.keystorePassword;
	}

	/** @return client {@code ssl.key.password}, or null */
	public @Nullable String keyPassword() {
		return this.keyPassword;
	}

	/** @return client {@code ssl.keystore.type}, or null for the client default */
	public @Nullable String keystoreType() {
		return this.keystoreType;
	}

	/**
	 * Whether the broker's host name is checked against its certificate; client
	 * {@code ssl.endpoint.identification.algorithm} ({@code https} when on, empty when off).
	 * @return whether host names are verified
	 */
	public boolean hostnameVerification() {
		return this.hostnameVerification;
	}

	/**
	 * An explicit SSL context with the key and trust material (for example from a Spring Boot SSL
	 * bundle); when set the clients create their TLS engines from it through
	 * {@link SslContextEngineFactory} ({@code ssl.engine.factory.class}) and the store settings must
	 * be unset.
	 * @return the SSL context, or null to use the store settings
	 */
	public @Nullable SSLContext sslContext() {
		return this.sslContext;
	}

	/** @return whether the protocol uses SASL */
	public boolean sasl() {
		return this.protocol.startsWith("SASL_");
	}

	/** @return whether the protocol uses TLS */
	public boolean ssl() {
		return this.protocol.equals("SSL") || this.protocol.equals("SASL_SSL");
	}

	/**
	 * What checks the broker certificates, as a TLS failure message names it: the truststore at its
	 * path, the SSL context, or the JVM's default trust store.
	 * @param properties the raw client settings ({@code kafka.properties}), which win
	 * @return for example {@code the truststore at /etc/trust.p12 (eventbus.kafka.security.truststore-location)}
	 */
	String trustDescription(Map<String, String> properties) {
		String raw = properties.get("ssl.truststore.location");
		if (raw != null) {
			return "the truststore at " + raw + " (eventbus.kafka.properties[ssl.truststore.location])";
		}
		if (this.sslContext != null) {
			return "the configured SSL context (eventbus.kafka.ssl.bundle, or KafkaSecurityOptions.sslContext in code)";
		}
		if (this.truststoreLocation != null) {
			return "the truststore at " + this.truststoreLocation + " (eventbus.kafka.security.truststore-location)";
		}
		return "the JVM's default truststore (neither eventbus.kafka.security.truststore-location nor "
				+ "eventbus.kafka.ssl.bundle is set)";
	}

	@Override
	public String toString() {
		return "KafkaSecurityOptions{protocol=" + this.protocol + ", saslMechanism=" + this.saslMechanism
				+ ", username=" + this.username + ", password=" + ((this.password != null) ? "******" : null)
				+ ", truststoreLocation=" + this.truststoreLocation + ", keystoreLocation=" + this.keystoreLocation
				+ ", hostnameVerification=" + this.hostnameVerification
				+ ((this.sslContext != null) ? ", sslContext=" + this.sslContext.getProtocol() : "") + "}";
	}

	/** Builds {@link KafkaSecurityOptions}; {@link #build()} rejects bad values naming the setting. */
	public static final class Builder {

		private String protocol = DEFAULT_PROTOCOL;

		private String saslMechanism = DEFAULT_SASL_MECHANISM;

		private @Nullable String username;

		private @Nullable String password;

		private @Nullable String jaasConfig;

		private @Nullable String truststoreLocation;

		private @Nullable String truststorePassword;

		private @Nullable String truststoreType;

		private @Nullable String keystoreLocation;

		private @Nullable String keystorePassword;

		private @Nullable String keyPassword;

		private @Nullable String keystoreType;

		private boolean hostnameVerification = DEFAULT_HOSTNAME_VERIFICATION;

		private @Nullable SSLContext sslContext;

		private Builder() {
		}

		/** @param protocol security protocol @return this builder */
		public Builder protocol(String protocol) {
			this.protocol = protocol;
			return this;
		}

		/** @param saslMechanism SASL mechanism @return this builder */
		public Builder saslMechanism(String saslMechanism) {
			this.saslMechanism = saslMechanism;
			return this;
		}

		/** @param username SASL user name @return this builder */
		public Builder username(@Nullable String username) {
			this.username = username;
			return this;
		}

		/** @param password SASL password @return this builder */
		public Builder password(@Nullable String password) {
			this.password = password;
			return this;
		}

		/** @param jaasConfig complete JAAS configuration @return this builder */
		public Builder jaasConfig(@Nullable String jaasConfig) {
			this.jaasConfig = jaasConfig;
			return this;
		}

		/** @param truststoreLocation trust store path @return this builder */
		public Builder truststoreLocation(@Nullable String truststoreLocation) {
			this.truststoreLocation = truststoreLocation;
			return this;
		}

		/** @param truststorePassword trust store password @return this builder */
		public Builder truststorePassword(@Nullable String truststorePassword) {
			this.truststorePassword = truststorePassword;
			return this;
		}

		/** @param truststoreType trust store type @return this builder */
		public Builder truststoreType(@Nullable String truststoreType) {
			this.truststoreType = truststoreType;
			return this;
		}

		/** @param keystoreLocation key store path @return this builder */
		public Builder keystoreLocation(@Nullable String keystoreLocation) {
			this.keystoreLocation = keystoreLocation;
			return this;
		}

		/** @param keystorePassword key store password @return this builder */
		public Builder keystorePassword(@Nullable String keystorePassword) {
			this.keystorePassword = keystorePassword;
			return this;
		}

		/** @param keyPassword private key password @return this builder */
		public Builder keyPassword(@Nullable String keyPassword) {
			this.keyPassword = keyPassword;
			return this;
		}

		/** @param keystoreType key store type @return this builder */
		public Builder keystoreType(@Nullable String keystoreType) {
			this.keystoreType = keystoreType;
			return this;
		}

		/** @param hostnameVerification whether to verify broker host names @return this builder */
		public Builder hostnameVerification(boolean hostnameVerification) {
			this.hostnameVerification = hostnameVerification;
			return this;
		}

		/**
		 * @param sslContext explicit SSL context (key and trust material), or null; excludes the
		 * trust store and key store settings
		 * @return this builder
		 */
		public Builder sslContext(@Nullable SSLContext sslContext) {
			this.sslContext = sslContext;
			return this;
		}

		/**
		 * @return the options
		 * @throws IllegalArgumentException naming the invalid setting
		 */
		public KafkaSecurityOptions build() {
			this.protocol = Checks.oneOf("kafka.security.protocol",
					(this.protocol != null) ? this.protocol.toUpperCase(Locale.ROOT) : null, "PLAINTEXT", "SSL",
					"SASL_PLAINTEXT", "SASL_SSL");
			this.saslMechanism = Checks.oneOf("kafka.security.saslMechanism",
					(this.saslMechanism != null) ? this.saslMechanism.toUpperCase(Locale.ROOT) : null, "PLAIN",
					"SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER", "GSSAPI");
			boolean sasl = this.protocol.startsWith("SASL_");
			boolean credentials = this.username != null || this.password != null;
			if (!sasl && (credentials || this.jaasConfig != null)) {
				throw new IllegalArgumentException("kafka.security.username/password/jaasConfig need a SASL protocol but "
						+ "kafka.security.protocol was " + this.protocol + ": use SASL_PLAINTEXT or SASL_SSL");
			}
			if (sasl && this.jaasConfig == null) {
				if (isBlank(this.username) || this.password == null) {
					throw new IllegalArgumentException("kafka.security.protocol " + this.protocol
							+ " needs kafka.security.username and kafka.security.password (or kafka.security.jaasConfig)");
				}
				if (!this.saslMechanism.equals("PLAIN") && !this.saslMechanism.startsWith("SCRAM-")) {
					throw new IllegalArgumentException("kafka.security.saslMechanism " + this.saslMechanism
							+ " cannot be configured from username/password: set kafka.security.jaasConfig");
				}
			}
			boolean ssl = this.protocol.equals("SSL") || this.protocol.equals("SASL_SSL");
			if (!ssl && (this.truststoreLocation != null || this.keystoreLocation != null)) {
				throw new IllegalArgumentException("kafka.security.truststoreLocation/keystoreLocation need a TLS protocol "
						+ "but kafka.security.protocol was " + this.protocol + ": use SSL or SASL_SSL");
			}
			if (this.sslContext != null) {
				if (!ssl) {
					throw new IllegalArgumentException("kafka.security.sslContext needs a TLS protocol but "
							+ "kafka.security.protocol was " + this.protocol + ": use SSL or SASL_SSL");
				}
				String store = (this.truststoreLocation != null) ? "truststoreLocation"
						: (this.truststorePassword != null) ? "truststorePassword"
						: (this.truststoreType != null) ? "truststoreType"
						: (this.keystoreLocation != null) ? "keystoreLocation"
						: (this.keystorePassword != null) ? "keystorePassword"
						: (this.keyPassword != null) ? "keyPassword"
						: (this.keystoreType != null) ? "keystoreType" : null;
				if (store != null) {
					throw new IllegalArgumentException("kafka.security.sslContext and kafka.security." + store
							+ " are both set: the SSL context carries the key and trust material, set one or the other");
				}
			}
			if (ssl && this.sslContext == null) {
				// the client would fail later with "Failed to construct kafka producer" and no path
				TlsFailures.requireReadableFile("kafka.security.truststoreLocation", this.truststoreLocation);
				TlsFailures.requireReadableFile("kafka.security.keystoreLocation", this.keystoreLocation);
			}
			return new KafkaSecurityOptions(this);
		}

		private static boolean isBlank(@Nullable String value) {
			return value == null || value.isBlank();
		}

	}

}

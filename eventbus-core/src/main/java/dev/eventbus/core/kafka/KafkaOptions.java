package dev.eventbus.core.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.eventbus.core.support.ServerUrls;
import dev.eventbus.core.support.TlsFailures;
import dev.eventbus.core.support.Topics;

import org.jspecify.annotations.Nullable;

/**
 * Settings of the Kafka transport ({@code eventbus.kafka.*}). Immutable; build with
 * {@link #builder()}. Grouped like the clients they configure: {@link KafkaProducerOptions producer},
 * {@link KafkaConsumerOptions consumer}, {@link KafkaNetworkOptions network},
 * {@link KafkaSecurityOptions security} and {@link KafkaTopicOptions topics} (provisioning).
 *
 * <p>The defaults are the bus's tuned values: lz4, flush 10 ms / 100 messages / 100 KiB, fetch min
 * 100 KiB, max 10 MiB, wait 500 ms, dial 10 s, read/write 30 s, keep-alive 30 s, {@code acks=all}
 * with idempotence. {@link KafkaClientFactories} turns them into client configurations; raw client
 * settings in {@link #properties()} (all clients), {@code producer.properties} and
 * {@code consumer.properties} win over everything derived, in that order.
 */
public final class KafkaOptions {

	/** Default bootstrap servers. */
	public static final List<String> DEFAULT_BOOTSTRAP_SERVERS = List.of("localhost:9092");

	/**
	 * Default client id prefix; clients are named {@code <clientId>-producer-<n>} and
	 * {@code <clientId>-<group>-<n>}, n counting the bus's producers and consumers from 1.
	 */
	public static final String DEFAULT_CLIENT_ID = "eventbus";

	/** Default of {@link #deadLetterSuffix()}: dead letters of {@code orders} go to {@code orders-dlt}. */
	public static final String DEFAULT_DEAD_LETTER_SUFFIX = "-dlt";

	private final List<String> bootstrapServers;

	private final String clientId;

	private final KafkaProducerOptions producer;

	private final KafkaConsumerOptions consumer;

	private final KafkaNetworkOptions network;

	private final KafkaSecurityOptions security;

	private final KafkaTopicOptions topics;

	private final Map<String, String> properties;

	private final String deadLetterSuffix;

	/** Not a setting: the bus's factory hooks, attached by {@link KafkaEventBus}; never in {@link #toBuilder()}. */
	private final KafkaClientCustomizers clientCustomizers;

	private KafkaOptions(Builder builder) {
		this.bootstrapServers = List.copyOf(builder.bootstrapServers);
		this.clientId = builder.clientId;
		this.producer = builder.producer;
		this.consumer = builder.consumer;
		this.network = builder.network;
		this.security = builder.security;
		this.topics = builder.topics;
		this.properties = builder.properties;
		this.deadLetterSuffix = builder.deadLetterSuffix;
		this.clientCustomizers = KafkaClientCustomizers.NONE;
	}

	private KafkaOptions(KafkaOptions settings, KafkaClientCustomizers clientCustomizers) {
		this.bootstrapServers = settings.bootstrapServers;
		this.clientId = settings.clientId;
		this.producer = settings.producer;
		this.consumer = settings.consumer;
		this.network = settings.network;
		this.security = settings.security;
		this.topics = settings.topics;
		this.properties = settings.properties;
		this.deadLetterSuffix = settings.deadLetterSuffix;
		this.clientCustomizers = clientCustomizers;
	}

	/**
	 * @param clientCustomizers the bus's factory customizers
	 * @return these settings carrying the customizers to wherever a factory is created from them
	 */
	KafkaOptions withClientCustomizers(KafkaClientCustomizers clientCustomizers) {
		return new KafkaOptions(this, clientCustomizers);
	}

	/** @return the factory customizers attached by the bus; none on options built by a user */
	KafkaClientCustomizers clientCustomizers() {
		return this.clientCustomizers;
	}

	/** @return a builder with the defaults */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * @param bootstrapServers {@code host:port} pairs, comma-separated
	 * @return default options for these servers
	 */
	public static KafkaOptions of(String bootstrapServers) {
		return builder().bootstrapServers(bootstrapServers).build();
	}

	/** @return a builder pre-filled with these settings */
	public Builder toBuilder() {
		return new Builder().bootstrapServers(this.bootstrapServers).clientId(this.clientId).producer(this.producer)
			.consumer(this.consumer).network(this.network).security(this.security).topics(this.topics)
			.properties(this.properties)
			.deadLetterSuffix(this.deadLetterSuffix);
	}

	/** @return broker addresses; client {@code bootstrap.servers} */
	public List<String> bootstrapServers() {
		return this.bootstrapServers;
	}

	/** @return client id prefix; client {@code client.id} */
	public String clientId() {
		return this.clientId;
	}

	/** @return producer settings */
	public KafkaProducerOptions producer() {
		return this.producer;
	}

	/** @return consumer settings */
	public KafkaConsumerOptions consumer() {
		return this.consumer;
	}

	/** @return network settings (every client) */
	public KafkaNetworkOptions network() {
		return this.network;
	}

	/** @return security settings (every client) */
	public KafkaSecurityOptions security() {
		return this.security;
	}

	/** @return topic provisioning */
	public KafkaTopicOptions topics() {
		return this.topics;
	}

	/** @return raw client settings for every client; they win over every derived setting */
	public Map<String, String> properties() {
		return this.properties;
	}

	/**
	 * @return what {@link KafkaEventBus#deadLetterTopic(String)} appends to a topic (and topic
	 * provisioning to the topics it provisions)
	 */
	public String deadLetterSuffix() {
		return this.deadLetterSuffix;
	}

	/** @return the longest wait of a publishing caller, {@code producer.maxBlock} */
	public Duration maxBlock() {
		return this.producer.maxBlock();
	}

	/**
	 * @param failure a client failure whose cause chain may hold a TLS failure
	 * @return the TLS failure described (cause, trust material and its property, cause chain), or
	 * null when the failure is not a TLS one
	 */
	@Nullable String tlsFailure(@Nullable Throwable failure) {
		if (failure == null || !this.security.ssl() || !TlsFailures.isTls(failure)) {
			return null;
		}
		return TlsFailures.describe(failure, ServerUrls.redact(this.bootstrapServers),
				this.security.trustDescription(this.properties), "eventbus.kafka.security.hostname-verification");
	}

	@Override
	public String toString() {
		return "KafkaOptions{bootstrapServers=" + ServerUrls.redact(this.bootstrapServers) + ", clientId=" + this.clientId + ", producer="
				+ this.producer + ", consumer=" + this.consumer + ", network=" + this.network + ", security="
				+ this.security + ", topics=" + this.topics + ", properties=" + this.properties.keySet()
				+ ", deadLetterSuffix=" + this.deadLetterSuffix + "}";
	}

	/** Builds {@link KafkaOptions}; {@link #build()} rejects bad values naming the setting. */
	public static final class Builder {

		private List<String> bootstrapServers = new ArrayList<>(DEFAULT_BOOTSTRAP_SERVERS);

		private String clientId = DEFAULT_CLIENT_ID;

		private KafkaProducerOptions producer = KafkaProducerOptions.defaults();

		private KafkaConsumerOptions consumer = KafkaConsumerOptions.defaults();

		private KafkaNetworkOptions network = KafkaNetworkOptions.defaults();

		private KafkaSecurityOptions security = KafkaSecurityOptions.defaults();

		private KafkaTopicOptions topics = KafkaTopicOptions.defaults();

		private Map<String, String> properties = Map.of();

		private String deadLetterSuffix = DEFAULT_DEAD_LETTER_SUFFIX;

		private Builder() {
		}

		/** @param bootstrapServers {@code host:port} pairs @return this builder */
		public Builder bootstrapServers(List<String> bootstrapServers) {
			this.bootstrapServers = new ArrayList<>(bootstrapServers);
			return this;
		}

		/** @param bootstrapServers {@code host:port} pairs, comma-separated @return this builder */
		public Builder bootstrapServers(String bootstrapServers) {
			List<String> servers = new ArrayList<>();
			for (String server : bootstrapServers.split(",")) {
				if (!server.isBlank()) {
					servers.add(server.trim());
				}
			}
			this.bootstrapServers = servers;
			return this;
		}

		/** @param clientId client id prefix, not blank @return this builder */
		public Builder clientId(String clientId) {
			this.clientId = clientId;
			return this;
		}

		/** @param producer producer settings @return this builder */
		public Builder producer(KafkaProducerOptions producer) {
			this.producer = Objects.requireNonNull(producer, "kafka.producer must not be null");
			return this;
		}

		/** @param consumer consumer settings @return this builder */
		public Builder consumer(KafkaConsumerOptions consumer) {
			this.consumer = Objects.requireNonNull(consumer, "kafka.consumer must not be null");
			return this;
		}

		/** @param network network settings @return this builder */
		public Builder network(KafkaNetworkOptions network) {
			this.network = Objects.requireNonNull(network, "kafka.network must not be null");
			return this;
		}

		/** @param security security settings @return this builder */
		public Builder security(KafkaSecurityOptions security) {
			this.security = Objects.requireNonNull(security, "kafka.security must not be null");
			return this;
		}

		/** @param topics topic provisioning @return this builder */
		public Builder topics(KafkaTopicOptions topics) {
			this.topics = Objects.requireNonNull(topics, "kafka.topics must not be null");
			return this;
		}

		/** @param properties raw client settings for every client, winning over derived ones @return this builder */
		public Builder properties(Map<String, String> properties) {
			this.properties = new LinkedHashMap<>(properties);
			return this;
		}

		/**
		 * @param deadLetterSuffix appended to a topic to name its dead-letter topic (default
		 * {@value KafkaOptions#DEFAULT_DEAD_LETTER_SUFFIX}); topic-name characters, no {@code ..}, not
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
		public KafkaOptions build() {
			if (this.bootstrapServers == null || this.bootstrapServers.isEmpty()) {
				throw new IllegalArgumentException(
						"kafka.bootstrapServers must list at least one host:port, for example localhost:9092");
			}
			for (String server : this.bootstrapServers) {
				if (server != null && server.indexOf('@') >= 0) {
					// Kafka ignores user-info in an address: the credentials would be dropped and logged in clear
					throw new IllegalArgumentException("kafka.bootstrapServers entry '" + ServerUrls.redact(server)
							+ "' carries user-info, which Kafka does not use: list host:port only and give the "
							+ "credentials as kafka.security.username and kafka.security.password");
				}
				int colon = (server != null) ? server.lastIndexOf(':') : -1;
				if (colon <= 0 || colon == server.length() - 1 || !server.substring(colon + 1).chars().allMatch(Character::isDigit)) {
					throw new IllegalArgumentException("kafka.bootstrapServers entry '" + ServerUrls.redact(server)
							+ "' is invalid: use host:port, for example localhost:9092");
				}
			}
			if (this.clientId == null || this.clientId.isBlank()) {
				throw new IllegalArgumentException("kafka.clientId must not be blank");
			}
			Topics.validateDeadLetterSuffix("kafka.deadLetterSuffix", this.deadLetterSuffix);
			this.properties = Checks.properties("kafka.properties", this.properties);
			rejectOwned("kafka.properties", this.properties);
			rejectOwned("kafka.producer.properties", this.producer.properties());
			rejectOwned("kafka.consumer.properties", this.consumer.properties());
			Duration requestTimeout = (this.producer.requestTimeout() != null) ? this.producer.requestTimeout()
					: this.network.requestTimeout();
			Duration minimumDelivery = this.producer.flushFrequency().plus(requestTimeout);
			if (this.producer.deliveryTimeout().compareTo(minimumDelivery) < 0) {
				throw new IllegalArgumentException("kafka.producer.deliveryTimeout (" + this.producer.deliveryTimeout()
						+ ") must be at least kafka.producer.flushFrequency + the request timeout (" + minimumDelivery
						+ "; the request timeout is kafka.producer.requestTimeout or the larger of "
						+ "kafka.network.readTimeout and kafka.network.writeTimeout)");
			}
			Duration consumerRequestTimeout = (this.consumer.requestTimeout() != null) ? this.consumer.requestTimeout()
					: this.network.requestTimeout();
			if (consumerRequestTimeout.compareTo(this.consumer.fetchMaxWait()) <= 0) {
				throw new IllegalArgumentException("the consumer request timeout (" + consumerRequestTimeout
						+ ") must be above kafka.consumer.fetchMaxWait (" + this.consumer.fetchMaxWait()
						+ "), or every fetch times out");
			}
			return new KafkaOptions(this);
		}

		private static void rejectOwned(String setting, Map<String, String> properties) {
			for (String key : properties.keySet()) {
				if (KafkaClientFactories.OWNED_SETTINGS.contains(key)) {
					throw new IllegalArgumentException(setting + " must not set '" + key + "': the bus owns it "
							+ "(serializers, the group of each subscription, and manual commits of finished offsets only)");
				}
			}
		}

	}

}

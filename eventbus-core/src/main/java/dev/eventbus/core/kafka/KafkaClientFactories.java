package dev.eventbus.core.kafka;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;

/**
 * Turns {@link KafkaOptions} into Java client configurations and spring-kafka factories. Every
 * option maps to a real client setting, except {@code producer.flushMessages} (enforced by the bus's
 * publisher) and the consumer's poll-loop settings (the bus's own loop); see
 * {@code docs/kafka-configuration.md}.
 *
 * <p>Precedence, lowest first: derived settings, {@link KafkaOptions#properties()}, then the
 * producer's or consumer's own {@code properties}. The serializers, {@code group.id} and
 * {@code enable.auto.commit=false} belong to the bus (it commits only finished offsets) and cannot be
 * overridden: a raw property setting them is rejected.
 */
public final class KafkaClientFactories {

	/** Client settings the bus owns; raw properties may not set them. */
	static final Set<String> OWNED_SETTINGS = Set.of(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
			ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
			ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
			ConsumerConfig.GROUP_ID_CONFIG);

	/**
	 * Name of the bus's producer factory (it is not a bean); spring-kafka prefixes the ids it gives
	 * factory listeners with it, e.g. the {@code spring.id} tag of the client meters.
	 */
	public static final String PRODUCER_FACTORY_NAME = "eventbusProducerFactory";

	/** Name of the bus's consumer factories (they are not beans); see {@link #PRODUCER_FACTORY_NAME}. */
	public static final String CONSUMER_FACTORY_NAME = "eventbusConsumerFactory";

	private KafkaClientFactories() {
	}

	/**
	 * @param options the transport settings
	 * @return the producer configuration
	 * @throws IllegalArgumentException if a raw property sets a setting the bus owns
	 */
	public static Map<String, Object> producerConfig(KafkaOptions options) {
		KafkaProducerOptions producer = options.producer();
		Map<String, Object> config = common(options);
		config.put(ProducerConfig.CLIENT_ID_CONFIG, options.clientId() + "-producer");
		config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
		config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
		config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, producer.compression().clientValue());
		config.put(ProducerConfig.LINGER_MS_CONFIG, (int) producer.flushFrequency().toMillis());
		config.put(ProducerConfig.BATCH_SIZE_CONFIG, producer.flushBytes());
		config.put(ProducerConfig.ACKS_CONFIG, producer.acks());
		config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, producer.idempotence());
		config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, producer.maxInFlight());
		config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, producer.bufferMemory());
		config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, producer.maxBlock().toMillis());
		config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, millis(
				(producer.requestTimeout() != null) ? producer.requestTimeout() : options.network().requestTimeout()));
		config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, millis(producer.deliveryTimeout()));
		overlay(config, "kafka.properties", options.properties());
		overlay(config, "kafka.producer.properties", producer.properties());
		return config;
	}

	/**
	 * @param options the transport settings
	 * @param group consumer group ({@code group.id})
	 * @return the consumer configuration
	 * @throws IllegalArgumentException if a raw property sets a setting the bus owns
	 */
	public static Map<String, Object> consumerConfig(KafkaOptions options, String group) {
		KafkaConsumerOptions consumer = options.consumer();
		Map<String, Object> config = common(options);
		config.put(ConsumerConfig.CLIENT_ID_CONFIG, options.clientId() + "-" + group);
		config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
		config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
		config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
		config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, consumer.autoOffsetReset());
		config.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, consumer.fetchMinBytes());
		config.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, consumer.fetchMaxBytes());
		config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, millis(consumer.fetchMaxWait()));
		config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, consumer.maxPartitionFetchBytes());
		config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, consumer.maxPollRecords());
		config.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, millis(consumer.maxPollInterval()));
		config.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, millis(
				(consumer.requestTimeout() != null) ? consumer.requestTimeout() : options.network().requestTimeout()));
		config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, consumer.isolationLevel());
		config.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, consumer.groupProtocol().clientValue());
		if (consumer.groupProtocol() == KafkaGroupProtocol.CLASSIC) {
			config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, millis(consumer.sessionTimeout()));
			config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, millis(consumer.heartbeatInterval()));
			// only the partitions that move are revoked, so a joining member does not stall the others
			config.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
		}
		else if (consumer.groupRemoteAssignor() != null) {
			// the consumer protocol rejects the three classic-only settings; the broker assigns
			config.put(ConsumerConfig.GROUP_REMOTE_ASSIGNOR_CONFIG, consumer.groupRemoteAssignor());
		}
		KafkaConsumerOptions.checkGroupProtocol("kafka.properties", options.properties(), consumer.groupProtocol());
		overlay(config, "kafka.properties", options.properties());
		overlay(config, "kafka.consumer.properties", consumer.properties());
		return config;
	}

	/**
	 * @param options the transport settings
	 * @return the admin client configuration (provisioning, lag)
	 */
	public static Map<String, Object> adminConfig(KafkaOptions options) {
		Map<String, Object> config = common(options);
		config.put(AdminClientConfig.CLIENT_ID_CONFIG, options.clientId() + "-admin");
		config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis(options.network().requestTimeout()));
		overlay(config, "kafka.properties", options.properties());
		return config;
	}

	/**
	 * @param options the transport settings
	 * @return a producer factory with {@link #producerConfig(KafkaOptions)}, passed through the
	 * bus's producer factory customizers (see {@link KafkaEventBus.Builder#producerFactoryCustomizer})
	 * in order; no producer is created yet
	 */
	public static DefaultKafkaProducerFactory<String, byte[]> producerFactory(KafkaOptions options) {
		DefaultKafkaProducerFactory<String, byte[]> factory = new DefaultKafkaProducerFactory<>(
				producerConfig(options), new StringSerializer(), new ByteArraySerializer());
		factory.setBeanName(PRODUCER_FACTORY_NAME);
		options.clientCustomizers().customize(factory);
		return factory;
	}

	/**
	 * @param options the transport settings
	 * @param group consumer group
	 * @return a consumer factory with {@link #consumerConfig(KafkaOptions, String)}, passed through the
	 * bus's consumer factory customizers (see {@link KafkaEventBus.Builder#consumerFactoryCustomizer})
	 * in order; no consumer is created yet
	 */
	public static DefaultKafkaConsumerFactory<String, byte[]> consumerFactory(KafkaOptions options, String group) {
		DefaultKafkaConsumerFactory<String, byte[]> factory = new DefaultKafkaConsumerFactory<>(
				consumerConfig(options, group), new StringDeserializer(), new ByteArrayDeserializer());
		factory.setBeanName(CONSUMER_FACTORY_NAME);
		options.clientCustomizers().customize(factory);
		return factory;
	}

	private static Map<String, Object> common(KafkaOptions options) {
		Map<String, Object> config = new LinkedHashMap<>();
		config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, String.join(",", options.bootstrapServers()));
		KafkaNetworkOptions network = options.network();
		config.put(CommonClientConfigs.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, (long) millis(network.dialTimeout()));
		config.put(CommonClientConfigs.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG,
				(long) millis(network.dialTimeout()));
		config.put(CommonClientConfigs.CONNECTIONS_MAX_IDLE_MS_CONFIG, (long) millis(network.keepAlive()));
		// fewer reconnect attempts (and the client's WARN lines with each) while a broker is down
		config.put(CommonClientConfigs.RECONNECT_BACKOFF_MS_CONFIG,
				KafkaNetworkOptions.DEFAULT_RECONNECT_BACKOFF.toMillis());
		config.put(CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG,
				KafkaNetworkOptions.DEFAULT_RECONNECT_BACKOFF_MAX.toMillis());
		security(config, options.security());
		return config;
	}

	private static void security(Map<String, Object> config, KafkaSecurityOptions security) {
		config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, security.protocol());
		if (security.sasl()) {
			config.put(SaslConfigs.SASL_MECHANISM, security.saslMechanism());
			config.put(SaslConfigs.SASL_JAAS_CONFIG,
					(security.jaasConfig() != null) ? security.jaasConfig() : jaas(security));
		}
		if (security.ssl() && security.sslContext() != null) {
			config.put(SslConfigs.SSL_ENGINE_FACTORY_CLASS_CONFIG, SslContextEngineFactory.class);
			config.put(SslContextEngineFactory.SSL_CONTEXT_CONFIG, security.sslContext());
			config.put(SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG,
					security.hostnameVerification() ? "https" : "");
		}
		else if (security.ssl()) {
			putIfSet(config, SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, security.truststoreLocation());
			putIfSet(config, SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, security.truststorePassword());
			putIfSet(config, SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, security.truststoreType());
			putIfSet(config, SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, security.keystoreLocation());
			putIfSet(config, SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, security.keystorePassword());
			putIfSet(config, SslConfigs.SSL_KEY_PASSWORD_CONFIG, security.keyPassword());
			putIfSet(config, SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, security.keystoreType());
			config.put(SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG,
					security.hostnameVerification() ? "https" : "");
		}
	}

	private static String jaas(KafkaSecurityOptions security) {
		String module = security.saslMechanism().startsWith("SCRAM-")
				? "org.apache.kafka.common.security.scram.ScramLoginModule"
				: "org.apache.kafka.common.security.plain.PlainLoginModule";
		return module + " required username=\"" + escape(security.username()) + "\" password=\""
				+ escape(security.password()) + "\";";
	}

	private static String escape(@org.jspecify.annotations.Nullable String value) {
		return (value != null) ? value.replace("\\", "\\\\").replace("\"", "\\\"") : "";
	}

	private static void putIfSet(Map<String, Object> config, String key,
			@org.jspecify.annotations.Nullable String value) {
		if (value != null) {
			config.put(key, value);
		}
	}

	private static void overlay(Map<String, Object> config, String setting, Map<String, String> properties) {
		properties.forEach((key, value) -> {
			if (OWNED_SETTINGS.contains(key)) {
				throw new IllegalArgumentException(setting + " must not set '" + key
						+ "': the bus owns it (serializers, group from the subscription, commits only finished offsets)");
			}
			config.put(key, value);
		});
	}

	private static int millis(Duration duration) {
		return (int) Math.min(Integer.MAX_VALUE, duration.toMillis());
	}

}

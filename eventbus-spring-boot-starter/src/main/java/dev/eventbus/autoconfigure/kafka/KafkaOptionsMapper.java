package dev.eventbus.autoconfigure.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.PropertyMapper;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.ssl.SslOptions;
import org.springframework.core.env.Environment;
import org.springframework.util.unit.DataSize;

import dev.eventbus.autoconfigure.EventBusConfigurationException;
import dev.eventbus.autoconfigure.EventBusOptionsErrors;
import dev.eventbus.autoconfigure.EventBusSslBundles;
import dev.eventbus.core.kafka.KafkaConsumerOptions;
import dev.eventbus.core.kafka.KafkaGroupProtocol;
import dev.eventbus.core.kafka.KafkaNetworkOptions;
import dev.eventbus.core.kafka.KafkaOptions;
import dev.eventbus.core.kafka.KafkaProducerOptions;
import dev.eventbus.core.kafka.KafkaSecurityOptions;
import dev.eventbus.core.kafka.KafkaTopicOptions;

/**
 * Maps {@link EventBusKafkaProperties} onto {@link KafkaOptions}, checking the contradictions a
 * user can configure and naming the properties at fault.
 */
final class KafkaOptionsMapper {

	private KafkaOptionsMapper() {
	}

	static final String SSL_BUNDLE = "eventbus.kafka.ssl.bundle";

	static KafkaOptions map(EventBusKafkaProperties properties, Environment environment) {
		return map(properties, environment, null);
	}

	/**
	 * @param properties the bound properties
	 * @param environment for the spring.kafka.bootstrap-servers fallback
	 * @param sslBundles the application's SSL bundles, or null if there are none
	 * @return the options
	 */
	static KafkaOptions map(EventBusKafkaProperties properties, Environment environment,
			@Nullable SslBundles sslBundles) {
		return map(properties, environment, sslBundles, null);
	}

	/**
	 * @param properties the bound properties
	 * @param environment for the spring.kafka.bootstrap-servers fallback
	 * @param sslBundles the application's SSL bundles, or null if there are none
	 * @param connection what a connection-details bean supplies, or null to use the properties
	 * @return the options
	 */
	static KafkaOptions map(EventBusKafkaProperties properties, Environment environment,
			@Nullable SslBundles sslBundles, @Nullable KafkaConnection connection) {
		List<String> servers = (connection != null) ? connection.bootstrapServers()
				: bootstrapServers(properties, environment);
		check(properties);
		EventBusKafkaProperties.Security security = properties.getSecurity();
		String protocol = (connection != null && connection.securityProtocol() != null)
				? connection.securityProtocol() : security.getProtocol();
		String protocolOrigin = (connection != null && connection.securityProtocol() != null)
				? "the security protocol of " + connection.source() : "eventbus.kafka.security.protocol";
		SslBundle sslBundle = (connection != null && connection.sslBundle() != null)
				? connectionSslBundle(connection, protocol)
				: sslBundle(properties, protocol, protocolOrigin, sslBundles);
		boolean storesFromProperties = connection == null || connection.sslBundle() == null;
		PropertyMapper map = PropertyMapper.get();
		try {
			EventBusKafkaProperties.Producer producer = properties.getProducer();
			KafkaProducerOptions.Builder producerOptions = KafkaProducerOptions.builder();
			map.from(producer::getCompression).to(producerOptions::compression);
			map.from(producer::getFlushFrequency).to(producerOptions::flushFrequency);
			map.from(producer::getFlushMessages).to(producerOptions::flushMessages);
			map.from(producer::getFlushBytes).asInt(DataSize::toBytes).to(producerOptions::flushBytes);
			map.from(producer::getAcks).to(producerOptions::acks);
			map.from(producer::isIdempotence).to(producerOptions::idempotence);
			map.from(producer::getMaxInFlight).to(producerOptions::maxInFlight);
			map.from(producer::getBufferMemory).as(DataSize::toBytes).to(producerOptions::bufferMemory);
			map.from(producer::getMaxBlock).to(producerOptions::maxBlock);
			map.from(producer::getRequestTimeout).to(producerOptions::requestTimeout);
			map.from(producer::getDeliveryTimeout).to(producerOptions::deliveryTimeout);
			map.from(producer::getProperties).to(producerOptions::properties);

			EventBusKafkaProperties.Consumer consumer = properties.getConsumer();
			KafkaConsumerOptions.Builder consumerOptions = KafkaConsumerOptions.builder();
			map.from(consumer::getAutoOffsetReset).to(consumerOptions::autoOffsetReset);
			map.from(consumer::getFetchMinSize).asInt(DataSize::toBytes).to(consumerOptions::fetchMinBytes);
			map.from(consumer::getFetchMaxSize).asInt(DataSize::toBytes).to(consumerOptions::fetchMaxBytes);
			map.from(consumer::getFetchMaxWait).to(consumerOptions::fetchMaxWait);
			map.from(consumer::getMaxPartitionFetchSize)
				.asInt(DataSize::toBytes)
				.to(consumerOptions::maxPartitionFetchBytes);
			map.from(consumer::getMaxPollRecords).to(consumerOptions::maxPollRecords);
			map.from(consumer::getGroupProtocol).to(consumerOptions::groupProtocol);
			map.from(consumer::getGroupRemoteAssignor).to(consumerOptions::groupRemoteAssignor);
			map.from(consumer::getSessionTimeout).to(consumerOptions::sessionTimeout);
			map.from(consumer::getHeartbeatInterval).to(consumerOptions::heartbeatInterval);
			map.from(consumer::getMaxPollInterval).to(consumerOptions::maxPollInterval);
			map.from(consumer::getRequestTimeout).to(consumerOptions::requestTimeout);
			map.from(consumer::getIsolationLevel).to(consumerOptions::isolationLevel);
			map.from(consumer::getPollTimeout).to(consumerOptions::pollTimeout);
			map.from(consumer::getCommitInterval).to(consumerOptions::commitInterval);
			map.from(consumer::getRevocationTimeout).to(consumerOptions::revocationTimeout);
			map.from(consumer::getLagRefreshInterval).to(consumerOptions::lagRefreshInterval);
			map.from(consumer::getProperties).to(consumerOptions::properties);

			EventBusKafkaProperties.Network network = properties.getNetwork();
			KafkaNetworkOptions.Builder networkOptions = KafkaNetworkOptions.builder();
			map.from(network::getDialTimeout).to(networkOptions::dialTimeout);
			map.from(network::getReadTimeout).to(networkOptions::readTimeout);
			map.from(network::getWriteTimeout).to(networkOptions::writeTimeout);
			map.from(network::getKeepAlive).to(networkOptions::keepAlive);

			KafkaSecurityOptions.Builder securityOptions = KafkaSecurityOptions.builder();
			map.from(protocol).to(securityOptions::protocol);
			map.from(security::getSaslMechanism).to(securityOptions::saslMechanism);
			map.from(security::getUsername).to(securityOptions::username);
			map.from(security::getPassword).to(securityOptions::password);
			map.from(security::getJaasConfig).to(securityOptions::jaasConfig);
			if (storesFromProperties) {
				map.from(security::getTruststoreLocation).to(securityOptions::truststoreLocation);
				map.from(security::getTruststorePassword).to(securityOptions::truststorePassword);
				map.from(security::getTruststoreType).to(securityOptions::truststoreType);
				map.from(security::getKeystoreLocation).to(securityOptions::keystoreLocation);
				map.from(security::getKeystorePassword).to(securityOptions::keystorePassword);
				map.from(security::getKeyPassword).to(securityOptions::keyPassword);
				map.from(security::getKeystoreType).to(securityOptions::keystoreType);
			}
			map.from(security::isHostnameVerification).to(securityOptions::hostnameVerification);
			if (sslBundle != null) {
				securityOptions.sslContext(sslBundle.createSslContext());
			}

			EventBusKafkaProperties.Topics topics = properties.getTopics();
			KafkaTopicOptions.Builder topicOptions = KafkaTopicOptions.builder();
			map.from(topics::getStrategy).to(topicOptions::strategy);
			map.from(topics::getPartitions).to(topicOptions::partitions);
			map.from(topics::getReplicationFactor).to(topicOptions::replicationFactor);
			map.from(topics::getRetention).to(topicOptions::retention);
			map.from(topics::getCompression).to(topicOptions::compression);
			map.from(topics::isDeadLetterTopics).to(topicOptions::deadLetterTopics);
			map.from(topics::getNames).to(topicOptions::names);
			map.from(topics::getTimeout).to(topicOptions::timeout);

			KafkaOptions.Builder options = KafkaOptions.builder()
				.bootstrapServers(servers)
				.producer(producerOptions.build())
				.consumer(consumerOptions.build())
				.network(networkOptions.build())
				.security(securityOptions.build())
				.topics(topicOptions.build());
			map.from(properties::getClientId).to(options::clientId);
			map.from(properties::getProperties).to(options::properties);
			if (sslBundle != null) {
				options.properties(withBundleOptions(properties.getProperties(), sslBundle.getOptions()));
			}
			return options.build();
		}
		catch (IllegalArgumentException ex) {
			throw EventBusOptionsErrors.translate("eventbus.kafka", ex);
		}
	}

	private static List<String> bootstrapServers(EventBusKafkaProperties properties, Environment environment) {
		if (!properties.getBootstrapServers().isEmpty()) {
			return properties.getBootstrapServers();
		}
		List<String> springKafka = Binder.get(environment)
			.bind("spring.kafka.bootstrap-servers", org.springframework.boot.context.properties.bind.Bindable
				.listOf(String.class))
			.orElse(List.of());
		if (!springKafka.isEmpty()) {
			return new ArrayList<>(springKafka);
		}
		throw new EventBusConfigurationException("eventbus.kafka.bootstrap-servers",
				"eventbus.transport is 'kafka' but no broker address is configured: neither eventbus.kafka.bootstrap-servers nor spring.kafka.bootstrap-servers is set",
				"Set eventbus.kafka.bootstrap-servers (or spring.kafka.bootstrap-servers) to the brokers' "
						+ "host:port pairs, for example eventbus.kafka.bootstrap-servers=localhost:9092.");
	}

	/**
	 * The TLS material of a connection-details bean replaces eventbus.kafka.ssl.bundle and the trust
	 * store / key store properties; it still needs a TLS security protocol.
	 */
	private static SslBundle connectionSslBundle(KafkaConnection connection, String protocol) {
		SslBundle bundle = connection.sslBundle();
		if (!usesTls(protocol)) {
			throw new EventBusConfigurationException("eventbus.kafka.security.protocol",
					connection.source() + " returns an SSL bundle but the security protocol is " + protocol
							+ " (eventbus.kafka.security.protocol; the bean returns none), which does not use TLS",
					"Set eventbus.kafka.security.protocol=SSL (or SASL_SSL with SASL credentials), or make "
							+ "getSecurityProtocol() of the KafkaConnectionDetails bean return it.");
		}
		return bundle;
	}

	private static boolean usesTls(String protocol) {
		String normalized = protocol.trim().toUpperCase(Locale.ROOT);
		return normalized.equals("SSL") || normalized.equals("SASL_SSL");
	}

	private static @Nullable SslBundle sslBundle(EventBusKafkaProperties properties, String protocol,
			String protocolOrigin, @Nullable SslBundles bundles) {
		String name = properties.getSsl().getBundle();
		if (name == null || name.isBlank()) {
			return null;
		}
		EventBusKafkaProperties.Security security = properties.getSecurity();
		Map<String, @Nullable Object> stores = new LinkedHashMap<>();
		stores.put("eventbus.kafka.security.truststore-location", security.getTruststoreLocation());
		stores.put("eventbus.kafka.security.truststore-password", security.getTruststorePassword());
		stores.put("eventbus.kafka.security.truststore-type", security.getTruststoreType());
		stores.put("eventbus.kafka.security.keystore-location", security.getKeystoreLocation());
		stores.put("eventbus.kafka.security.keystore-password", security.getKeystorePassword());
		stores.put("eventbus.kafka.security.key-password", security.getKeyPassword());
		stores.put("eventbus.kafka.security.keystore-type", security.getKeystoreType());
		EventBusSslBundles.checkExclusive(SSL_BUNDLE, name, stores);
		if (!usesTls(protocol)) {
			throw new EventBusConfigurationException(SSL_BUNDLE,
					SSL_BUNDLE + " names SSL bundle '" + name + "' but " + protocolOrigin + " is " + protocol
							+ ", which does not use TLS",
					"Set eventbus.kafka.security.protocol=SSL (or SASL_SSL with SASL credentials), or remove "
							+ SSL_BUNDLE + ".");
		}
		return EventBusSslBundles.resolve(bundles, SSL_BUNDLE, name);
	}

	/**
	 * The bundle's enabled protocols and ciphers become ssl.enabled.protocols and ssl.cipher.suites,
	 * unless eventbus.kafka.properties sets them.
	 */
	private static Map<String, String> withBundleOptions(Map<String, String> raw, SslOptions bundleOptions) {
		Map<String, String> merged = new LinkedHashMap<>(raw);
		if (bundleOptions.getEnabledProtocols() != null) {
			merged.putIfAbsent("ssl.enabled.protocols", String.join(",", bundleOptions.getEnabledProtocols()));
		}
		if (bundleOptions.getCiphers() != null) {
			merged.putIfAbsent("ssl.cipher.suites", String.join(",", bundleOptions.getCiphers()));
		}
		return merged;
	}

	private static void check(EventBusKafkaProperties properties) {
		EventBusKafkaProperties.Producer producer = properties.getProducer();
		String acks = producer.getAcks().trim();
		if (producer.isIdempotence() && !acks.equals("all") && !acks.equals("-1")) {
			throw new EventBusConfigurationException("eventbus.kafka.producer.idempotence",
					"eventbus.kafka.producer.idempotence is true but eventbus.kafka.producer.acks is '" + acks
							+ "': an idempotent producer needs acknowledgements from all in-sync replicas",
					"Set eventbus.kafka.producer.acks=all to keep idempotence (no duplicates or reordering on "
							+ "retries), or set eventbus.kafka.producer.idempotence=false to use acks=" + acks + ".");
		}
		if (producer.isIdempotence() && producer.getMaxInFlight() > 5) {
			throw new EventBusConfigurationException("eventbus.kafka.producer.max-in-flight",
					"eventbus.kafka.producer.max-in-flight is " + producer.getMaxInFlight()
							+ " but an idempotent producer allows at most 5 requests in flight",
					"Set eventbus.kafka.producer.max-in-flight to 5 or less, or set "
							+ "eventbus.kafka.producer.idempotence=false.");
		}
		EventBusKafkaProperties.Consumer consumer = properties.getConsumer();
		if (consumer.getFetchMinSize().toBytes() > consumer.getFetchMaxSize().toBytes()) {
			throw new EventBusConfigurationException("eventbus.kafka.consumer.fetch-min-size",
					"eventbus.kafka.consumer.fetch-min-size (" + consumer.getFetchMinSize()
							+ ") is larger than eventbus.kafka.consumer.fetch-max-size (" + consumer.getFetchMaxSize()
							+ "): every fetch would wait the full fetch-max-wait",
					"Lower eventbus.kafka.consumer.fetch-min-size or raise eventbus.kafka.consumer.fetch-max-size.");
		}
		if (consumer.getGroupProtocol() == KafkaGroupProtocol.CONSUMER) {
			checkConsumerProtocol(properties);
			return;
		}
		Duration heartbeat = (consumer.getHeartbeatInterval() != null) ? consumer.getHeartbeatInterval()
				: KafkaConsumerOptions.DEFAULT_HEARTBEAT_INTERVAL;
		Duration session = (consumer.getSessionTimeout() != null) ? consumer.getSessionTimeout()
				: KafkaConsumerOptions.DEFAULT_SESSION_TIMEOUT;
		if (heartbeat.compareTo(session) >= 0) {
			throw new EventBusConfigurationException("eventbus.kafka.consumer.heartbeat-interval",
					"eventbus.kafka.consumer.heartbeat-interval (" + heartbeat
							+ ") is not below eventbus.kafka.consumer.session-timeout (" + session
							+ "): the broker would evict consumers between heartbeats",
					"Set eventbus.kafka.consumer.heartbeat-interval to about a third of the session timeout.");
		}
	}

	/**
	 * The consumer group protocol refuses the classic-only client settings: one set explicitly (as a
	 * property or a raw client setting) is a contradiction, reported with both properties.
	 */
	private static void checkConsumerProtocol(EventBusKafkaProperties properties) {
		EventBusKafkaProperties.Consumer consumer = properties.getConsumer();
		if (consumer.getSessionTimeout() != null) {
			throw consumerProtocolConflict("eventbus.kafka.consumer.session-timeout", "the session timeout",
					"group.consumer.session.timeout.ms");
		}
		if (consumer.getHeartbeatInterval() != null) {
			throw consumerProtocolConflict("eventbus.kafka.consumer.heartbeat-interval", "the heartbeat interval",
					"group.consumer.heartbeat.interval.ms");
		}
		Map<String, Map<String, String>> raw = new LinkedHashMap<>();
		raw.put("eventbus.kafka.properties", properties.getProperties());
		raw.put("eventbus.kafka.consumer.properties", consumer.getProperties());
		for (Map.Entry<String, Map<String, String>> settings : raw.entrySet()) {
			for (String key : List.of("session.timeout.ms", "heartbeat.interval.ms", "partition.assignment.strategy")) {
				if (settings.getValue().containsKey(key)) {
					throw consumerProtocolConflict(settings.getKey() + "." + key, "'" + key + "'",
							key.startsWith("partition") ? "group.consumer.assignors" : "group.consumer." + key);
				}
			}
		}
	}

	private static EventBusConfigurationException consumerProtocolConflict(String property, String what,
			String brokerSetting) {
		return new EventBusConfigurationException(property,
				property + " is set but eventbus.kafka.consumer.group-protocol is consumer: under the consumer group "
						+ "protocol (KIP-848) the broker owns " + what + " (broker setting " + brokerSetting
						+ ") and the Kafka client refuses the classic-only setting",
				"Remove " + property + " to use the consumer protocol (tune " + brokerSetting
						+ " on the broker, or per group with kafka-configs), or set "
						+ "eventbus.kafka.consumer.group-protocol=classic to keep it.");
	}

}

package dev.eventbus.autoconfigure.nats;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.PropertyMapper;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;

import dev.eventbus.autoconfigure.EventBusOptionsErrors;
import dev.eventbus.autoconfigure.EventBusSslBundles;
import dev.eventbus.core.nats.NatsConsumerOptions;
import dev.eventbus.core.nats.NatsOptions;
import dev.eventbus.core.nats.NatsPublishOptions;
import dev.eventbus.core.nats.NatsStreamOptions;

/**
 * Maps {@link EventBusNatsProperties} onto {@link NatsOptions}; a value the options reject fails
 * start-up naming the property.
 */
final class NatsOptionsMapper {

	private NatsOptionsMapper() {
	}

	static final String TLS_BUNDLE = "eventbus.nats.tls.bundle";

	static NatsOptions.Builder map(EventBusNatsProperties properties) {
		return map(properties, null);
	}

	/**
	 * @param properties the bound properties
	 * @param sslBundles the application's SSL bundles, or null if there are none
	 * @return the options builder
	 */
	static NatsOptions.Builder map(EventBusNatsProperties properties, @Nullable SslBundles sslBundles) {
		SslBundle sslBundle = sslBundle(properties.getTls(), sslBundles);
		PropertyMapper map = PropertyMapper.get();
		try {
			EventBusNatsProperties.Stream stream = properties.getStream();
			NatsStreamOptions.Builder streamOptions = NatsStreamOptions.builder();
			map.from(stream::getStorage).to(streamOptions::storage);
			map.from(stream::getRetention).to(streamOptions::retention);
			map.from(stream::getDiscard).to(streamOptions::discard);
			map.from(stream::getMaxAge).to(streamOptions::maxAge);
			map.from(stream::getMaxBytes).to(streamOptions::maxBytes);
			map.from(stream::getMaxMessages).to(streamOptions::maxMessages);
			map.from(stream::getReplicas).to(streamOptions::replicas);
			map.from(stream::getDuplicateWindow).to(streamOptions::duplicateWindow);
			map.from(stream::getSubjectPrefix).to(streamOptions::subjectPrefix);
			map.from(stream::getProvisioning).to(streamOptions::provisioning);

			EventBusNatsProperties.Consumer consumer = properties.getConsumer();
			NatsConsumerOptions.Builder consumerOptions = NatsConsumerOptions.builder();
			map.from(consumer::getAckWait).to(consumerOptions::ackWait);
			map.from(consumer::getMaxDeliver).to(consumerOptions::maxDeliver);
			map.from(consumer::getMaxAckPending).to(consumerOptions::maxAckPending);
			map.from(consumer::getPullBatchSize).to(consumerOptions::pullBatchSize);
			map.from(consumer::getPullExpiry).to(consumerOptions::pullExpiry);
			map.from(consumer::isSingleActive).to(consumerOptions::singleActive);
			map.from(consumer::getLeaseTtl).to(consumerOptions::leaseTtl);

			EventBusNatsProperties.Publish publish = properties.getPublish();
			NatsPublishOptions.Builder publishOptions = NatsPublishOptions.builder();
			map.from(publish::getMaxInFlight).to(publishOptions::maxInFlight);
			map.from(publish::getMaxBlock).to(publishOptions::maxBlock);
			map.from(publish::getAckTimeout).to(publishOptions::ackTimeout);

			NatsOptions.Builder options = NatsOptions.builder()
				.stream(streamOptions.build())
				.consumer(consumerOptions.build())
				.publish(publishOptions.build());
			map.from(properties::getServers).to(options::servers);
			map.from(properties::getConnectionName).to(options::connectionName);
			map.from(properties::getCredentialsFile).to(options::credentialsFile);
			map.from(properties::getToken).to(options::token);
			map.from(properties::getUsername).to(options::username);
			map.from(properties::getPassword).to(options::password);
			map.from(properties::getNkeySeed).to(options::nkeySeed);
			EventBusNatsProperties.Tls tls = properties.getTls();
			map.from(tls::isEnabled).to(options::tls);
			map.from(tls::getTruststorePath).to(options::truststorePath);
			map.from(tls::getTruststorePassword).to(options::truststorePassword);
			map.from(tls::getKeystorePath).to(options::keystorePath);
			map.from(tls::getKeystorePassword).to(options::keystorePassword);
			if (sslBundle != null) {
				options.sslContext(sslBundle.createSslContext());
			}
			map.from(properties::getReconnectWait).to(options::reconnectWait);
			map.from(properties::getMaxReconnects).to(options::maxReconnects);
			map.from(properties::getPingInterval).to(options::pingInterval);
			map.from(properties::getConnectionTimeout).to(options::connectionTimeout);
			map.from(properties::getRequestTimeout).to(options::requestTimeout);
			map.from(properties::getOutgoingQueueSize).to(options::outgoingQueueSize);
			map.from(properties::getPartitions).to(options::partitions);
			return options;
		}
		catch (IllegalArgumentException ex) {
			throw EventBusOptionsErrors.translate("eventbus.nats", ex);
		}
	}

	private static @Nullable SslBundle sslBundle(EventBusNatsProperties.Tls tls, @Nullable SslBundles bundles) {
		String name = tls.getBundle();
		if (name == null || name.isBlank()) {
			return null;
		}
		Map<String, @Nullable Object> stores = new LinkedHashMap<>();
		stores.put("eventbus.nats.tls.truststore-path", tls.getTruststorePath());
		stores.put("eventbus.nats.tls.truststore-password", tls.getTruststorePassword());
		stores.put("eventbus.nats.tls.keystore-path", tls.getKeystorePath());
		stores.put("eventbus.nats.tls.keystore-password", tls.getKeystorePassword());
		EventBusSslBundles.checkExclusive(TLS_BUNDLE, name, stores);
		return EventBusSslBundles.resolve(bundles, TLS_BUNDLE, name);
	}

}

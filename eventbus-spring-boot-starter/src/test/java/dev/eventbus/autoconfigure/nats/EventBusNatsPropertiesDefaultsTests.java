package dev.eventbus.autoconfigure.nats;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import dev.eventbus.core.nats.NatsConsumerOptions;
import dev.eventbus.core.nats.NatsOptions;
import dev.eventbus.core.nats.NatsPublishOptions;
import dev.eventbus.core.nats.NatsStreamOptions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@code eventbus.nats.*} default equals the default of the core option it maps to (the
 * pattern of Spring Boot's {@code *DefaultValuesAreConsistent}): properties are bound from an empty
 * source and compared with {@code XxxOptions.builder().build()}.
 */
class EventBusNatsPropertiesDefaultsTests {

	private final EventBusNatsProperties properties = new Binder(new MapConfigurationPropertySource())
		.bindOrCreate("eventbus.nats", EventBusNatsProperties.class);

	@Test
	void connectionDefaultValuesAreConsistent() {
		NatsOptions options = NatsOptions.builder().build();
		assertThat(this.properties.getServers()).isEqualTo(options.servers());
		assertThat(this.properties.getConnectionName()).isEqualTo(options.connectionName());
		assertThat(this.properties.getCredentialsFile()).isEqualTo(options.credentialsFile());
		assertThat(this.properties.getToken()).isEqualTo(options.token());
		assertThat(this.properties.getUsername()).isEqualTo(options.username());
		assertThat(this.properties.getPassword()).isEqualTo(options.password());
		assertThat(this.properties.getNkeySeed()).isEqualTo(options.nkeySeed());
		assertThat(this.properties.getReconnectWait()).isEqualTo(options.reconnectWait());
		assertThat(this.properties.getMaxReconnects()).isEqualTo(options.maxReconnects());
		assertThat(this.properties.getPingInterval()).isEqualTo(options.pingInterval());
		assertThat(this.properties.getConnectionTimeout()).isEqualTo(options.connectionTimeout());
		assertThat(this.properties.getRequestTimeout()).isEqualTo(options.requestTimeout());
		assertThat(this.properties.getOutgoingQueueSize()).isEqualTo(options.outgoingQueueSize());
		assertThat(this.properties.getPartitions()).isEqualTo(options.partitions())
			.isEqualTo(dev.eventbus.core.nats.NatsOptions.DEFAULT_PARTITIONS);
	}

	@Test
	void tlsDefaultValuesAreConsistent() {
		EventBusNatsProperties.Tls tls = this.properties.getTls();
		NatsOptions options = NatsOptions.builder().build();
		assertThat(tls.isEnabled()).isEqualTo(options.tls());
		assertThat(tls.getTruststorePath()).isEqualTo(options.truststorePath());
		assertThat(tls.getTruststorePassword()).isEqualTo(options.truststorePassword());
		assertThat(tls.getKeystorePath()).isEqualTo(options.keystorePath());
		assertThat(tls.getKeystorePassword()).isEqualTo(options.keystorePassword());
	}

	@Test
	void streamDefaultValuesAreConsistent() {
		EventBusNatsProperties.Stream stream = this.properties.getStream();
		NatsStreamOptions options = NatsStreamOptions.builder().build();
		assertThat(stream.getStorage()).isEqualTo(options.storage());
		assertThat(stream.getRetention()).isEqualTo(options.retention());
		assertThat(stream.getDiscard()).isEqualTo(options.discard());
		assertThat(stream.getMaxAge()).isEqualTo(options.maxAge());
		assertThat(stream.getMaxBytes()).isEqualTo(options.maxBytes());
		assertThat(stream.getMaxMessages()).isEqualTo(options.maxMessages());
		assertThat(stream.getReplicas()).isEqualTo(options.replicas());
		assertThat(stream.getDuplicateWindow()).isEqualTo(options.duplicateWindow());
		assertThat(stream.getSubjectPrefix()).isEqualTo(options.subjectPrefix());
		assertThat(stream.getProvisioning()).isEqualTo(options.provisioning());
	}

	@Test
	void consumerDefaultValuesAreConsistent() {
		EventBusNatsProperties.Consumer consumer = this.properties.getConsumer();
		NatsConsumerOptions options = NatsConsumerOptions.builder().build();
		assertThat(consumer.getAckWait()).isEqualTo(options.ackWait());
		assertThat(consumer.getMaxDeliver()).isEqualTo(options.maxDeliver());
		assertThat(consumer.getMaxAckPending()).isEqualTo(options.maxAckPending());
		assertThat(consumer.getPullBatchSize()).isEqualTo(options.pullBatchSize());
		assertThat(consumer.getPullExpiry()).isEqualTo(options.pullExpiry());
		assertThat(consumer.isSingleActive()).isEqualTo(options.singleActive());
		assertThat(consumer.getLeaseTtl()).isEqualTo(options.leaseTtl());
	}

	@Test
	void publishDefaultValuesAreConsistent() {
		EventBusNatsProperties.Publish publish = this.properties.getPublish();
		NatsPublishOptions options = NatsPublishOptions.builder().build();
		assertThat(publish.getMaxInFlight()).isEqualTo(options.maxInFlight());
		assertThat(publish.getMaxBlock()).isEqualTo(options.maxBlock());
		assertThat(publish.getAckTimeout()).isEqualTo(options.ackTimeout());
	}

}

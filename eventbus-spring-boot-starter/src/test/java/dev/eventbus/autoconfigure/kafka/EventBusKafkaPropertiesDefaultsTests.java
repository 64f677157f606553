package dev.eventbus.autoconfigure.kafka;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import dev.eventbus.core.kafka.KafkaConsumerOptions;
import dev.eventbus.core.kafka.KafkaNetworkOptions;
import dev.eventbus.core.kafka.KafkaOptions;
import dev.eventbus.core.kafka.KafkaProducerOptions;
import dev.eventbus.core.kafka.KafkaSecurityOptions;
import dev.eventbus.core.kafka.KafkaTopicOptions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@code eventbus.kafka.*} default equals the default of the core option it maps to (the
 * pattern of Spring Boot's {@code KafkaPropertiesTests.*DefaultValuesAreConsistent}): properties are
 * bound from an empty source and compared with {@code XxxOptions.builder().build()}.
 */
class EventBusKafkaPropertiesDefaultsTests {

	private final EventBusKafkaProperties properties = new Binder(new MapConfigurationPropertySource())
		.bindOrCreate("eventbus.kafka", EventBusKafkaProperties.class);

	@Test
	void rootDefaultValuesAreConsistent() {
		KafkaOptions options = KafkaOptions.builder().build();
		assertThat(this.properties.getClientId()).isEqualTo(options.clientId());
		assertThat(this.properties.getProperties()).isEqualTo(options.properties()).isEmpty();
		// Deliberately different: unset falls back to spring.kafka.bootstrap-servers, and start-up
		// fails when neither is set, instead of silently using the core's localhost:9092.
		assertThat(this.properties.getBootstrapServers()).isEmpty();
		assertThat(options.bootstrapServers()).isEqualTo(KafkaOptions.DEFAULT_BOOTSTRAP_SERVERS);
	}

	@Test
	void producerDefaultValuesAreConsistent() {
		EventBusKafkaProperties.Producer producer = this.properties.getProducer();
		KafkaProducerOptions options = KafkaProducerOptions.builder().build();
		assertThat(producer.getCompression()).isEqualTo(options.compression());
		assertThat(producer.getFlushFrequency()).isEqualTo(options.flushFrequency());
		assertThat(producer.getFlushMessages()).isEqualTo(options.flushMessages());
		assertThat(producer.getFlushBytes().toBytes()).isEqualTo(options.flushBytes());
		assertThat(producer.getAcks()).isEqualTo(options.acks());
		assertThat(producer.isIdempotence()).isEqualTo(options.idempotence());
		assertThat(producer.getMaxInFlight()).isEqualTo(options.maxInFlight());
		assertThat(producer.getBufferMemory().toBytes()).isEqualTo(options.bufferMemory());
		assertThat(producer.getMaxBlock()).isEqualTo(options.maxBlock());
		assertThat(producer.getRequestTimeout()).isEqualTo(options.requestTimeout());
		assertThat(producer.getDeliveryTimeout()).isEqualTo(options.deliveryTimeout());
		assertThat(producer.getProperties()).isEqualTo(options.properties()).isEmpty();
	}

	@Test
	void consumerDefaultValuesAreConsistent() {
		EventBusKafkaProperties.Consumer consumer = this.properties.getConsumer();
		KafkaConsumerOptions options = KafkaConsumerOptions.builder().build();
		assertThat(consumer.getAutoOffsetReset()).isEqualTo(options.autoOffsetReset());
		assertThat(consumer.getFetchMinSize().toBytes()).isEqualTo(options.fetchMinBytes());
		assertThat(consumer.getFetchMaxSize().toBytes()).isEqualTo(options.fetchMaxBytes());
		assertThat(consumer.getFetchMaxWait()).isEqualTo(options.fetchMaxWait());
		assertThat(consumer.getMaxPartitionFetchSize().toBytes()).isEqualTo(options.maxPartitionFetchBytes());
		assertThat(consumer.getMaxPollRecords()).isEqualTo(options.maxPollRecords());
		// unset by default, so that group-protocol=consumer can tell an explicit value from the default;
		// the core default (45 s / 3 s, documented in the metadata) then applies under the classic protocol
		assertThat(consumer.getSessionTimeout()).isNull();
		assertThat(consumer.getHeartbeatInterval()).isNull();
		assertThat(options.sessionTimeout()).isEqualTo(java.time.Duration.ofSeconds(45));
		assertThat(options.heartbeatInterval()).isEqualTo(java.time.Duration.ofSeconds(3));
		assertThat(consumer.getMaxPollInterval()).isEqualTo(options.maxPollInterval());
		assertThat(consumer.getRequestTimeout()).isEqualTo(options.requestTimeout());
		assertThat(consumer.getIsolationLevel()).isEqualTo(options.isolationLevel());
		assertThat(consumer.getPollTimeout()).isEqualTo(options.pollTimeout());
		assertThat(consumer.getCommitInterval()).isEqualTo(options.commitInterval());
		assertThat(consumer.getRevocationTimeout()).isEqualTo(options.revocationTimeout());
		assertThat(consumer.getLagRefreshInterval()).isEqualTo(options.lagRefreshInterval());
		assertThat(consumer.getProperties()).isEqualTo(options.properties()).isEmpty();
	}

	@Test
	void networkDefaultValuesAreConsistent() {
		EventBusKafkaProperties.Network network = this.properties.getNetwork();
		KafkaNetworkOptions options = KafkaNetworkOptions.builder().build();
		assertThat(network.getDialTimeout()).isEqualTo(options.dialTimeout());
		assertThat(network.getReadTimeout()).isEqualTo(options.readTimeout());
		assertThat(network.getWriteTimeout()).isEqualTo(options.writeTimeout());
		assertThat(network.getKeepAlive()).isEqualTo(options.keepAlive());
	}

	@Test
	void securityDefaultValuesAreConsistent() {
		EventBusKafkaProperties.Security security = this.properties.getSecurity();
		KafkaSecurityOptions options = KafkaSecurityOptions.builder().build();
		assertThat(security.getProtocol()).isEqualTo(options.protocol());
		assertThat(security.getSaslMechanism()).isEqualTo(options.saslMechanism());
		assertThat(security.getUsername()).isEqualTo(options.username());
		assertThat(security.getPassword()).isEqualTo(options.password());
		assertThat(security.getJaasConfig()).isEqualTo(options.jaasConfig());
		assertThat(security.getTruststoreLocation()).isEqualTo(options.truststoreLocation());
		assertThat(security.getTruststorePassword()).isEqualTo(options.truststorePassword());
		assertThat(security.getTruststoreType()).isEqualTo(options.truststoreType());
		assertThat(security.getKeystoreLocation()).isEqualTo(options.keystoreLocation());
		assertThat(security.getKeystorePassword()).isEqualTo(options.keystorePassword());
		assertThat(security.getKeyPassword()).isEqualTo(options.keyPassword());
		assertThat(security.getKeystoreType()).isEqualTo(options.keystoreType());
		assertThat(security.isHostnameVerification()).isEqualTo(options.hostnameVerification());
	}

	@Test
	void topicsDefaultValuesAreConsistent() {
		EventBusKafkaProperties.Topics topics = this.properties.getTopics();
		KafkaTopicOptions options = KafkaTopicOptions.builder().build();
		assertThat(topics.getStrategy()).isEqualTo(options.strategy());
		assertThat(topics.getPartitions()).isEqualTo(options.partitions());
		assertThat(topics.getReplicationFactor()).isEqualTo(options.replicationFactor());
		assertThat(topics.getRetention()).isEqualTo(options.retention());
		assertThat(topics.getCompression()).isEqualTo(options.compression());
		assertThat(topics.isDeadLetterTopics()).isEqualTo(options.deadLetterTopics());
		assertThat(topics.getNames()).isEqualTo(options.names()).isEmpty();
		assertThat(topics.getTimeout()).isEqualTo(options.timeout());
	}

}

package dev.eventbus.core.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.entry;

class KafkaClientFactoriesTest {

	private static final KafkaOptions DEFAULTS = KafkaOptions.of("broker-1:9092,broker-2:9093");

	@Nested
	class Producer {

		@Test
		void defaultsAreTheTunedValuesWithAcksAllAndIdempotence() {
			Map<String, Object> config = KafkaClientFactories.producerConfig(DEFAULTS);
			assertThat(config).contains(entry("bootstrap.servers", "broker-1:9092,broker-2:9093"),
					entry("client.id", "eventbus-producer"), entry("compression.type", "lz4"),
					entry("linger.ms", 10), entry("batch.size", 102400), entry("acks", "all"),
					entry("enable.idempotence", true), entry("max.in.flight.requests.per.connection", 5),
					entry("buffer.memory", 33554432L), entry("max.block.ms", 10000L),
					entry("request.timeout.ms", 30000), entry("delivery.timeout.ms", 120000),
					entry("key.serializer", org.apache.kafka.common.serialization.StringSerializer.class),
					entry("value.serializer", ByteArraySerializer.class));
		}

		@Test
		void everyProducerOptionReachesItsClientSetting() {
			KafkaOptions options = DEFAULTS.toBuilder()
				.producer(KafkaProducerOptions.builder().compression(KafkaCompression.ZSTD)
					.flushFrequency(Duration.ofMillis(25)).flushBytes(65536).acks("1").idempotence(false)
					.maxInFlight(8).bufferMemory(1_000_000).maxBlock(Duration.ofSeconds(3))
					.requestTimeout(Duration.ofSeconds(7)).deliveryTimeout(Duration.ofSeconds(40))
					.build())
				.build();
			assertThat(KafkaClientFactories.producerConfig(options)).contains(entry("compression.type", "zstd"),
					entry("linger.ms", 25), entry("batch.size", 65536), entry("acks", "1"),
					entry("enable.idempotence", false), entry("max.in.flight.requests.per.connection", 8),
					entry("buffer.memory", 1_000_000L), entry("max.block.ms", 3000L),
					entry("request.timeout.ms", 7000), entry("delivery.timeout.ms", 40000));
		}

		@Test
		void flushMessagesIsNotAClientSettingButKeptForTheBusFlusher() {
			KafkaOptions options = DEFAULTS.toBuilder()
				.producer(KafkaProducerOptions.builder().flushMessages(42).build())
				.build();
			assertThat(options.producer().flushMessages()).isEqualTo(42);
			assertThat(KafkaClientFactories.producerConfig(options)).doesNotContainValue(42);
		}

		@Test
		void factoryCarriesTheConfigurationAndTheSerializers() {
			DefaultKafkaProducerFactory<String, byte[]> factory = KafkaClientFactories.producerFactory(DEFAULTS);
			assertThat(factory.getConfigurationProperties()).containsEntry("compression.type", "lz4");
			assertThat(factory.getValueSerializerSupplier().get()).isInstanceOf(ByteArraySerializer.class);
		}

		@Test
		void idempotenceWithAcksOneIsRejectedNamingBothSettings() {
			assertThatIllegalArgumentException()
				.isThrownBy(() -> KafkaProducerOptions.builder().acks("1").build())
				.withMessageContaining("kafka.producer.idempotence")
				.withMessageContaining("kafka.producer.acks");
			assertThatIllegalArgumentException()
				.isThrownBy(() -> KafkaProducerOptions.builder().maxInFlight(6).build())
				.withMessageContaining("kafka.producer.maxInFlight");
		}

		@Test
		void invalidValuesAreRejectedNamingTheSetting() {
			assertThatIllegalArgumentException().isThrownBy(() -> KafkaProducerOptions.builder().acks("some").build())
				.withMessageContaining("kafka.producer.acks");
			assertThatIllegalArgumentException()
				.isThrownBy(() -> KafkaProducerOptions.builder().flushFrequency(Duration.ofMillis(-1)).build())
				.withMessageContaining("kafka.producer.flushFrequency");
			assertThatIllegalArgumentException().isThrownBy(() -> KafkaProducerOptions.builder().flushBytes(0).build())
				.withMessageContaining("kafka.producer.flushBytes");
			assertThatIllegalArgumentException()
				.isThrownBy(() -> KafkaProducerOptions.builder().flushMessages(-1).build())
				.withMessageContaining("kafka.producer.flushMessages");
			assertThatIllegalArgumentException()
				.isThrownBy(() -> KafkaCompression.of("brotli"))
				.withMessageContaining("lz4");
			assertThatIllegalArgumentException()
				.isThrownBy(() -> DEFAULTS.toBuilder()
					.producer(KafkaProducerOptions.builder().deliveryTimeout(Duration.ofSeconds(5)).build())
					.build())
				.withMessageContaining("kafka.producer.deliveryTimeout");
		}

	}

	@Nested
	class Consumer {

		@Test
		void defaultsAreTheTunedFetchSettingsWithManualCommits() {
			Map<String, Object> config = KafkaClientFactories.consumerConfig(DEFAULTS, "billing");
			assertThat(config).contains(entry("group.id", "billing"), entry("client.id", "eventbus-billing"),
					entry("enable.auto.commit", false), entry("auto.offset.reset", "earliest"),
					entry("fetch.min.bytes", 102400), entry("fetch.max.bytes", 10485760),
					entry("fetch.max.wait.ms", 500), entry("max.partition.fetch.bytes", 1048576),
					entry("max.poll.records", 500), entry("session.timeout.ms", 45000),
					entry("heartbeat.interval.ms", 3000), entry("max.poll.interval.ms", 300000),
					entry("request.timeout.ms", 30000), entry("isolation.level", "read_uncommitted"),
					entry("key.deserializer", StringDeserializer.class), entry("partition.assignment.strategy",
							"org.apache.kafka.clients.consumer.CooperativeStickyAssignor"));
		}

		@Test
		void everyConsumerOptionReachesItsClientSetting() {
			KafkaOptions options = DEFAULTS.toBuilder()
				.consumer(KafkaConsumerOptions.builder().autoOffsetReset("LATEST").fetchMinBytes(1)
					.fetchMaxBytes(2048).fetchMaxWait(Duration.ofMillis(50)).maxPartitionFetchBytes(1024)
					.maxPollRecords(77).sessionTimeout(Duration.ofSeconds(20)).heartbeatInterval(Duration.ofSeconds(2))
					.maxPollInterval(Duration.ofMinutes(1)).requestTimeout(Duration.ofSeconds(9))
					.isolationLevel("read_committed").build())
				.build();
			assertThat(KafkaClientFactories.consumerConfig(options, "g")).contains(entry("auto.offset.reset", "latest"),
					entry("fetch.min.bytes", 1), entry("fetch.max.bytes", 2048), entry("fetch.max.wait.ms", 50),
					entry("max.partition.fetch.bytes", 1024), entry("max.poll.records", 77),
					entry("session.timeout.ms", 20000), entry("heartbeat.interval.ms", 2000),
					entry("max.poll.interval.ms", 60000), entry("request.timeout.ms", 9000),
					entry("isolation.level", "read_committed"));
		}

		@Test
		void factoryBuildsConsumersOfTheGroup() {
			DefaultKafkaConsumerFactory<String, byte[]> factory = KafkaClientFactories.consumerFactory(DEFAULTS, "g1");
			assertThat(factory.getConfigurationProperties()).containsEntry("group.id", "g1")
				.containsEntry("enable.auto.commit", false);
		}

		@Test
		void invalidValuesAreRejectedNamingTheSetting() {
			assertThatIllegalArgumentException()
				.isThrownBy(() -> KafkaConsumerOptions.builder().autoOffsetReset("oldest").build())
				.withMessageContaining("kafka.consumer.autoOffsetReset");
			assertThatIllegalArgumentException()
				.isThrownBy(() -> KafkaConsumerOptions.builder().fetchMinBytes(100).fetchMaxBytes(10).build())
				.withMessageContaining("kafka.consumer.fetchMaxBytes");
			assertThatIllegalArgumentException()
				.isThrownBy(() -> KafkaConsumerOptions.builder().heartbeatInterval(Duration.ofMinutes(1)).build())
				.withMessageContaining("kafka.consumer.heartbeatInterval");
			assertThatIllegalArgumentException()
				.isThrownBy(() -> KafkaConsumerOptions.builder().revocationTimeout(Duration.ofMinutes(6)).build())
				.withMessageContaining("kafka.consumer.revocationTimeout");
			assertThatIllegalArgumentException()
				.isThrownBy(() -> KafkaConsumerOptions.builder().isolationLevel("serializable").build())
				.withMessageContaining("kafka.consumer.isolationLevel");
		}

	}

	@Nested
	class Network {

		@Test
		void defaultsMapDialToConnectionSetupReadWriteToRequestTimeoutAndKeepAliveToIdleBound() {
			for (Map<String, Object> config : List.of(KafkaClientFactories.producerConfig(DEFAULTS),
					KafkaClientFactories.consumerConfig(DEFAULTS, "g"), KafkaClientFactories.adminConfig(DEFAULTS))) {
				assertThat(config).contains(entry("socket.connection.setup.timeout.ms", 10000L),
						entry("socket.connection.setup.timeout.max.ms", 10000L),
						entry("connections.max.idle.ms", 30000L), entry("request.timeout.ms", 30000));
			}
		}

		@Test
		void theLargerOfReadAndWriteTimeoutBecomesTheRequestTimeout() {
			KafkaOptions options = DEFAULTS.toBuilder()
				.network(KafkaNetworkOptions.builder().dialTimeout(Duration.ofSeconds(4))
					.readTimeout(Duration.ofSeconds(12)).writeTimeout(Duration.ofSeconds(15))
					.keepAlive(Duration.ofSeconds(90)).build())
				.build();
			assertThat(KafkaClientFactories.consumerConfig(options, "g")).contains(
					entry("socket.connection.setup.timeout.ms", 4000L),
					entry("socket.connection.setup.timeout.max.ms", 4000L), entry("connections.max.idle.ms", 90000L),
					entry("request.timeout.ms", 15000));
			assertThat(KafkaClientFactories.producerConfig(options)).containsEntry("request.timeout.ms", 15000);
			assertThat(KafkaClientFactories.adminConfig(options)).containsEntry("request.timeout.ms", 15000);
		}

		@Test
		void nonPositiveTimeoutsAreRejectedNamingTheSetting() {
			assertThatIllegalArgumentException()
				.isThrownBy(() -> KafkaNetworkOptions.builder().dialTimeout(Duration.ZERO).build())
				.withMessageContaining("kafka.network.dialTimeout");
			assertThatIllegalArgumentException()
				.isThrownBy(() -> KafkaNetworkOptions.builder().keepAlive(Duration.ofSeconds(-1)).build())
				.withMessageContaining("kafka.network.keepAlive");
		}

	}

	@Nested
	class Security {

		@Test
		void plaintextByDefaultWithoutSaslOrSslSettings() {
			assertThat(KafkaClientFactories.producerConfig(DEFAULTS)).containsEntry("security.protocol", "PLAINTEXT")
				.doesNotContainKeys("sasl.mechanism", "sasl.jaas.config", "ssl.truststore.location");
		}

		@Test
		void saslPlainCredentialsBecomeAJaasConfigOnEveryClient() {
			KafkaOptions options = DEFAULTS.toBuilder()
				.security(KafkaSecurityOptions.builder().protocol("sasl_plaintext").username("alice")
					.password("s\"cret").build())
				.build();
			for (Map<String, Object> config : List.of(KafkaClientFactories.producerConfig(options),
					KafkaClientFactories.consumerConfig(options, "g"), KafkaClientFactories.adminConfig(options))) {
				assertThat(config).contains(entry("security.protocol", "SASL_PLAINTEXT"),
						entry("sasl.mechanism", "PLAIN"),
						entry("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required "
								+ "username=\"alice\" password=\"s\\\"cret\";"));
			}
			assertThat(options.security().toString()).doesNotContain("cret");
		}

		@Test
		void sslContextIsHandedToTheEngineFactoryInsteadOfStores() throws Exception {
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(null, null, null);
			KafkaOptions options = DEFAULTS.toBuilder()
				.security(KafkaSecurityOptions.builder().protocol("SSL").sslContext(context).build())
				.build();
			Map<String, Object> config = KafkaClientFactories.producerConfig(options);
			assertThat(config).contains(entry("ssl.engine.factory.class", SslContextEngineFactory.class),
					entry(SslContextEngineFactory.SSL_CONTEXT_CONFIG, context),
					entry("ssl.endpoint.identification.algorithm", "https"))
				.doesNotContainKeys("ssl.truststore.location", "ssl.keystore.location");
			SslContextEngineFactory factory = new SslContextEngineFactory();
			factory.configure(Map.of(SslContextEngineFactory.SSL_CONTEXT_CONFIG, context, "ssl.enabled.protocols",
					List.of("TLSv1.3")));
			SSLEngine engine = factory.createClientSslEngine("broker", 9093, "https");
			assertThat(engine.getUseClientMode()).isTrue();
			assertThat(engine.getEnabledProtocols()).containsExactly("TLSv1.3");
			assertThat(engine.getSSLParameters().getEndpointIdentificationAlgorithm()).isEqualTo("https");
			assertThat(engine.getPeerHost()).isEqualTo("broker");
		}

		@Test
		void sslContextNeedsATlsProtocolAndExcludesTheStores() throws Exception {
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(null, null, null);
			assertThatIllegalArgumentException()
				.isThrownBy(() -> KafkaSecurityOptions.builder().sslContext(context).build())
				.withMessageContaining("kafka.security.sslContext")
				.withMessageContaining("PLAINTEXT");
			assertThatIllegalArgumentException()
				.isThrownBy(() -> KafkaSecurityOptions.builder().protocol("SSL").sslContext(context)
					.truststoreLocation("/etc/kafka/trust.p12").build())
				.withMessageContaining("kafka.security.sslContext")
				.withMessageContaining("kafka.security.truststoreLocation");
		}

		@Test
		void scramAndSslStoresMapToTheirClientSettings(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
				throws java.io.IOException {
			// the store files must exist: the options check them when built
			String trust = java.nio.file.Files.createFile(dir.resolve("trust.p12")).toString();
			String key = java.nio.file.Files.createFile(dir.resolve("key.p12")).toString();
			KafkaOptions options = DEFAULTS.toBuilder()
				.security(KafkaSecurityOptions.builder().protocol("SASL_SSL").saslMechanism("scram-sha-512")
					.username("bob").password("pw").truststoreLocation(trust)
					.truststorePassword("tpw").truststoreType("PKCS12").keystoreLocation(key)
					.keystorePassword("kpw").keyPassword("kp").keystoreType("PKCS12").hostnameVerification(false)
					.build())
				.build();
			assertThat(KafkaClientFactories.consumerConfig(options, "g")).contains(
					entry("security.protocol", "SASL_SSL"), entry("sasl.mechanism", "SCRAM-SHA-512"),
					entry("sasl.jaas.config",
							"org.apache.kafka.common.security.scram.ScramLoginModule required username=\"bob\" password=\"pw\";"),
					entry("ssl.truststore.location", trust), entry("ssl.truststore.password", "tpw"),
					entry("ssl.truststore.type", "PKCS12"), entry("ssl.keystore.location", key),
					entry("ssl.keystore.password", "kpw"), entry("ssl.key.password", "kp"),
					entry("ssl.keystore.type", "PKCS12"), entry("ssl.endpoint.identification.algorithm", ""));
		}

		@Test
		void explicitJaasConfigWinsOverCredentials() {
			KafkaOptions options = DEFAULTS.toBuilder()
				.security(KafkaSecurityOptions.builder().protocol("SASL_SSL").saslMechanism("OAUTHBEARER")
					.jaasConfig("custom;").build())
				.build();
			assertThat(KafkaClientFactories.producerConfig(options)).containsEntry("sasl.jaas.config", "custom;")
				.containsEntry("ssl.endpoint.identification.algorithm", "https");
		}

		@Test
		void inconsistentSecuritySettingsAreRejectedNamingTheSetting() {
			assertThatIllegalArgumentException()
				.isThrownBy(() -> KafkaSecurityOptions.builder().protocol("SASL_SSL").build())
				.withMessageContaining("kafka.security.username");
			assertThatIllegalArgumentException()
				.isThrownBy(() -> KafkaSecurityOptions.builder().username("a").password("b").build())
				.withMessageContaining("kafka.security.protocol");
			assertThatIllegalArgumentException()
				.isThrownBy(() -> KafkaSecurityOptions.builder().truststoreLocation("/x").build())
				.withMessageContaining("kafka.security.truststoreLocation");
			assertThatIllegalArgumentException()
				.isThrownBy(() -> KafkaSecurityOptions.builder().protocol("TLS").build())
				.withMessageContaining("kafka.security.protocol");
		}

	}

	@Nested
	class Properties {

		@Test
		void rawPropertiesWinAndClientSpecificPropertiesWinOverCommonOnes() {
			KafkaOptions options = DEFAULTS.toBuilder()
				.properties(Map.of("linger.ms", "99", "fetch.min.bytes", "7", "metadata.max.age.ms", "1000"))
				.producer(KafkaProducerOptions.builder().properties(Map.of("linger.ms", "5")).build())
				.consumer(KafkaConsumerOptions.builder().properties(Map.of("client.rack", "eu-1")).build())
				.build();
			assertThat(KafkaClientFactories.producerConfig(options)).containsEntry(ProducerConfig.LINGER_MS_CONFIG, "5")
				.containsEntry("metadata.max.age.ms", "1000");
			assertThat(KafkaClientFactories.consumerConfig(options, "g")).containsEntry("fetch.min.bytes", "7")
				.containsEntry("client.rack", "eu-1")
				.containsEntry("metadata.max.age.ms", "1000");
			assertThat(KafkaClientFactories.adminConfig(options)).containsEntry("metadata.max.age.ms", "1000");
		}

		@Test
		void settingsTheBusOwnsCannotBeOverridden() {
			assertThatIllegalArgumentException()
				.isThrownBy(() -> DEFAULTS.toBuilder().properties(Map.of("enable.auto.commit", "true")).build())
				.withMessageContaining("kafka.properties")
				.withMessageContaining("enable.auto.commit");
			assertThatIllegalArgumentException()
				.isThrownBy(() -> DEFAULTS.toBuilder()
					.consumer(KafkaConsumerOptions.builder().properties(Map.of("group.id", "x")).build())
					.build())
				.withMessageContaining("kafka.consumer.properties");
		}

		@Test
		void theJavaClientsAcceptTheDerivedConfigurations() {
			KafkaOptions options = DEFAULTS.toBuilder()
				.bootstrapServers("127.0.0.1:9")
				.security(KafkaSecurityOptions.builder().protocol("SASL_PLAINTEXT").username("u").password("p").build())
				.build();
			try (var producer = KafkaClientFactories.producerFactory(options).createProducer();
					var consumer = KafkaClientFactories.consumerFactory(options, "g").createConsumer();
					var admin = org.apache.kafka.clients.admin.Admin.create(KafkaClientFactories.adminConfig(options))) {
				assertThat(producer.metrics()).isNotEmpty();
				assertThat(consumer.metrics()).isNotEmpty();
				assertThat(admin.metrics()).isNotEmpty();
			}
		}

		@Test
		void badBootstrapServersAreRejectedNamingTheSetting() {
			assertThatIllegalArgumentException().isThrownBy(() -> KafkaOptions.of("localhost"))
				.withMessageContaining("kafka.bootstrapServers");
			assertThatIllegalArgumentException().isThrownBy(() -> KafkaOptions.of(" , "))
				.withMessageContaining("kafka.bootstrapServers");
		}

	}

	@Nested
	class TopicProvisioning {

		@Test
		void defaultsSkipProvisioningAndUseBrokerDefaults() {
			KafkaTopicOptions topics = DEFAULTS.topics();
			assertThat(topics.strategy()).isEqualTo(KafkaTopicOptions.Strategy.SKIP);
			assertThat(topics.partitions()).isEqualTo(-1);
			assertThat(topics.replicationFactor()).isEqualTo((short) -1);
			assertThat(topics.retention()).isNull();
			assertThat(topics.compression()).isNull();
			assertThat(topics.deadLetterTopics()).isTrue();
		}

		@Test
		void invalidValuesAreRejectedNamingTheSetting() {
			assertThatIllegalArgumentException().isThrownBy(() -> KafkaTopicOptions.builder().partitions(0).build())
				.withMessageContaining("kafka.topics.partitions");
			assertThatIllegalArgumentException()
				.isThrownBy(() -> KafkaTopicOptions.builder().replicationFactor((short) 0).build())
				.withMessageContaining("kafka.topics.replicationFactor");
			assertThatIllegalArgumentException()
				.isThrownBy(() -> KafkaTopicOptions.builder().names(List.of("bad topic")).build())
				.withMessageContaining("kafka.topics.names");
		}

	}

}

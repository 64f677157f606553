package dev.eventbus.test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.kafka.KafkaConsumerOptions;
import dev.eventbus.core.kafka.KafkaEventBus;
import dev.eventbus.core.kafka.KafkaGroupProtocol;
import dev.eventbus.core.kafka.KafkaOptions;
import dev.eventbus.core.kafka.KafkaProducerOptions;
import dev.eventbus.core.kafka.KafkaSecurityOptions;
import dev.eventbus.test.broker.KafkaTestBroker;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.JaasUtils;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The contract on Kafka under the consumer group protocol of KIP-848 ({@code group.protocol=consumer}):
 * the same broker set-up as {@link KafkaEventBusContractTests}, whose consumers speak the classic
 * protocol, and the bus's consumers with {@link KafkaGroupProtocol#CONSUMER} (no classic-only client
 * settings). The broker's consumer-group heartbeat and session bounds are lowered so that
 * assignments move within a test's timeouts (broker defaults: 5 s heartbeats, 45 s sessions).
 */
class KafkaConsumerProtocolContractTests extends EventBusContractTests {

	/** Broker settings of the consumer protocol for tests: heartbeats every 500 ms, sessions of 10 s. */
	static final Map<String, String> CONSUMER_PROTOCOL_BROKER = Map.of("group.consumer.min.heartbeat.interval.ms",
			"500", "group.consumer.heartbeat.interval.ms", "500", "group.consumer.min.session.timeout.ms", "6000",
			"group.consumer.session.timeout.ms", "10000");

	private static KafkaTestBroker broker;

	private static KafkaProducer<String, byte[]> rawProducer;

	private static @Nullable KafkaClusterTestKit saslCluster;

	@BeforeAll
	static void startBroker() {
		broker = KafkaTestBroker.start(CONSUMER_PROTOCOL_BROKER);
		rawProducer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers()),
				new StringSerializer(), new ByteArraySerializer());
	}

	@AfterAll
	static void stopBroker() throws Exception {
		rawProducer.close();
		broker.close();
		if (saslCluster != null) {
			saslCluster.close();
		}
	}

	@Override
	protected EventBus createBus() {
		return KafkaEventBus.builder(consumerProtocol(broker)).shutdownTimeout(Duration.ofSeconds(10)).build();
	}

	/**
	 * @param broker the test broker
	 * @return its test options ({@link KafkaTestBroker#options()}) with the consumer protocol: the
	 * classic session timeout and heartbeat interval are unset again
	 */
	static KafkaOptions consumerProtocol(KafkaTestBroker broker) {
		KafkaOptions options = broker.options().build();
		return options.toBuilder()
			.consumer(options.consumer()
				.toBuilder()
				.sessionTimeout(null)
				.heartbeatInterval(null)
				.groupProtocol(KafkaGroupProtocol.CONSUMER)
				.build())
			.build();
	}

	@Override
	protected String newTopic(String prefix) {
		return broker.createTopic(prefix, 3);
	}

	@Override
	protected void publishForeign(String topic, String key, byte[] body) throws Exception {
		rawProducer.send(new ProducerRecord<>(topic, key, body)).get(10, TimeUnit.SECONDS);
	}

	@Override
	protected EventBus createBusThatCannotConnect() {
		KafkaOptions options = KafkaOptions.builder()
			.bootstrapServers(saslCluster().bootstrapServers())
			.security(KafkaSecurityOptions.builder()
				.protocol("SASL_PLAINTEXT")
				.saslMechanism("PLAIN")
				.username(JaasUtils.KAFKA_PLAIN_USER1)
				.password("wrong-password")
				.build())
			.consumer(KafkaConsumerOptions.builder()
				.fetchMinBytes(1)
				.fetchMaxWait(Duration.ofMillis(100))
				.groupProtocol(KafkaGroupProtocol.CONSUMER)
				.build())
			.producer(KafkaProducerOptions.builder().maxBlock(Duration.ofSeconds(3)).build())
			.build();
		return KafkaEventBus.builder(options).shutdownTimeout(Duration.ofSeconds(2)).build();
	}

	private static synchronized KafkaClusterTestKit saslCluster() {
		if (saslCluster == null) {
			try {
				TestKitNodes nodes = new TestKitNodes.Builder().setCombined(true)
					.setNumBrokerNodes(1)
					.setNumControllerNodes(1)
					.setBrokerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT)
					.build();
				KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(nodes)
					.setConfigProp("allow.everyone.if.no.acl.found", "true")
					.setConfigProp("offsets.topic.replication.factor", "1")
					.setConfigProp("offsets.topic.num.partitions", "1")
					.setConfigProp("group.initial.rebalance.delay.ms", "0")
					.setConfigProp("group.consumer.min.heartbeat.interval.ms", "500")
					.setConfigProp("group.consumer.heartbeat.interval.ms", "500")
					.build();
				cluster.format();
				cluster.startup();
				cluster.waitForReadyBrokers();
				saslCluster = cluster;
			}
			catch (Exception ex) {
				throw new IllegalStateException("could not start the SASL broker", ex);
			}
		}
		return saslCluster;
	}

}

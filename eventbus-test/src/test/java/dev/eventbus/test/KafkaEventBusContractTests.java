package dev.eventbus.test;

import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Nested;
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
 * The contract on Kafka: one in-JVM KRaft broker ({@link KafkaTestBroker}) for the class, topics of
 * three partitions, foreign records written with a plain {@link KafkaProducer}. The refused bus
 * talks to a second, SASL-only broker (started for that case only) with a wrong password. The bus's
 * consumers speak the classic group protocol; {@link KafkaConsumerProtocolContractTests} runs the
 * same contract with the consumer protocol of KIP-848 by overriding {@link #groupProtocol()}.
 * Both brokers lower the consumer protocol's heartbeat and session bounds so that assignments move
 * within a test's timeouts (broker defaults: 5 s heartbeats, 45 s sessions); classic groups ignore
 * them.
 */
class KafkaEventBusContractTests extends EventBusContractTests {

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
			// the static state is shared with the subclass run, which starts its own brokers
			saslCluster = null;
		}
	}

	/** @return the group protocol of the bus's consumers */
	protected KafkaGroupProtocol groupProtocol() {
		return KafkaGroupProtocol.CLASSIC;
	}

	private KafkaEventBus.Builder busBuilder() {
		return KafkaEventBus.builder(broker.options(groupProtocol()).build()).shutdownTimeout(Duration.ofSeconds(10));
	}

	@Override
	protected EventBus createBus() {
		return busBuilder().build();
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
				.groupProtocol(groupProtocol())
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

	/**
	 * The Observation contract on the same broker and group protocol: trace headers are record
	 * headers.
	 */
	@Nested
	class ObservationTests extends EventBusObservationContractTests {

		ObservationTests() {
			super(KafkaEventBusContractTests.this, "kafka");
		}

		@Override
		protected EventBus createBus(ObservationRegistry registry) {
			return busBuilder().observationRegistry(registry).build();
		}

	}

}

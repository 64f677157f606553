package dev.eventbus.core.kafka;

import dev.eventbus.test.broker.KafkaTestBroker;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;

import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.PublishRejectedException;
import dev.eventbus.core.api.PublishTimeoutException;
import dev.eventbus.core.api.Subscription;
import dev.eventbus.core.api.SubscriptionOptions;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.test.JaasUtils;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Test 8: a KRaft broker whose client listener is SASL_PLAINTEXT (PLAIN mechanism, users from the
 * Kafka test kit's JAAS file). The bus connects with credentials and fails clearly without them.
 */
class KafkaSaslTest {

	static KafkaClusterTestKit cluster;

	static String topic = KafkaTestBroker.uniqueTopic("sasl");

	@BeforeAll
	static void startSaslBroker() throws Exception {
		TestKitNodes nodes = new TestKitNodes.Builder().setCombined(true)
			.setNumBrokerNodes(1)
			.setNumControllerNodes(1)
			.setBrokerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT)
			.build();
		cluster = new KafkaClusterTestKit.Builder(nodes).setConfigProp("allow.everyone.if.no.acl.found", "true")
			.setConfigProp("offsets.topic.replication.factor", "1")
			.setConfigProp("offsets.topic.num.partitions", "1")
			.setConfigProp("group.initial.rebalance.delay.ms", "0")
			.build();
		cluster.format();
		cluster.startup();
		cluster.waitForReadyBrokers();
		try (Admin admin = Admin
			.create(KafkaClientFactories.adminConfig(options(JaasUtils.KAFKA_PLAIN_USER1_PASSWORD).build()))) {
			admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1), new NewTopic(topic + "-dlt", 1, (short) 1)))
				.all()
				.get();
		}
	}

	@AfterAll
	static void stopSaslBroker() throws Exception {
		cluster.close();
	}

	static KafkaOptions.Builder options(String password) {
		return KafkaOptions.builder()
			.bootstrapServers(cluster.bootstrapServers())
			.security(KafkaSecurityOptions.builder()
				.protocol("SASL_PLAINTEXT")
				.saslMechanism("PLAIN")
				.username(JaasUtils.KAFKA_PLAIN_USER1)
				.password(password)
				.build())
			.consumer(KafkaConsumerOptions.builder().fetchMinBytes(1).fetchMaxWait(Duration.ofMillis(100)).build())
			.producer(KafkaProducerOptions.builder().maxBlock(Duration.ofSeconds(3)).build());
	}

	@Test
	void busWithCredentialsPublishesAndConsumesOverSasl() throws Exception {
		List<String> received = new CopyOnWriteArrayList<>();
		try (KafkaEventBus bus = KafkaEventBus.builder(options(JaasUtils.KAFKA_PLAIN_USER1_PASSWORD).build()).build()) {
			bus.subscribe(topic, String.class, SubscriptionOptions.of("sasl-group"),
					(envelope, context) -> received.add(envelope.payload()));
			bus.publish(topic, Envelope.of("k", "Greeting", "hello over SASL")).get();
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(received).containsExactly("hello over SASL"));
		}
	}

	@Test
	void wrongPasswordFailsPublishAndSubscriptionNamingTheSecuritySettings() {
		try (KafkaEventBus bus = KafkaEventBus.builder(options("wrong-password").build())
			.shutdownTimeout(Duration.ofSeconds(2))
			.build()) {
			Subscription subscription = bus.subscribe(topic, String.class, SubscriptionOptions.of("sasl-bad"),
					(envelope, context) -> {
					});
			assertThatExceptionOfType(ExecutionException.class)
				.isThrownBy(() -> bus.publish(topic, Envelope.of("k", "Greeting", "x")).get())
				.havingCause()
				.isInstanceOf(PublishRejectedException.class)
				.withMessageContaining("authentication")
				.withMessageContaining("kafka.security");
			await().atMost(Duration.ofSeconds(30)).until(() -> subscription.state() == Subscription.State.FAILED);
		}
	}

	@Test
	void missingCredentialsFailPublishWithinMaxBlock() {
		KafkaOptions plaintext = KafkaOptions.builder()
			.bootstrapServers(cluster.bootstrapServers())
			.producer(KafkaProducerOptions.builder().maxBlock(Duration.ofSeconds(2)).build())
			.build();
		try (KafkaEventBus bus = KafkaEventBus.builder(plaintext).shutdownTimeout(Duration.ofSeconds(1)).build()) {
			assertThatExceptionOfType(ExecutionException.class)
				.isThrownBy(() -> bus.publish(topic, Envelope.of("k", "Greeting", "x")).get())
				.havingCause()
				.isInstanceOf(PublishTimeoutException.class)
				.withMessageContaining(topic)
				.withMessageContaining("eventbus.kafka.producer.max-block");
		}
	}

}

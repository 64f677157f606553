package dev.eventbus.core.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.EventBusException;
import dev.eventbus.core.api.PublishReceipt;
import dev.eventbus.core.api.PublishRejectedException;
import dev.eventbus.core.api.Subscription;
import dev.eventbus.core.api.SubscriptionOptions;
import dev.eventbus.test.broker.KafkaTestBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * A KRaft broker whose client listener is SSL, presenting the self-signed certificate in
 * {@code src/test/resources/tls} (SAN 127.0.0.1 and localhost). A bus whose truststore holds that
 * certificate publishes; a truststore holding another certificate fails naming the TLS handshake,
 * the untrusted server certificate, the truststore's path and its property; a missing truststore
 * file fails when the options are built, naming the path and the setting.
 */
class KafkaTlsTests {

	static KafkaClusterTestKit cluster;

	static String topic = KafkaTestBroker.uniqueTopic("tls");

	@BeforeAll
	static void startTlsBroker() throws Exception {
		TestKitNodes nodes = new TestKitNodes.Builder().setCombined(true)
			.setNumBrokerNodes(1)
			.setNumControllerNodes(1)
			.build();
		// the test kit builds PLAINTEXT listeners only: its client listener is switched to SSL here
		cluster = new KafkaClusterTestKit.Builder(nodes).setConfigProp("listener.security.protocol.map",
				"EXTERNAL:SSL,CONTROLLER:PLAINTEXT")
			.setConfigProp("offsets.topic.replication.factor", "1")
			.setConfigProp("offsets.topic.num.partitions", "1")
			.setConfigProp("group.initial.rebalance.delay.ms", "0")
			.setConfigProp("ssl.keystore.type", "PEM")
			.setConfigProp("ssl.keystore.certificate.chain", read("tls/server-cert.pem"))
			.setConfigProp("ssl.keystore.key", read("tls/server-key.pem"))
			.setConfigProp("ssl.truststore.type", "PEM")
			.setConfigProp("ssl.truststore.certificates", read("tls/server-cert.pem"))
			.build();
		cluster.format();
		cluster.startup();
		cluster.waitForReadyBrokers();
		try (Admin admin = Admin.create(KafkaClientFactories.adminConfig(options("tls/server-cert.pem").build()))) {
			admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
		}
	}

	@AfterAll
	static void stopTlsBroker() throws Exception {
		cluster.close();
	}

	static KafkaOptions.Builder options(String truststore) {
		return options(KafkaSecurityOptions.builder()
			.protocol("SSL")
			.truststoreLocation(resource(truststore))
			.truststoreType("PEM")
			.build());
	}

	static KafkaOptions.Builder options(KafkaSecurityOptions security) {
		return KafkaOptions.builder()
			.bootstrapServers(cluster.bootstrapServers())
			.security(security)
			.producer(KafkaProducerOptions.builder()
				.maxBlock(Duration.ofSeconds(5))
				.build());
	}

	@Test
	void truststoreHoldingTheBrokerCertificatePublishes() throws Exception {
		try (KafkaEventBus bus = KafkaEventBus.builder(options("tls/server-cert.pem").build())
			.shutdownTimeout(Duration.ofSeconds(2))
			.build()) {
			PublishReceipt receipt = bus.publish(topic, Envelope.of("o-1", "OrderPlaced", "x"))
				.get(20, java.util.concurrent.TimeUnit.SECONDS);
			assertThat(receipt.topic()).isEqualTo(topic);
		}
	}

	@Test
	void truststoreNotHoldingTheBrokerCertificateFailsPublishNamingTheUntrustedCertificateAndTheTruststore() {
		String wrong = resource("tls/other-cert.pem");
		try (KafkaEventBus bus = KafkaEventBus.builder(options("tls/other-cert.pem").build())
			.shutdownTimeout(Duration.ofSeconds(2))
			.build()) {
			CompletableFuture<PublishReceipt> future = bus.publish(topic, Envelope.of("o-1", "OrderPlaced", "x"));
			await().atMost(Duration.ofSeconds(20)).until(future::isDone);
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(future::get)
				.havingCause()
				.isInstanceOf(PublishRejectedException.class)
				.withMessageContaining("TLS handshake with [" + cluster.bootstrapServers() + "] failed")
				.withMessageContaining("the server certificate is not trusted by the truststore at " + wrong
						+ " (eventbus.kafka.security.truststore-location)")
				.withMessageContaining("Cause chain: SslAuthenticationException: SSL handshake failed <- SSLHandshakeException")
				.withMessageContaining("PKIX path")
				.withMessageNotContaining("sasl-mechanism, username and password");
		}
	}

	@Test
	void truststoreNotHoldingTheBrokerCertificateFailsTopicProvisioningNamingTheTruststore() {
		String wrong = resource("tls/other-cert.pem");
		KafkaOptions options = options("tls/other-cert.pem")
			.topics(KafkaTopicOptions.builder().strategy(KafkaTopicOptions.Strategy.CREATE_ONLY).names(List.of(KafkaTestBroker.uniqueTopic("tls-prov"))).build())
			.build();
		assertThatExceptionOfType(EventBusException.class)
			.isThrownBy(() -> KafkaEventBus.builder(options).shutdownTimeout(Duration.ofSeconds(1)).build().close())
			.withMessageContaining("TLS handshake with")
			.withMessageContaining("not trusted by the truststore at " + wrong
					+ " (eventbus.kafka.security.truststore-location)");
	}

	@Test
	void truststoreNotHoldingTheBrokerCertificateFailsTheSubscriptionNamingTheTruststore() {
		String wrong = resource("tls/other-cert.pem");
		try (KafkaEventBus bus = KafkaEventBus.builder(options("tls/other-cert.pem").build())
			.shutdownTimeout(Duration.ofSeconds(2))
			.build()) {
			Subscription subscription = bus.subscribe(topic, String.class, SubscriptionOptions.of("tls-bad"),
					(envelope, context) -> {
					});
			await().atMost(Duration.ofSeconds(30)).until(() -> subscription.state() == Subscription.State.FAILED);
			assertThat(subscription.failure()).hasMessageContaining("TLS handshake with")
				.hasMessageContaining("the server certificate is not trusted by the truststore at " + wrong
						+ " (eventbus.kafka.security.truststore-location)");
		}
	}

	@Test
	void missingTruststoreFileFailsAtBuildNamingThePathAndTheSetting() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> KafkaSecurityOptions.builder()
				.protocol("SSL")
				.truststoreLocation("/nonexistent/eventbus/trust.p12")
				.build())
			.withMessageContaining("kafka.security.truststoreLocation")
			.withMessageContaining("'/nonexistent/eventbus/trust.p12' does not exist");
	}

	@Test
	void missingKeystoreFileFailsAtBuildNamingThePathAndTheSetting() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> KafkaSecurityOptions.builder()
				.protocol("SSL")
				.keystoreLocation("/nonexistent/eventbus/client.p12")
				.build())
			.withMessageContaining("kafka.security.keystoreLocation")
			.withMessageContaining("'/nonexistent/eventbus/client.p12' does not exist");
	}

	private static String read(String name) {
		try {
			return Files.readString(Path.of(resource(name)));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String resource(String name) {
		try {
			return Path.of(KafkaTlsTests.class.getClassLoader().getResource(name).toURI()).toString();
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
	}

}

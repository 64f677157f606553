package dev.eventbus.autoconfigure.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.SslConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.io.ClassPathResource;

import dev.eventbus.autoconfigure.EventBusAutoConfiguration;
import dev.eventbus.autoconfigure.EventBusConfigurationException;
import dev.eventbus.autoconfigure.EventBusMemoryAutoConfiguration;
import dev.eventbus.autoconfigure.ScenarioEnvironmentPostProcessor;
import dev.eventbus.core.kafka.KafkaClientFactories;
import dev.eventbus.core.kafka.KafkaOptions;
import dev.eventbus.core.kafka.SslContextEngineFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code eventbus.kafka.ssl.bundle}: the bundle's material reaches the producer, consumer and admin
 * configurations, and a real Kafka client handshakes with it against a TLS endpoint presenting the
 * self-signed certificate in {@code src/test/resources/tls} (which the JVM does not trust). The
 * endpoint only completes TLS handshakes; it does not speak the Kafka protocol.
 */
class KafkaSslBundleTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, EventBusMemoryAutoConfiguration.class,
				EventBusKafkaAutoConfiguration.class, EventBusAutoConfiguration.class))
		.withInitializer((context) -> ScenarioEnvironmentPostProcessor.apply(context.getEnvironment()))
		.withPropertyValues("spring.application.name=kafka-tls", "eventbus.executor.workers=2",
				"eventbus.shutdown-timeout=1s", "eventbus.executor.shutdown-timeout=1s", "eventbus.transport=kafka",
				"eventbus.kafka.bootstrap-servers=127.0.0.1:19092",
				"spring.ssl.bundle.pem.kafka-broker.truststore.certificate=classpath:tls/server-cert.pem",
				"spring.ssl.bundle.pem.other.truststore.certificate=classpath:tls/other-cert.pem",
				"spring.ssl.bundle.pem.server.keystore.certificate=classpath:tls/server-cert.pem",
				"spring.ssl.bundle.pem.server.keystore.private-key=classpath:tls/server-key.pem");

	@Test
	void bundleMaterialReachesEveryClientConfiguration() {
		this.runner
			.withPropertyValues("eventbus.kafka.security.protocol=SSL", "eventbus.kafka.ssl.bundle=kafka-broker")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				KafkaOptions options = context.getBean(KafkaOptions.class);
				assertThat(options.security().sslContext()).isNotNull();
				for (Map<String, Object> config : List.of(KafkaClientFactories.producerConfig(options),
						KafkaClientFactories.consumerConfig(options, "group"), KafkaClientFactories.adminConfig(options))) {
					assertThat(config).containsEntry(SslConfigs.SSL_ENGINE_FACTORY_CLASS_CONFIG,
							SslContextEngineFactory.class)
						.containsEntry(SslContextEngineFactory.SSL_CONTEXT_CONFIG, options.security().sslContext())
						.containsEntry(SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG, "https")
						.doesNotContainKeys(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG,
								SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG);
				}
			});
	}

	@Test
	void kafkaClientHandshakesWithTheBundlesTrustMaterial() {
		this.runner
			.withPropertyValues("eventbus.kafka.security.protocol=SSL", "eventbus.kafka.ssl.bundle=kafka-broker")
			.run((context) -> {
				try (TlsEndpoint endpoint = new TlsEndpoint(
						context.getBean(SslBundles.class).getBundle("server").createSslContext())) {
					KafkaOptions options = context.getBean(KafkaOptions.class).toBuilder()
						.bootstrapServers(List.of("127.0.0.1:" + endpoint.port()))
						.build();
					try (Admin admin = Admin.create(KafkaClientFactories.adminConfig(options))) {
						admin.describeCluster();
						await().atMost(Duration.ofSeconds(20)).until(() -> !endpoint.handshakes.isEmpty());
						admin.close(Duration.ZERO);
					}
				}
			});
	}

	@Test
	void kafkaClientRejectsTheBrokerWhenTheBundleDoesNotTrustIt() {
		this.runner.withPropertyValues("eventbus.kafka.security.protocol=SSL", "eventbus.kafka.ssl.bundle=other")
			.run((context) -> {
				try (TlsEndpoint endpoint = new TlsEndpoint(
						context.getBean(SslBundles.class).getBundle("server").createSslContext())) {
					KafkaOptions options = context.getBean(KafkaOptions.class).toBuilder()
						.bootstrapServers(List.of("127.0.0.1:" + endpoint.port()))
						.build();
					try (Admin admin = Admin.create(KafkaClientFactories.adminConfig(options))) {
						admin.describeCluster();
						await().atMost(Duration.ofSeconds(20)).until(() -> !endpoint.failures.isEmpty());
						assertThat(endpoint.handshakes).isEmpty();
						admin.close(Duration.ZERO);
					}
				}
			});
	}

	@Test
	void unknownBundleFailsNamingThePropertyAndTheName() {
		this.runner.withPropertyValues("eventbus.kafka.security.protocol=SSL", "eventbus.kafka.ssl.bundle=missing")
			.run((context) -> {
				EventBusConfigurationException failure = configurationFailure(context.getStartupFailure());
				assertThat(failure.property()).isEqualTo("eventbus.kafka.ssl.bundle");
				assertThat(failure.getMessage()).contains("eventbus.kafka.ssl.bundle", "'missing'", "kafka-broker");
			});
	}

	@Test
	void bundleTogetherWithATrustStoreFailsNamingBoth() {
		this.runner
			.withPropertyValues("eventbus.kafka.security.protocol=SSL", "eventbus.kafka.ssl.bundle=kafka-broker",
					"eventbus.kafka.security.truststore-location=/tmp/trust.jks")
			.run((context) -> {
				EventBusConfigurationException failure = configurationFailure(context.getStartupFailure());
				assertThat(failure.property()).contains("eventbus.kafka.ssl.bundle",
						"eventbus.kafka.security.truststore-location");
				assertThat(failure.getMessage()).contains("eventbus.kafka.ssl.bundle", "'kafka-broker'",
						"eventbus.kafka.security.truststore-location");
			});
	}

	@Test
	void bundleWithAPlaintextProtocolFailsNamingTheProtocol() {
		this.runner.withPropertyValues("eventbus.kafka.ssl.bundle=kafka-broker").run((context) -> {
			EventBusConfigurationException failure = configurationFailure(context.getStartupFailure());
			assertThat(failure.property()).isEqualTo("eventbus.kafka.ssl.bundle");
			assertThat(failure.getMessage()).contains("eventbus.kafka.security.protocol", "PLAINTEXT");
		});
	}

	@Test
	void trustStorePropertiesKeepWorkingWithoutABundle(@TempDir Path dir) throws Exception {
		KeyStore trust = KeyStore.getInstance("PKCS12");
		trust.load(null, null);
		try (InputStream certificate = new ClassPathResource("tls/server-cert.pem").getInputStream()) {
			trust.setCertificateEntry("server", CertificateFactory.getInstance("X.509").generateCertificate(certificate));
		}
		Path truststore = dir.resolve("trust.p12");
		try (OutputStream out = Files.newOutputStream(truststore)) {
			trust.store(out, "changeit".toCharArray());
		}
		this.runner
			.withPropertyValues("eventbus.kafka.security.protocol=SSL",
					"eventbus.kafka.security.truststore-location=" + truststore,
					"eventbus.kafka.security.truststore-password=changeit",
					"eventbus.kafka.security.truststore-type=PKCS12")
			.run((context) -> {
				KafkaOptions configured = context.getBean(KafkaOptions.class);
				assertThat(configured.security().sslContext()).isNull();
				assertThat(KafkaClientFactories.producerConfig(configured))
					.containsEntry(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, truststore.toString())
					.doesNotContainKey(SslConfigs.SSL_ENGINE_FACTORY_CLASS_CONFIG);
				try (TlsEndpoint endpoint = new TlsEndpoint(
						context.getBean(SslBundles.class).getBundle("server").createSslContext())) {
					KafkaOptions options = configured.toBuilder()
						.bootstrapServers(List.of("127.0.0.1:" + endpoint.port()))
						.build();
					try (Admin admin = Admin.create(KafkaClientFactories.adminConfig(options))) {
						admin.describeCluster();
						await().atMost(Duration.ofSeconds(20)).until(() -> !endpoint.handshakes.isEmpty());
						admin.close(Duration.ZERO);
					}
				}
			});
	}

	@Test
	void missingTrustStoreFileFailsAtStartupNamingThePathAndTheProperty() {
		this.runner
			.withPropertyValues("eventbus.kafka.security.protocol=SSL",
					"eventbus.kafka.security.truststore-location=/nonexistent/eventbus/kafka-trust.p12")
			.run((context) -> {
				EventBusConfigurationException failure = configurationFailure(context.getStartupFailure());
				assertThat(failure.property()).isEqualTo("eventbus.kafka.security.truststore-location");
				assertThat(failure.getMessage()).contains(
						"eventbus.kafka.security.truststore-location '/nonexistent/eventbus/kafka-trust.p12' does not exist");
			});
	}

	private static EventBusConfigurationException configurationFailure(Throwable failure) {
		assertThat(failure).isNotNull();
		Throwable cause = failure;
		while (!(cause instanceof EventBusConfigurationException) && cause.getCause() != null) {
			cause = cause.getCause();
		}
		assertThat(cause).isInstanceOf(EventBusConfigurationException.class);
		return (EventBusConfigurationException) cause;
	}

	/** Accepts TLS connections on a free port and records which handshakes completed or failed. */
	static final class TlsEndpoint implements AutoCloseable {

		final List<String> handshakes = new CopyOnWriteArrayList<>();

		final List<Throwable> failures = new CopyOnWriteArrayList<>();

		private final SSLServerSocket socket;

		private final Thread acceptor;

		TlsEndpoint(SSLContext context) throws IOException {
			this.socket = (SSLServerSocket) context.getServerSocketFactory()
				.createServerSocket(0, 50, InetAddress.getLoopbackAddress());
			this.acceptor = new Thread(this::accept, "tls-endpoint");
			this.acceptor.setDaemon(true);
			this.acceptor.start();
		}

		int port() {
			return this.socket.getLocalPort();
		}

		private void accept() {
			while (!this.socket.isClosed()) {
				try (SSLSocket client = (SSLSocket) this.socket.accept()) {
					client.setSoTimeout(10_000);
					try {
						client.startHandshake();
						this.handshakes.add(client.getSession().getProtocol());
					}
					catch (IOException ex) {
						this.failures.add(ex);
					}
				}
				catch (SocketException closed) {
					return;
				}
				catch (IOException ex) {
					this.failures.add(ex);
				}
			}
		}

		@Override
		public void close() throws IOException {
			this.socket.close();
		}

	}

}

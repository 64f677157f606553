package dev.eventbus.autoconfigure.nats;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.eventbus.autoconfigure.EventBusAutoConfiguration;
import dev.eventbus.autoconfigure.EventBusComponents;
import dev.eventbus.autoconfigure.EventBusConfigurationException;
import dev.eventbus.autoconfigure.EventBusMemoryAutoConfiguration;
import dev.eventbus.autoconfigure.ScenarioEnvironmentPostProcessor;
import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.api.PublishReceipt;
import dev.eventbus.core.nats.NatsEventBus;
import dev.eventbus.test.broker.NatsServerProcess;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code eventbus.nats.tls.bundle} against a nats-server that requires TLS with the self-signed
 * certificate in {@code src/test/resources/tls}: the JVM does not trust it, so only the bundle's
 * trust material lets the bus connect.
 */
class NatsSslBundleTests {

	static final NatsServerProcess server = NatsServerProcess.launch("--tls", "--tlscert",
			resource("tls/server-cert.pem"), "--tlskey", resource("tls/server-key.pem"));

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, EventBusMemoryAutoConfiguration.class,
				EventBusNatsAutoConfiguration.class, EventBusAutoConfiguration.class))
		.withInitializer((context) -> ScenarioEnvironmentPostProcessor.apply(context.getEnvironment()))
		.withPropertyValues("spring.application.name=nats-tls", "eventbus.executor.workers=2",
				"eventbus.shutdown-timeout=1s", "eventbus.executor.shutdown-timeout=1s", "eventbus.transport=nats",
				"eventbus.nats.servers=" + server.url(), "eventbus.nats.connection-timeout=2s",
				"eventbus.nats.max-reconnects=0",
				"spring.ssl.bundle.pem.nats-server.truststore.certificate=classpath:tls/server-cert.pem",
				"spring.ssl.bundle.pem.other.truststore.certificate=classpath:tls/other-cert.pem");

	@AfterAll
	static void stop() {
		server.close();
	}

	@Test
	void busConnectsOverTlsWithTheBundlesTrustMaterialAndPublishes() {
		this.runner.withPropertyValues("eventbus.nats.tls.bundle=nats-server").run((context) -> {
			assertThat(context).hasNotFailed();
			NatsEventBus bus = (NatsEventBus) EventBusComponents.unwrap(context.getBean(EventBus.class));
			assertThat(bus.connectionStatus().connected()).isTrue();
			PublishReceipt receipt = context.getBean(EventBus.class)
				.publish("nats-tls-" + System.nanoTime(), "TlsChecked", "{}")
				.get(10, TimeUnit.SECONDS);
			assertThat(receipt).isNotNull();
		});
	}

	@Test
	void withoutTheBundleTheServerCertificateIsNotTrusted() {
		this.runner.withPropertyValues("eventbus.nats.tls.enabled=true").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(configurationFailure(context.getStartupFailure()).property()).isEqualTo("eventbus.nats.servers");
		});
	}

	@Test
	void bundleThatDoesNotTrustTheServerFailsNamingTheBundle() {
		this.runner.withPropertyValues("eventbus.nats.tls.bundle=other").run((context) -> {
			assertThat(context).hasFailed();
			EventBusConfigurationException failure = configurationFailure(context.getStartupFailure());
			assertThat(failure.property()).isEqualTo("eventbus.nats.tls.bundle");
			assertThat(failure.getMessage()).contains("'other'").contains("127.0.0.1:" + server.port());
			assertThat(failure.action()).contains("spring.ssl.bundle");
		});
	}

	@Test
	void unknownBundleFailsNamingThePropertyAndTheName() {
		this.runner.withPropertyValues("eventbus.nats.tls.bundle=missing").run((context) -> {
			assertThat(context).hasFailed();
			EventBusConfigurationException failure = configurationFailure(context.getStartupFailure());
			assertThat(failure.property()).isEqualTo("eventbus.nats.tls.bundle");
			assertThat(failure.getMessage()).contains("eventbus.nats.tls.bundle", "'missing'", "nats-server", "other");
		});
	}

	@Test
	void bundleTogetherWithATrustStoreFailsNamingBoth() {
		this.runner
			.withPropertyValues("eventbus.nats.tls.bundle=nats-server", "eventbus.nats.tls.truststore-path=/tmp/trust.jks")
			.run((context) -> {
				assertThat(context).hasFailed();
				EventBusConfigurationException failure = configurationFailure(context.getStartupFailure());
				assertThat(failure.property()).contains("eventbus.nats.tls.bundle", "eventbus.nats.tls.truststore-path");
				assertThat(failure.getMessage()).contains("eventbus.nats.tls.bundle", "'nats-server'",
						"eventbus.nats.tls.truststore-path");
			});
	}

	@Test
	void trustStorePropertiesKeepWorkingWithoutABundle(@TempDir Path dir) throws Exception {
		KeyStore trust = KeyStore.getInstance("PKCS12");
		trust.load(null, null);
		try (InputStream certificate = Files.newInputStream(Path.of(resource("tls/server-cert.pem")))) {
			trust.setCertificateEntry("server", CertificateFactory.getInstance("X.509").generateCertificate(certificate));
		}
		Path truststore = dir.resolve("trust.p12");
		try (OutputStream out = Files.newOutputStream(truststore)) {
			trust.store(out, "changeit".toCharArray());
		}
		this.runner
			.withPropertyValues("eventbus.nats.tls.truststore-path=" + truststore,
					"eventbus.nats.tls.truststore-password=changeit")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				NatsEventBus bus = (NatsEventBus) EventBusComponents.unwrap(context.getBean(EventBus.class));
				assertThat(bus.connectionStatus().connected()).isTrue();
			});
	}

	@Test
	void trustStoreThatDoesNotHoldTheServerCertificateFailsNamingThePathAndTheProperty(@TempDir Path dir)
			throws Exception {
		KeyStore trust = KeyStore.getInstance("PKCS12");
		trust.load(null, null);
		try (InputStream certificate = Files.newInputStream(Path.of(resource("tls/other-cert.pem")))) {
			trust.setCertificateEntry("other", CertificateFactory.getInstance("X.509").generateCertificate(certificate));
		}
		Path truststore = dir.resolve("other-trust.p12");
		try (OutputStream out = Files.newOutputStream(truststore)) {
			trust.store(out, "changeit".toCharArray());
		}
		this.runner
			.withPropertyValues("eventbus.nats.tls.truststore-path=" + truststore,
					"eventbus.nats.tls.truststore-password=changeit")
			.run((context) -> {
				assertThat(context).hasFailed();
				EventBusConfigurationException failure = configurationFailure(context.getStartupFailure());
				assertThat(failure.property()).isEqualTo("eventbus.nats.tls.truststore-path");
				assertThat(failure.getMessage()).contains("TLS handshake with",
						"the server certificate is not trusted by the truststore at " + truststore
								+ " (eventbus.nats.tls.truststore-path)",
						"Cause chain: ");
			});
	}

	@Test
	void missingTrustStoreFileFailsAtStartupNamingThePathAndTheProperty() {
		this.runner.withPropertyValues("eventbus.nats.tls.truststore-path=/nonexistent/eventbus/nats-trust.p12")
			.run((context) -> {
				assertThat(context).hasFailed();
				EventBusConfigurationException failure = configurationFailure(context.getStartupFailure());
				assertThat(failure.property()).isEqualTo("eventbus.nats.tls.truststore-path");
				assertThat(failure.getMessage()).contains(
						"eventbus.nats.tls.truststore-path '/nonexistent/eventbus/nats-trust.p12' does not exist");
			});
	}

	static EventBusConfigurationException configurationFailure(Throwable failure) {
		Throwable cause = failure;
		while (!(cause instanceof EventBusConfigurationException) && cause.getCause() != null) {
			cause = cause.getCause();
		}
		assertThat(cause).isInstanceOf(EventBusConfigurationException.class);
		return (EventBusConfigurationException) cause;
	}

	private static String resource(String name) {
		try {
			return Path.of(NatsSslBundleTests.class.getClassLoader().getResource(name).toURI()).toString();
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
	}

}

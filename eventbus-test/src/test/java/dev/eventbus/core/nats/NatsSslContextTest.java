package dev.eventbus.core.nats;

import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.eventbus.core.api.EventBusException;
import dev.eventbus.test.broker.NatsServerProcess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * {@link NatsOptions#sslContext()} against a nats-server that requires TLS with a self-signed
 * certificate ({@code src/test/resources/tls}): a context trusting it connects; one that does not
 * fails with an error that names the failed handshake, the untrusted server certificate and what
 * should have trusted it (with its property), which jnats reports only to the error listener; the
 * same for a trust store file ({@code truststore-path}); a missing store file fails at build.
 */
class NatsSslContextTest {

	private static NatsServerProcess server;

	@BeforeAll
	static void startServer() {
		server = NatsServerProcess.launch("--tls", "--tlscert", resource("tls/server-cert.pem"), "--tlskey",
				resource("tls/server-key.pem"));
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	@Test
	void contextTrustingTheServerConnects() throws Exception {
		try (NatsEventBus bus = NatsEventBus.builder(options(trusting("tls/server-cert.pem")))
			.shutdownTimeout(Duration.ofSeconds(1))
			.build()) {
			assertThat(bus.connectionStatus().connected()).isTrue();
		}
	}

	@Test
	void contextNotTrustingTheServerFailsNamingTheHandshake() throws Exception {
		EventBusException failure = catchThrowableOfType(EventBusException.class,
				() -> NatsEventBus.builder(options(trusting("tls/other-cert.pem")))
					.shutdownTimeout(Duration.ofSeconds(1))
					.build());
		assertThat(failure).hasMessageContaining("127.0.0.1:" + server.port())
			.hasMessageContaining("TLS handshake with [" + server.url() + "] failed: the server certificate is not "
					+ "trusted by the configured SSL context (eventbus.nats.tls.bundle")
			.hasMessageContaining("Cause chain: ")
			.hasMessageContaining("SSLHandshakeException")
			.hasMessageContaining("PKIX path");
		assertThat(failure.getSuppressed()).isNotEmpty();
		assertThat(failure.getSuppressed()[0]).hasCauseInstanceOf(SSLHandshakeException.class);
	}

	@Test
	void truststoreNotHoldingTheServerCertificateFailsNamingTheTruststoreAndItsProperty(@TempDir Path dir)
			throws Exception {
		String truststore = truststore(dir, "tls/other-cert.pem");
		EventBusException failure = catchThrowableOfType(EventBusException.class,
				() -> NatsEventBus.builder(options().truststorePath(truststore).truststorePassword("changeit").build())
					.shutdownTimeout(Duration.ofSeconds(1))
					.build());
		assertThat(failure).hasMessageContaining("TLS handshake with [" + server.url() + "] failed")
			.hasMessageContaining("the server certificate is not trusted by the truststore at " + truststore
					+ " (eventbus.nats.tls.truststore-path)")
			.hasMessageContaining("Cause chain: ")
			.hasMessageContaining("SSLHandshakeException")
			.hasMessageNotContaining("credentials");
	}

	@Test
	void truststoreHoldingTheServerCertificateConnects(@TempDir Path dir) throws Exception {
		String truststore = truststore(dir, "tls/server-cert.pem");
		try (NatsEventBus bus = NatsEventBus.builder(options().truststorePath(truststore).truststorePassword("changeit").build())
			.shutdownTimeout(Duration.ofSeconds(1))
			.build()) {
			assertThat(bus.connectionStatus().connected()).isTrue();
		}
	}

	@Test
	void missingTruststoreFileFailsAtBuildNamingThePathAndTheSetting() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> options().truststorePath("/nonexistent/eventbus/nats-trust.p12").build())
			.withMessageStartingWith("nats tls truststore-path '/nonexistent/eventbus/nats-trust.p12' does not exist");
	}

	@Test
	void missingKeystoreFileFailsAtBuildNamingThePathAndTheSetting() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> options().keystorePath("/nonexistent/eventbus/nats-client.p12").build())
			.withMessageStartingWith("nats tls keystore-path '/nonexistent/eventbus/nats-client.p12' does not exist");
	}

	private static NatsOptions.Builder options() {
		return NatsOptions.builder().servers(server.url()).connectionTimeout(Duration.ofSeconds(2)).maxReconnects(0);
	}

	/** A PKCS12 trust store (password {@code changeit}) holding one certificate, as jnats' truststore-path reads it. */
	private static String truststore(Path dir, String certificate) throws Exception {
		KeyStore trust = KeyStore.getInstance("PKCS12");
		trust.load(null, null);
		try (InputStream in = NatsSslContextTest.class.getClassLoader().getResourceAsStream(certificate)) {
			trust.setCertificateEntry("server", CertificateFactory.getInstance("X.509").generateCertificate(in));
		}
		Path file = dir.resolve("trust.p12");
		try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(file)) {
			trust.store(out, "changeit".toCharArray());
		}
		return file.toString();
	}

	private static NatsOptions options(SSLContext context) {
		return NatsOptions.builder()
			.servers(server.url())
			.connectionTimeout(Duration.ofSeconds(2))
			.maxReconnects(0)
			.sslContext(context)
			.build();
	}

	private static SSLContext trusting(String certificate) throws Exception {
		KeyStore trust = KeyStore.getInstance("PKCS12");
		trust.load(null, null);
		try (InputStream in = NatsSslContextTest.class.getClassLoader().getResourceAsStream(certificate)) {
			trust.setCertificateEntry("server", CertificateFactory.getInstance("X.509").generateCertificate(in));
		}
		TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		trustManagers.init(trust);
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(null, trustManagers.getTrustManagers(), null);
		return context;
	}

	private static String resource(String name) {
		try {
			return Path.of(NatsSslContextTest.class.getClassLoader().getResource(name).toURI()).toString();
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
	}

}

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

import dev.eventbus.core.api.EventBusException;
import dev.eventbus.test.broker.NatsServerProcess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * {@link NatsOptions#sslContext()} against a nats-server that requires TLS with a self-signed
 * certificate ({@code src/test/resources/tls}): a context trusting it connects; one that does not
 * fails with an error that names the failed handshake, which jnats reports only to the error
 * listener.
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
			.hasMessageContaining("last connection error")
			.hasMessageContaining("SSLHandshakeException");
		assertThat(failure.getSuppressed()).isNotEmpty();
		assertThat(failure.getSuppressed()[0]).hasCauseInstanceOf(SSLHandshakeException.class);
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

package dev.eventbus.core.kafka;

import java.security.KeyStore;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.security.auth.SslEngineFactory;
import org.jspecify.annotations.Nullable;

/**
 * A Kafka {@link SslEngineFactory} that creates the clients' TLS engines from the
 * {@link KafkaSecurityOptions#sslContext() SSL context} of the bus's options, for key and trust
 * material that is not in files (a Spring Boot SSL bundle, an SSL context built in code).
 * {@link KafkaClientFactories} names it in {@code ssl.engine.factory.class} and passes the context
 * in the client configuration under {@link #SSL_CONTEXT_CONFIG}; the client instantiates it. The
 * client's {@code ssl.enabled.protocols} and {@code ssl.cipher.suites} apply to every engine, its
 * {@code ssl.endpoint.identification.algorithm} arrives per connection. Client side only.
 */
public final class SslContextEngineFactory implements SslEngineFactory {

	/** Client configuration key under which the {@link SSLContext} is passed. */
	public static final String SSL_CONTEXT_CONFIG = "eventbus.ssl.context";

	private @Nullable SSLContext sslContext;

	private @Nullable List<String> enabledProtocols;

	private @Nullable List<String> cipherSuites;

	/** Created by the Kafka client from {@code ssl.engine.factory.class}. */
	public SslContextEngineFactory() {
	}

	@Override
	public void configure(Map<String, ?> configs) {
		Object context = configs.get(SSL_CONTEXT_CONFIG);
		if (!(context instanceof SSLContext sslContext)) {
			throw new IllegalArgumentException(SSL_CONTEXT_CONFIG + " must hold the javax.net.ssl.SSLContext of "
					+ "kafka.security.sslContext but was " + ((context != null) ? context.getClass().getName() : "unset"));
		}
		this.sslContext = sslContext;
		this.enabledProtocols = strings(configs.get(SslConfigs.SSL_ENABLED_PROTOCOLS_CONFIG));
		this.cipherSuites = strings(configs.get(SslConfigs.SSL_CIPHER_SUITES_CONFIG));
	}

	@Override
	public SSLEngine createClientSslEngine(String peerHost, int peerPort, String endpointIdentification) {
		SSLContext context = this.sslContext;
		if (context == null) {
			throw new IllegalStateException("SslContextEngineFactory was not configured");
		}
		SSLEngine engine = context.createSSLEngine(peerHost, peerPort);
		engine.setUseClientMode(true);
		if (this.enabledProtocols != null && !this.enabledProtocols.isEmpty()) {
			engine.setEnabledProtocols(this.enabledProtocols.toArray(String[]::new));
		}
		if (this.cipherSuites != null && !this.cipherSuites.isEmpty()) {
			engine.setEnabledCipherSuites(this.cipherSuites.toArray(String[]::new));
		}
		SSLParameters parameters = engine.getSSLParameters();
		if (endpointIdentification != null && !endpointIdentification.isEmpty()) {
			parameters.setEndpointIdentificationAlgorithm(endpointIdentification);
		}
		engine.setSSLParameters(parameters);
		return engine;
	}

	@Override
	public SSLEngine createServerSslEngine(String peerHost, int peerPort) {
		throw new UnsupportedOperationException("SslContextEngineFactory creates client engines only");
	}

	@Override
	public boolean shouldBeRebuilt(Map<String, Object> nextConfigs) {
		return nextConfigs.get(SSL_CONTEXT_CONFIG) != this.sslContext;
	}

	@Override
	public Set<String> reconfigurableConfigs() {
		return Set.of();
	}

	@Override
	public @Nullable KeyStore keystore() {
		return null;
	}

	@Override
	public @Nullable KeyStore truststore() {
		return null;
	}

	@Override
	public void close() {
		this.sslContext = null;
	}

	private static @Nullable List<String> strings(@Nullable Object value) {
		if (value instanceof Collection<?> values) {
			return values.stream().map(String::valueOf).map(String::trim).filter((v) -> !v.isEmpty()).toList();
		}
		if (value instanceof String text) {
			return List.of(text.split(",")).stream().map(String::trim).filter((v) -> !v.isEmpty()).toList();
		}
		return null;
	}

}

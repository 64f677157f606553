package dev.eventbus.autoconfigure.nats;

import java.security.cert.CertificateException;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.net.ssl.SSLException;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import dev.eventbus.autoconfigure.EventBusComponents;
import dev.eventbus.autoconfigure.EventBusConfigurationException;
import dev.eventbus.autoconfigure.EventBusOptionsErrors;
import dev.eventbus.autoconfigure.EventBusProperties;
import dev.eventbus.autoconfigure.EventBusTransportProbe;
import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.api.EventBusException;
import dev.eventbus.core.nats.NatsConnectionStatus;
import dev.eventbus.core.nats.NatsEventBus;
import dev.eventbus.core.nats.NatsOptions;
import dev.eventbus.core.support.ServerUrls;

/**
 * The NATS JetStream transport, selected by {@code eventbus.transport=nats} when jnats is on the
 * classpath. Beans: {@code eventBusNatsOptions} ({@link NatsOptions} from {@code eventbus.nats.*},
 * the scenario and the {@link EventBusNatsOptionsCustomizer}s), {@code eventBus} (a
 * {@link NatsEventBus} behind the publish circuit breaker) and {@code eventBusTransportProbe}
 * (connection status and JetStream account information). The connection lives inside the bus: no
 * {@code io.nats.client.Connection} bean is registered; {@link EventBusNatsConnectionOptionsCustomizer}
 * beans adjust its jnats options, in their {@code @Order}. A {@link NatsConnectionDetails} bean
 * replaces {@code eventbus.nats.servers} (and the credentials it returns); {@code eventbus.nats.tls.bundle}
 * takes the connection's SSL context from a Spring Boot SSL bundle.
 */
@AutoConfiguration
@ConditionalOnClass(name = "io.nats.client.Nats")
@ConditionalOnProperty(name = "eventbus.transport", havingValue = "nats")
@EnableConfigurationProperties({ EventBusProperties.class, EventBusNatsProperties.class })
@Import(EventBusNatsAutoConfiguration.NatsBusConfiguration.class)
public final class EventBusNatsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	NatsOptions eventBusNatsOptions(EventBusNatsProperties properties, EventBusProperties busProperties,
			ObjectProvider<EventBusNatsOptionsCustomizer> customizers, ObjectProvider<SslBundles> sslBundles,
			ObjectProvider<NatsConnectionDetails> connectionDetails) {
		NatsOptions.Builder builder = NatsOptionsMapper.map(properties, sslBundles.getIfAvailable());
		NatsConnectionDetails details = connectionDetails.getIfAvailable();
		if (details != null) {
			builder.servers(details.getServers());
			if (details.getUsername() != null) {
				builder.username(details.getUsername());
			}
			if (details.getPassword() != null) {
				builder.password(details.getPassword());
			}
			if (details.getToken() != null) {
				builder.token(details.getToken());
			}
		}
		String deadLetterSuffix = busProperties.getDeadLetter().getSuffix();
		if (deadLetterSuffix != null) {
			builder.deadLetterSuffix(deadLetterSuffix);
		}
		customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
		try {
			return builder.build();
		}
		catch (IllegalArgumentException ex) {
			throw EventBusOptionsErrors.translate("eventbus.nats", ex);
		}
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(EventBus.class)
	static class NatsBusConfiguration {

		@Bean
		EventBus eventBus(NatsOptions eventBusNatsOptions, EventBusComponents components,
				ObjectProvider<EventBusNatsConnectionOptionsCustomizer> connectionOptionsCustomizers,
				EventBusNatsProperties properties) {
			NatsEventBus.Builder builder = NatsEventBus.builder(eventBusNatsOptions).settings(components.settings());
			connectionOptionsCustomizers.orderedStream()
				.forEach((customizer) -> builder.connectionOptionsCustomizer(customizer::customize));
			NatsEventBus bus;
			try {
				bus = builder.build();
			}
			catch (EventBusException ex) {
				String bundle = properties.getTls().getBundle();
				if (bundle != null && !bundle.isBlank() && tlsFailure(ex)) {
					throw new EventBusConfigurationException(NatsOptionsMapper.TLS_BUNDLE,
							"The NATS transport could not complete the TLS handshake with "
									+ ServerUrls.redact(eventBusNatsOptions.servers()) + " using SSL bundle '" + bundle
									+ "' (" + NatsOptionsMapper.TLS_BUNDLE + "): " + ServerUrls.redact(ex.getMessage()),
							"Make the trust material of spring.ssl.bundle.*." + bundle
									+ " include the certificate (or its issuer) the server presents, and its key material "
									+ "a client certificate the server accepts, or set " + NatsOptionsMapper.TLS_BUNDLE
									+ " to a bundle that does.",
							ex);
				}
				String truststore = properties.getTls().getTruststorePath();
				if (truststore != null && !truststore.isBlank() && tlsFailure(ex)) {
					throw new EventBusConfigurationException("eventbus.nats.tls.truststore-path",
							"The NATS transport could not complete the TLS handshake with "
									+ ServerUrls.redact(eventBusNatsOptions.servers()) + ": "
									+ ServerUrls.redact(ex.getMessage()),
							"Add the certificate the server presents (or its issuer) to the trust store at " + truststore
									+ ", or point eventbus.nats.tls.truststore-path at a trust store that holds it.",
							ex);
				}
				throw new EventBusConfigurationException("eventbus.nats.servers",
						"The NATS transport could not start on " + ServerUrls.redact(eventBusNatsOptions.servers())
								+ ": " + ServerUrls.redact(ex.getMessage()),
						"Start the NATS server (with JetStream enabled, nats-server -js) or point eventbus.nats.servers "
								+ "(or the NatsConnectionDetails bean) at a reachable one; check eventbus.nats credentials "
								+ "and TLS settings.",
						ex);
			}
			return components.decorate(bus);
		}

		/**
		 * Whether connecting failed in the TLS handshake: jnats reports the handshake's exception to the
		 * error listener, which the bus attaches as a suppressed exception.
		 */
		private static boolean tlsFailure(@Nullable Throwable failure) {
			for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
				if (cause instanceof SSLException || cause instanceof CertificateException) {
					return true;
				}
				for (Throwable suppressed : cause.getSuppressed()) {
					if (tlsFailure(suppressed)) {
						return true;
					}
				}
			}
			return false;
		}

		@Bean
		@ConditionalOnMissingBean(name = "eventBusTransportProbe")
		EventBusTransportProbe eventBusTransportProbe(EventBus eventBus) {
			return (timeout) -> {
				if (!(EventBusComponents.unwrap(eventBus) instanceof NatsEventBus nats)) {
					return Map.of();
				}
				NatsConnectionStatus status = nats.connectionStatus();
				if (!status.connected()) {
					throw new IllegalStateException("NATS connection is " + status.state()
							+ ((status.lastError() != null) ? " (last error: " + ServerUrls.redact(status.lastError()) + ")"
									: ""));
				}
				Map<String, Object> details = new LinkedHashMap<>();
				details.put("server", ServerUrls.redact(status.serverUrl()));
				details.put("reconnects", status.reconnects());
				details.put("jetStream", nats.jetStreamAccount());
				return details;
			};
		}

	}

}

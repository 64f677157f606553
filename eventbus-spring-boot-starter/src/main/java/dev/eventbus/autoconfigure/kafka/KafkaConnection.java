package dev.eventbus.autoconfigure.kafka;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.ssl.SslBundle;

/**
 * Where the Kafka transport connects when a connection-details bean says so (Spring Boot's
 * {@code KafkaConnectionDetails}, read by {@link BootKafkaConnectionDetails}): its bootstrap
 * servers replace {@code eventbus.kafka.bootstrap-servers}, a non-null security protocol replaces
 * {@code eventbus.kafka.security.protocol} and a non-null SSL bundle replaces
 * {@code eventbus.kafka.ssl.bundle} and the trust store / key store properties.
 *
 * @param bootstrapServers host:port pairs, at least one
 * @param securityProtocol the security protocol, or null to keep the property
 * @param sslBundle the TLS material, or null to keep the properties
 * @param source what supplied them, for error messages
 */
record KafkaConnection(List<String> bootstrapServers, @Nullable String securityProtocol,
		@Nullable SslBundle sslBundle, String source) {

	/**
	 * Supplies the connection, or null to use the properties; a bean of this type exists only when
	 * spring-boot-kafka is on the classpath.
	 */
	@FunctionalInterface
	interface Source {

		@Nullable KafkaConnection connection();

	}

}

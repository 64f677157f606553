package dev.eventbus.autoconfigure.kafka;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;

import dev.eventbus.autoconfigure.EventBusConfigurationException;

/**
 * Reads Spring Boot's {@link KafkaConnectionDetails} (module spring-boot-kafka) for the Kafka
 * transport. Only a bean the application or a service connection ({@code @ServiceConnection},
 * Docker Compose) contributes counts: the one Spring Boot's {@code KafkaAutoConfiguration} derives
 * from {@code spring.kafka.*} is ignored, so {@code eventbus.kafka.bootstrap-servers} keeps winning
 * over {@code spring.kafka.bootstrap-servers} (which the transport reads itself as the fallback).
 * The top-level values are used for every client the bus creates (producer, consumers, admin).
 */
final class BootKafkaConnectionDetails {

	/** Spring Boot's package-private details built from spring.kafka.* properties. */
	static final String PROPERTIES_DETAILS = "org.springframework.boot.kafka.autoconfigure.PropertiesKafkaConnectionDetails";

	private final ObjectProvider<KafkaConnectionDetails> details;

	BootKafkaConnectionDetails(ObjectProvider<KafkaConnectionDetails> details) {
		this.details = details;
	}

	/**
	 * @return the connection a details bean supplies, or null when there is none (or only Spring
	 * Boot's properties-based one)
	 */
	@Nullable KafkaConnection connection() {
		KafkaConnectionDetails bean = this.details.getIfAvailable();
		if (bean == null || bean.getClass().getName().equals(PROPERTIES_DETAILS)) {
			return null;
		}
		String source = "the KafkaConnectionDetails bean (" + bean.getClass().getName() + ")";
		List<String> servers = bean.getBootstrapServers();
		if (servers == null || servers.isEmpty() || servers.stream().allMatch((server) -> server.isBlank())) {
			throw new EventBusConfigurationException("eventbus.kafka.bootstrap-servers",
					source + " returns no bootstrap servers; it replaces eventbus.kafka.bootstrap-servers",
					"Make getBootstrapServers() of the KafkaConnectionDetails bean return the brokers' host:port "
							+ "pairs, or remove the bean to use eventbus.kafka.bootstrap-servers.");
		}
		String protocol = bean.getSecurityProtocol();
		return new KafkaConnection(new ArrayList<>(servers), (protocol == null || protocol.isBlank()) ? null : protocol,
				bean.getSslBundle(), source);
	}

}

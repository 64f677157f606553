package dev.eventbus.autoconfigure.nats;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;

/**
 * Where the NATS transport connects, in the manner of Spring Boot's connection details: when a bean
 * of this type exists its servers replace {@code eventbus.nats.servers}, and each credential it
 * returns (not null) replaces the matching {@code eventbus.nats.*} property. Everything else
 * (TLS, timeouts, streams) still comes from the properties. Define one to point the bus at a server
 * found at run time, for example a test container or a service registry entry.
 */
public interface NatsConnectionDetails extends ConnectionDetails {

	/**
	 * @return server URLs such as {@code nats://host:4222}; at least one
	 */
	List<String> getServers();

	/**
	 * @return the user name, or null to keep {@code eventbus.nats.username}
	 */
	default @Nullable String getUsername() {
		return null;
	}

	/**
	 * @return the password, or null to keep {@code eventbus.nats.password}
	 */
	default @Nullable String getPassword() {
		return null;
	}

	/**
	 * @return the authentication token, or null to keep {@code eventbus.nats.token}
	 */
	default @Nullable String getToken() {
		return null;
	}

}

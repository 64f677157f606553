package dev.eventbus.core.nats;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A snapshot of the bus's NATS connection, for health checks and diagnostics.
 *
 * @param state jnats connection status: {@code CONNECTED}, {@code DISCONNECTED}, {@code RECONNECTING},
 * {@code CONNECTING} or {@code CLOSED}
 * @param serverUrl URL of the server connected to, or null while disconnected
 * @param lastEvent last connection event ({@code CONNECTED}, {@code DISCONNECTED}, {@code RECONNECTED},
 * ...), or null before the first
 * @param lastEventTime when the last event happened, or null before the first
 * @param reconnects reconnects since the bus started
 * @param lastError last asynchronous error reported by the client, or null
 */
public record NatsConnectionStatus(String state, @Nullable String serverUrl, @Nullable String lastEvent,
		@Nullable Instant lastEventTime, long reconnects, @Nullable String lastError) {

	/** @return whether the connection is up */
	public boolean connected() {
		return "CONNECTED".equals(this.state);
	}

}

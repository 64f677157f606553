package dev.eventbus.core.nats;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamSubscription;
import io.nats.client.support.Status;

import dev.eventbus.core.support.ServerUrls;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs the connection's events (with the connection name and server URL) and keeps the last one for
 * {@link NatsConnectionStatus}. Called on jnats' connection and callback threads; fields are
 * volatile, read by any thread.
 */
final class NatsConnectionMonitor implements ConnectionListener, ErrorListener {

	private static final Logger logger = LoggerFactory.getLogger(NatsConnectionMonitor.class);

	private final String connectionName;

	private volatile @Nullable String lastEvent;

	private volatile @Nullable Instant lastEventTime;

	private volatile @Nullable String lastError;

	private volatile @Nullable Exception lastException;

	private final AtomicLong reconnects = new AtomicLong();

	NatsConnectionMonitor(String connectionName) {
		this.connectionName = connectionName;
	}

	@Override
	public void connectionEvent(Connection connection, Events event) {
		this.lastEvent = event.name();
		this.lastEventTime = Instant.now();
		String url = ServerUrls.redact(connection.getConnectedUrl());
		switch (event) {
			case CONNECTED -> logger.info("NATS connection '{}' connected to {}", this.connectionName, url);
			case RECONNECTED -> {
				this.reconnects.incrementAndGet();
				logger.info("NATS connection '{}' reconnected to {}", this.connectionName, url);
			}
			case DISCONNECTED -> logger.warn("NATS connection '{}' disconnected from {}; reconnecting with the same "
					+ "settings", this.connectionName, (url != null) ? url : ServerUrls.redact(connection.getServers()));
			case CLOSED -> logger.info("NATS connection '{}' closed", this.connectionName);
			case LAME_DUCK -> logger.warn("NATS connection '{}': server {} entered lame duck mode", this.connectionName,
					url);
			default -> logger.debug("NATS connection '{}' event {} ({})", this.connectionName, event, url);
		}
	}

	@Override
	public void errorOccurred(Connection connection, String error) {
		this.lastError = ServerUrls.redact(error);
		logger.warn("NATS connection '{}' error from {}: {}", this.connectionName,
				ServerUrls.redact(connection.getConnectedUrl()), this.lastError);
	}

	@Override
	public void exceptionOccurred(Connection connection, Exception exception) {
		this.lastError = ServerUrls.describe(exception);
		this.lastException = exception;
		logger.warn("NATS connection '{}' exception ({}): {}", this.connectionName,
				ServerUrls.redact(connection.getConnectedUrl()), this.lastError);
	}

	@Override
	public void pullStatusError(Connection connection, JetStreamSubscription subscription, Status status) {
		this.lastError = status.toString();
		logger.warn("NATS connection '{}' pull error on {}: {}", this.connectionName, subscription.getSubject(),
				status);
	}

	/** @return the last exception jnats reported (a failed TLS handshake, for example), or null */
	@Nullable Exception lastException() {
		return this.lastException;
	}

	NatsConnectionStatus status(@Nullable Connection connection) {
		String state = (connection != null) ? connection.getStatus().name() : "CLOSED";
		String url = (connection != null && connection.getStatus() == Connection.Status.CONNECTED)
				? ServerUrls.redact(connection.getConnectedUrl()) : null;
		return new NatsConnectionStatus(state, url, this.lastEvent, this.lastEventTime, this.reconnects.get(),
				this.lastError);
	}

}

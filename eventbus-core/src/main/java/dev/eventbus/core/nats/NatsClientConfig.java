package dev.eventbus.core.nats;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

import dev.eventbus.core.support.ServerUrls;
import dev.eventbus.core.support.TlsFailures;
import io.nats.client.AuthHandler;
import io.nats.client.ConnectionListener;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamOptions;
import io.nats.client.NKey;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.ReplayPolicy;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;

/**
 * Maps {@link NatsOptions} onto the jnats configuration types: the connection {@link Options}, the
 * {@link StreamConfiguration} of a topic's stream and the {@link ConsumerConfiguration} of a durable
 * pull consumer. Stateless.
 */
final class NatsClientConfig {

	private NatsClientConfig() {
	}

	/**
	 * @param options the bus settings
	 * @param connectionListener told about connects, disconnects and reconnects
	 * @param errorListener told about asynchronous errors
	 * @return the jnats connection options; jnats reuses them for every reconnect
	 */
	static Options connectionOptions(NatsOptions options, ConnectionListener connectionListener,
			ErrorListener errorListener) {
		return connectionOptionsBuilder(options, connectionListener, errorListener).build();
	}

	/**
	 * @param options the bus settings
	 * @param connectionListener told about connects, disconnects and reconnects
	 * @param errorListener told about asynchronous errors
	 * @return a jnats options builder with every setting derived from the options, for the bus's
	 * connection options customizers to adjust before it is built
	 */
	static Options.Builder connectionOptionsBuilder(NatsOptions options, ConnectionListener connectionListener,
			ErrorListener errorListener) {
		Options.Builder builder = new Options.Builder().servers(options.servers().toArray(String[]::new))
			.connectionName(options.connectionName())
			.reconnectWait(options.reconnectWait())
			.maxReconnects(options.maxReconnects())
			.pingInterval(options.pingInterval())
			.connectionTimeout(options.connectionTimeout())
			.maxMessagesInOutgoingQueue(options.outgoingQueueSize())
			.requestCleanupInterval(requestCleanupInterval(options))
			.connectionListener(connectionListener)
			.errorListener(errorListener);
		if (options.credentialsFile() != null) {
			builder.authHandler(Nats.credentials(options.credentialsFile()));
		}
		if (options.token() != null) {
			builder.token(options.token().toCharArray());
		}
		if (options.username() != null && options.password() != null) {
			builder.userInfo(options.username().toCharArray(), options.password().toCharArray());
		}
		if (options.nkeySeed() != null) {
			builder.authHandler(nkeyAuthHandler(options.nkeySeed()));
		}
		if (options.sslContext() != null) {
			builder.sslContext(options.sslContext());
		}
		else if (options.truststorePath() != null || options.keystorePath() != null) {
			if (options.truststorePath() != null) {
				builder.truststorePath(options.truststorePath());
				if (options.truststorePassword() != null) {
					builder.truststorePassword(options.truststorePassword().toCharArray());
				}
			}
			if (options.keystorePath() != null) {
				builder.keystorePath(options.keystorePath());
				if (options.keystorePassword() != null) {
					builder.keystorePassword(options.keystorePassword().toCharArray());
				}
			}
		}
		else if (options.tls()) {
			try {
				builder.secure();
			}
			catch (NoSuchAlgorithmException ex) {
				throw new IllegalStateException("nats tls: the JVM has no default SSL context", ex);
			}
		}
		return builder;
	}

	/**
	 * The message of a failed connect: the servers, the connection name and timeout, what jnats
	 * said, and the last connection error; a failed TLS handshake is named as such, with what should
	 * have trusted the server certificate and its property.
	 * @param options the bus settings
	 * @param failure what {@code Nats.connect} threw
	 * @param lastException the last error jnats reported to the error listener, or null
	 * @return the message
	 */
	static String connectFailureMessage(NatsOptions options, Exception failure, @Nullable Exception lastException) {
		String servers = ServerUrls.redact(options.servers());
		String message = "Could not connect to NATS " + servers + " as '" + options.connectionName()
				+ "' within connection-timeout " + options.connectionTimeout() + ": "
				+ ServerUrls.redact(failure.getMessage());
		Throwable tls = TlsFailures.isTls(lastException) ? lastException : TlsFailures.isTls(failure) ? failure : null;
		if (options.tls() && tls != null) {
			return message + ". " + TlsFailures.describe(tls, servers, trustDescription(options), null);
		}
		return message
				+ ((lastException != null) ? " (last connection error: " + ServerUrls.describe(lastException) + ")" : "")
				+ ". Check eventbus.nats.servers, the credentials and the TLS settings";
	}

	/**
	 * @param options the bus settings
	 * @return what checks the server certificate, naming its property
	 */
	static String trustDescription(NatsOptions options) {
		if (options.sslContext() != null) {
			return "the configured SSL context (eventbus.nats.tls.bundle, or NatsOptions.sslContext in code)";
		}
		if (options.truststorePath() != null) {
			return "the truststore at " + options.truststorePath() + " (eventbus.nats.tls.truststore-path)";
		}
		return "the JVM's default truststore (neither eventbus.nats.tls.truststore-path nor eventbus.nats.tls.bundle "
				+ "is set)";
	}

	/**
	 * How often jnats fails requests past their timeout: a quarter of the publish ack-timeout, between
	 * 100 ms and 1 s, so that a publish (a request whose timeout is the ack-timeout, see
	 * {@link NatsPublisher}) fails at most that much after it.
	 * @param options the bus settings
	 * @return the interval
	 */
	static Duration requestCleanupInterval(NatsOptions options) {
		long quarter = options.publish().ackTimeout().toMillis() / 4;
		return Duration.ofMillis(Math.max(100, Math.min(1000, quarter)));
	}

	/**
	 * @param options the bus settings
	 * @return JetStream context options (management request timeout)
	 */
	static JetStreamOptions jetStreamOptions(NatsOptions options) {
		return JetStreamOptions.builder().requestTimeout(options.requestTimeout()).build();
	}

	/**
	 * @param options stream settings
	 * @param streamName the stream name
	 * @param subject the subject the stream captures
	 * @return the stream configuration: the settings, discard per {@link NatsStreamOptions#discard()}
	 */
	static StreamConfiguration streamConfiguration(NatsStreamOptions options, String streamName, String subject) {
		return streamConfiguration(options, streamName, java.util.List.of(subject));
	}

	/**
	 * @param options stream settings
	 * @param streamName the stream's name
	 * @param subjects the subjects it captures (a topic's partitions)
	 * @return the stream configuration
	 */
	static StreamConfiguration streamConfiguration(NatsStreamOptions options, String streamName,
			java.util.List<String> subjects) {
		return StreamConfiguration.builder()
			.name(streamName)
			.subjects(subjects)
			.storageType((options.storage() == NatsStreamOptions.Storage.MEMORY) ? StorageType.Memory : StorageType.File)
			.retentionPolicy(switch (options.retention()) {
				case LIMITS -> RetentionPolicy.Limits;
				case INTEREST -> RetentionPolicy.Interest;
				case WORKQUEUE -> RetentionPolicy.WorkQueue;
			})
			.discardPolicy((options.discard() == NatsStreamOptions.Discard.OLD) ? DiscardPolicy.Old : DiscardPolicy.New)
			.maxAge(options.maxAge())
			.maxBytes(options.maxBytes())
			.maxMessages(options.maxMessages())
			.replicas(options.replicas())
			.duplicateWindow(options.duplicateWindow())
			.build();
	}

	/**
	 * @param options consumer settings
	 * @param durable durable name
	 * @param subject the subject to consume (filter)
	 * @return a durable pull consumer: explicit ack, deliver all, instant replay
	 */
	static ConsumerConfiguration consumerConfiguration(NatsConsumerOptions options, String durable, String subject) {
		return ConsumerConfiguration.builder()
			.durable(durable)
			.filterSubject(subject)
			.ackPolicy(AckPolicy.Explicit)
			.deliverPolicy(DeliverPolicy.All)
			.replayPolicy(ReplayPolicy.Instant)
			.ackWait(options.ackWait())
			.maxDeliver(options.maxDeliver())
			.maxAckPending(options.maxAckPending())
			.build();
	}

	private static AuthHandler nkeyAuthHandler(String seed) {
		NKey nkey = NKey.fromSeed(seed.toCharArray());
		char[] publicKey;
		try {
			publicKey = nkey.getPublicKey();
		}
		catch (GeneralSecurityException | IOException | RuntimeException ex) {
			throw new IllegalArgumentException("nats nkey-seed is not a valid NKey seed", ex);
		}
		return new AuthHandler() {

			@Override
			public byte[] sign(byte[] nonce) {
				try {
					return nkey.sign(nonce);
				}
				catch (GeneralSecurityException | IOException ex) {
					throw new IllegalStateException("nats nkey-seed: signing the server nonce failed", ex);
				}
			}

			@Override
			public char[] getID() {
				return publicKey;
			}

			@Override
			public char[] getJWT() {
				return null;
			}

		};
	}

}

package dev.eventbus.core.nats;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import dev.eventbus.core.api.EventBusException;
import dev.eventbus.core.api.PublishException;
import dev.eventbus.core.api.PublishReceipt;
import dev.eventbus.core.api.PublishRejectedException;
import dev.eventbus.core.api.PublishTimeoutException;
import dev.eventbus.core.codec.WireMessage;
import dev.eventbus.core.metrics.EventBusObserver;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamStatusException;
import io.nats.client.Message;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.nats.client.support.NatsRequestCompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Publishes wire messages to JetStream inside a bounded window of un-acknowledged publishes
 * ({@link NatsPublishOptions#maxInFlight()}). Thread-safe: any application thread publishes; jnats'
 * threads complete the futures and release the window.
 *
 * <p>A publish is a request with the ack-timeout ({@code Connection.requestWithTimeout}), the wire
 * message {@code JetStream.publishAsync} sends (subject, reply inbox, headers, payload), whose reply
 * is read as the PubAck here. Not {@code publishAsync} itself: jnats 2.26 gives its futures the
 * connection's request-cleanup-interval as timeout and ignores {@code PublishOptions.streamTimeout},
 * so an ack-timeout of 30 s failed publishes after 1 to 2 s.
 */
final class NatsPublisher {

	/** JetStream de-duplication header; its value is the event id. */
	static final String MSG_ID_HEADER = "Nats-Msg-Id";

	/** JetStream API error code: maximum messages exceeded. */
	private static final int MAX_MESSAGES_EXCEEDED = 10077;

	/** JetStream API error code: maximum bytes exceeded. */
	private static final int MAX_BYTES_EXCEEDED = 10078;

	private final Connection connection;

	private final NatsStreamProvisioner streams;

	private final NatsPublishOptions options;

	private final EventBusObserver observer;

	private final Supplier<String> connectionState;

	private final Semaphore window;

	private volatile boolean closed;

	NatsPublisher(Connection connection, NatsStreamProvisioner streams, NatsPublishOptions options,
			EventBusObserver observer, Supplier<String> connectionState) {
		this.connection = connection;
		this.streams = streams;
		this.options = options;
		this.observer = observer;
		this.connectionState = connectionState;
		this.window = new Semaphore(options.maxInFlight());
	}

	/**
	 * @param topic the topic (for receipts, meters and errors)
	 * @param streamSubject the topic's subject, whose stream is provisioned on first use
	 * @param partitions the topic's partition count (see {@link NatsPartitions})
	 * @param subject the subject to publish to: the topic's subject or one of its partitions
	 * @param messageId {@code Nats-Msg-Id}: JetStream stores a message id once per duplicate window
	 * @param message headers and payload
	 * @param bounded whether to wait for room in the window (false for dead letters, whose number is
	 * bounded by the messages in flight)
	 * @return completes on the PubAck, or exceptionally with a {@link PublishException}
	 */
	CompletableFuture<PublishReceipt> publish(String topic, String streamSubject, int partitions, String subject,
			String messageId, WireMessage message, boolean bounded) {
		long start = System.nanoTime();
		if (this.closed) {
			return failed(topic, start, new PublishRejectedException(topic,
					"NATS event bus is closed; publish to subject '" + subject + "' refused", null));
		}
		if (!this.streams.isKnown(streamSubject) && !"CONNECTED".equals(this.connectionState.get())) {
			// Provisioning needs the server; fail now instead of after several request timeouts.
			return failed(topic, start, new PublishException(topic, "NATS publish to subject '" + subject
					+ "' failed: its stream is not provisioned yet and the connection is "
					+ this.connectionState.get() + "; retry when the server is reachable", null));
		}
		try {
			this.streams.ensure(streamSubject, partitions);
		}
		catch (EventBusException ex) {
			return failed(topic, start, new PublishException(topic, ex.getMessage(), ex));
		}
		Headers headers;
		try {
			headers = headers(message, messageId);
		}
		catch (IllegalArgumentException ex) {
			// before a permit of the window is taken: a header jnats refuses cannot hold one
			return failed(topic, start, new PublishException(topic,
					"NATS publish to subject '" + subject + "' failed: a header was refused (" + ex.getMessage() + ")",
					ex));
		}
		if (bounded && !acquire()) {
			Duration maxBlock = this.options.maxBlock();
			return failed(topic, start, new PublishTimeoutException(topic, maxBlock, "NATS publish to subject '"
					+ subject + "' waited max-block " + maxBlock + " for room: " + this.options.maxInFlight()
					+ " publishes are un-acknowledged (eventbus.nats.publish.max-in-flight); the server is slow or "
					+ "unreachable (connection " + this.connectionState.get() + ")", null));
		}
		CompletableFuture<Message> reply;
		try {
			// jnats fails the future once ack-timeout has passed, at its next request cleanup (every
			// request-cleanup-interval, see NatsClientConfig)
			reply = this.connection.requestWithTimeout(subject, headers, message.payload(), this.options.ackTimeout());
		}
		catch (RuntimeException ex) {
			if (bounded) {
				this.window.release();
			}
			return failed(topic, start, new PublishException(topic,
					"NATS publish to subject '" + subject + "' failed: " + ex.getMessage(), ex));
		}
		CompletableFuture<PublishReceipt> receipt = new CompletableFuture<>();
		reply.whenComplete((response, error) -> {
			if (bounded) {
				this.window.release();
			}
			PublishException failure = null;
			PublishAck pubAck = null;
			if (error != null) {
				failure = translate(topic, subject, error, reply);
			}
			else {
				try {
					pubAck = pubAck(response);
				}
				catch (IOException | JetStreamApiException ex) {
					failure = translate(topic, subject, ex, reply);
				}
			}
			this.observer.published(NatsEventBus.TRANSPORT, topic, System.nanoTime() - start, failure);
			if (failure != null) {
				receipt.completeExceptionally(failure);
			}
			else {
				receipt.complete(new PublishReceipt(topic, messageId, null, null, pubAck.getSeqno(),
						pubAck.isDuplicate()));
			}
		});
		return receipt;
	}

	/** The reply read as {@code publishAsync} reads it: a status (503: no stream) fails, else the PubAck JSON. */
	private static PublishAck pubAck(Message response) throws IOException, JetStreamApiException {
		if (response.isStatusMessage()) {
			throw new IOException("Error Publishing: " + response.getStatus().getMessageWithCode());
		}
		return new PublishAck(response);
	}

	/** @return publishes sent and not yet acknowledged */
	int inFlight() {
		return this.options.maxInFlight() - this.window.availablePermits();
	}

	/**
	 * Refuses new publishes and waits up to the timeout for the un-acknowledged ones.
	 * @param timeout how long to wait
	 */
	void close(Duration timeout) {
		this.closed = true;
		try {
			if (this.window.tryAcquire(this.options.maxInFlight(), timeout.toNanos(), TimeUnit.NANOSECONDS)) {
				this.window.release(this.options.maxInFlight());
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Header values are percent-encoded where NATS allows no such character ({@link NatsHeaderValues}).
	 * {@code put}, not {@code add}: the names are distinct, and jnats' {@code add} builds a second
	 * list per header (about 900 bytes and 150 ns a publish for the nine headers of an event).
	 */
	static Headers headers(WireMessage message, String messageId) {
		OutgoingHeaders headers = new OutgoingHeaders();
		for (Map.Entry<String, String> header : message.headers().entrySet()) {
			headers.put(header.getKey(), NatsHeaderValues.encode(header.getValue()));
		}
		headers.put(MSG_ID_HEADER, NatsHeaderValues.encode(messageId));
		return headers.freeze();
	}

	/**
	 * The headers of one outgoing message, handed to jnats as read-only and serialized once, on the
	 * publishing thread. jnats freezes headers that are not read-only into a copy of both their maps
	 * when it builds the message (about 900 bytes and 300 ns a publish), and its writer thread, which
	 * every publish of the connection passes in turn, serializes them by walking those maps and
	 * strings, built on another thread and out of its cache: most of the writer's time for a 1 KiB
	 * event. Here {@link #freeze()} writes the bytes jnats' own {@link Headers#serializeToArray} writes
	 * (the same method, the same map order) while they are at hand, and the writer copies one array.
	 * Built and frozen by one thread in {@link #headers}, never changed once passed to jnats (whose
	 * queue hands it to the writer thread).
	 */
	static final class OutgoingHeaders extends Headers {

		private byte @Nullable [] serialized;

		/** Serializes the headers as they are now; call once, after the last {@code put}. */
		OutgoingHeaders freeze() {
			byte[] bytes = new byte[serializedLength()];
			super.serializeToArray(0, bytes);
			this.serialized = bytes;
			return this;
		}

		@Override
		public boolean isReadOnly() {
			return true;
		}

		@Override
		public int serializeToArray(int destPosition, byte[] dest) {
			byte[] bytes = this.serialized;
			if (bytes == null) {
				return super.serializeToArray(destPosition, dest);
			}
			System.arraycopy(bytes, 0, dest, destPosition, bytes.length);
			return bytes.length;
		}

	}

	private boolean acquire() {
		if (this.window.tryAcquire()) {
			return true;
		}
		try {
			return this.window.tryAcquire(this.options.maxBlock().toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private CompletableFuture<PublishReceipt> failed(String topic, long start, PublishException failure) {
		this.observer.published(NatsEventBus.TRANSPORT, topic, System.nanoTime() - start, failure);
		return CompletableFuture.failedFuture(failure);
	}

	/**
	 * @param reply the jnats future, which says whether jnats timed it out or cancelled it for a
	 * closing connection; any other cancellation is jnats' answer to "503 no responders" (a
	 * connection without {@code reportNoResponders})
	 */
	private PublishException translate(String topic, String subject, Throwable error, CompletableFuture<Message> reply) {
		Throwable cause = EventBusException.unwrap(error);
		if (reply instanceof NatsRequestCompletableFuture request && request.wasCancelledTimedOut()
				|| cause instanceof TimeoutException) {
			Duration ackTimeout = this.options.ackTimeout();
			return new PublishTimeoutException(topic, ackTimeout, "NATS publish to subject '" + subject
					+ "' was not acknowledged within ack-timeout " + ackTimeout
					+ " (eventbus.nats.publish.ack-timeout); connection " + this.connectionState.get()
					+ "; the event may or may not be stored, publishing it again is de-duplicated by its id", cause);
		}
		if (reply instanceof NatsRequestCompletableFuture request && request.wasCancelledClosing()) {
			return new PublishException(topic, "NATS publish to subject '" + subject + "' failed: the connection "
					+ "closed before the server acknowledged it; the event may or may not be stored, publishing it "
					+ "again is de-duplicated by its id", cause);
		}
		if (cause instanceof CancellationException
				|| cause instanceof JetStreamStatusException status && status.getStatus().getCode() == 503) {
			cause = new IOException("Error Publishing: 503 No Responders Available For Request", cause);
		}
		for (Throwable link = cause; link != null; link = link.getCause()) {
			if (link instanceof JetStreamApiException) {
				cause = link;
				break;
			}
		}
		if (cause instanceof JetStreamApiException api) {
			String hint = "";
			if (api.getApiErrorCode() == MAX_MESSAGES_EXCEEDED || api.getApiErrorCode() == MAX_BYTES_EXCEEDED) {
				hint = "; the stream is full and refuses new events instead of evicting unconsumed ones: raise "
						+ "eventbus.nats.stream.max-messages / max-bytes or consume faster";
			}
			return new PublishException(topic, "NATS JetStream refused the publish to subject '" + subject + "': "
					+ api.getErrorDescription() + " [err_code=" + api.getApiErrorCode() + "]" + hint, cause);
		}
		IOException noResponders = noResponders(cause);
		if (noResponders != null) {
			// JetStream answers a publish only on subjects a stream captures: nobody responded
			return new PublishRejectedException(topic, "NATS publish to subject '" + subject + "' failed: no "
					+ "JetStream stream covers subject '" + subject + "' (the server answered '"
					+ noResponders.getMessage() + "'). Create a stream whose subjects include it (nats stream add "
					+ "--subjects '" + subject
					+ "'), or let the bus create it: eventbus.nats.stream.provisioning=create-or-update (it is "
					+ this.streams.provisioningName() + ")", cause);
		}
		return new PublishException(topic, "NATS publish to subject '" + subject + "' failed: " + cause, cause);
	}

	/** jnats' "Error Publishing: 503 No Responders Available For Request" anywhere in the chain, or null. */
	private static @Nullable IOException noResponders(@Nullable Throwable error) {
		for (Throwable link = error; link != null; link = link.getCause()) {
			if (link instanceof IOException io && io.getMessage() != null && io.getMessage().contains("503")) {
				return io;
			}
		}
		return null;
	}

	static @Nullable Throwable rootCause(@Nullable Throwable error) {
		return (error != null) ? EventBusException.unwrap(error) : null;
	}

}

package dev.eventbus.core.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.eventbus.core.api.PublishException;
import dev.eventbus.core.api.PublishReceipt;
import dev.eventbus.core.api.PublishRejectedException;
import dev.eventbus.core.api.PublishTimeoutException;
import dev.eventbus.core.codec.WireMessage;
import dev.eventbus.core.metrics.EventBusObserver;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;

/**
 * Sends wire messages with the bus's one producer and turns the client's outcomes into receipts or
 * clear exceptions. Also enforces {@link KafkaProducerOptions#flushMessages()} with a flusher thread.
 *
 * <p>Threads: any application thread calls {@link #send}; the client's I/O thread completes the
 * futures; the flusher thread ({@code eventbus-kafka-flusher}) only calls {@code Producer.flush()}.
 * {@code sinceFlush} and {@code flushRequested} are atomics shared by senders and the flusher.
 */
final class KafkaPublisher implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(KafkaPublisher.class);

	private final KafkaOptions options;

	private final DefaultKafkaProducerFactory<String, byte[]> factory;

	private final Producer<String, byte[]> producer;

	private final EventBusObserver observer;

	private final int flushMessages;

	private final AtomicInteger sinceFlush = new AtomicInteger();

	private final AtomicBoolean flushRequested = new AtomicBoolean();

	private final Semaphore flushSignal = new Semaphore(0);

	private final @Nullable Thread flusher;

	private volatile boolean closed;

	KafkaPublisher(KafkaOptions options, EventBusObserver observer, Duration closeTimeout) {
		this.options = options;
		this.observer = observer;
		this.factory = KafkaClientFactories.producerFactory(options);
		this.factory.setPhysicalCloseTimeout((int) Math.max(1, closeTimeout.toSeconds()));
		this.producer = this.factory.createProducer();
		this.flushMessages = options.producer().flushMessages();
		if (this.flushMessages > 0) {
			this.flusher = new Thread(this::flushLoop, "eventbus-kafka-flusher");
			this.flusher.setDaemon(true);
			this.flusher.start();
		}
		else {
			this.flusher = null;
		}
	}

	/**
	 * Sends a message. Waits at most {@code max-block} for buffer room or metadata (inside the client).
	 * @param topic destination
	 * @param message key, headers, payload
	 * @param eventId for the receipt
	 * @return completes on the broker's acknowledgement or with a {@link PublishException}
	 */
	CompletableFuture<PublishReceipt> send(String topic, WireMessage message, String eventId) {
		long start = System.nanoTime();
		CompletableFuture<PublishReceipt> result = new CompletableFuture<>();
		if (this.closed) {
			PublishException closedError = new PublishRejectedException(topic,
					"cannot publish to topic '" + topic + "': the Kafka event bus is closed", null);
			this.observer.published("kafka", topic, 0, closedError);
			result.completeExceptionally(closedError);
			return result;
		}
		ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, null, message.key(), message.payload(),
				headers(message.headers()));
		AtomicBoolean returned = new AtomicBoolean();
		try {
			this.producer.send(record, (metadata, exception) -> complete(result, topic, eventId, metadata, exception,
					!returned.get(), start));
		}
		catch (RuntimeException ex) {
			complete(result, topic, eventId, null, ex, true, start);
		}
		finally {
			returned.set(true);
		}
		requestFlushIfDue();
		return result;
	}

	private void complete(CompletableFuture<PublishReceipt> result, String topic, String eventId,
			@Nullable RecordMetadata metadata, @Nullable Exception exception, boolean duringSend, long start) {
		long nanos = System.nanoTime() - start;
		if (exception == null && metadata != null) {
			this.observer.published("kafka", topic, nanos, null);
			result.complete(new PublishReceipt(topic, eventId, metadata.partition(),
					metadata.hasOffset() ? metadata.offset() : null, null, false));
			return;
		}
		PublishException error = translate(topic, exception, duringSend, Duration.ofNanos(nanos));
		this.observer.published("kafka", topic, nanos, error);
		result.completeExceptionally(error);
	}

	private PublishException translate(String topic, @Nullable Exception exception, boolean duringSend,
			Duration waited) {
		String servers = String.join(",", this.options.bootstrapServers());
		if (exception instanceof TimeoutException) {
			if (duringSend) {
				return new PublishTimeoutException(topic, waited, "publish to topic '" + topic + "' waited "
						+ "kafka.producer.maxBlock (" + this.options.producer().maxBlock()
						+ ") for buffer room or topic metadata and gave up: the broker at " + servers
						+ " may be unreachable, or publishes outpace acknowledgements (raise kafka.producer.maxBlock"
						+ " or kafka.producer.bufferMemory). Client said: " + exception.getMessage(), exception);
			}
			return new PublishTimeoutException(topic, waited, "publish to topic '" + topic
					+ "' was not acknowledged within kafka.producer.deliveryTimeout ("
					+ this.options.producer().deliveryTimeout() + "): the broker at " + servers
					+ " is unreachable or the partition has no leader. Client said: " + exception.getMessage(),
					exception);
		}
		if (exception instanceof AuthenticationException) {
			return new PublishRejectedException(topic, "publish to topic '" + topic + "' failed: authentication with "
					+ servers + " failed; check kafka.security.protocol, saslMechanism, username and password. "
					+ "Client said: " + exception.getMessage(), exception);
		}
		if (exception instanceof AuthorizationException) {
			return new PublishRejectedException(topic, "publish to topic '" + topic
					+ "' was refused: the principal is not authorized to write to it. Client said: "
					+ exception.getMessage(), exception);
		}
		if (exception instanceof RecordTooLargeException) {
			return new PublishRejectedException(topic, "publish to topic '" + topic
					+ "' was refused: the record is larger than the producer's max.request.size or the topic's "
					+ "max.message.bytes. Client said: " + exception.getMessage(), exception);
		}
		if (exception instanceof InvalidTopicException) {
			return new PublishRejectedException(topic,
					"publish to topic '" + topic + "' was refused: invalid topic. Client said: " + exception.getMessage(),
					exception);
		}
		if (this.closed) {
			return new PublishRejectedException(topic,
					"cannot publish to topic '" + topic + "': the Kafka event bus is closed", exception);
		}
		return new PublishException(topic, "publish to topic '" + topic + "' failed: "
				+ ((exception != null) ? exception.getClass().getSimpleName() + ": " + exception.getMessage() : "unknown"),
				exception);
	}

	private static List<Header> headers(Map<String, String> headers) {
		List<Header> result = new ArrayList<>(headers.size());
		headers.forEach((name, value) -> result.add(new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8))));
		return result;
	}

	private void requestFlushIfDue() {
		if (this.flusher != null && this.sinceFlush.incrementAndGet() >= this.flushMessages
				&& this.flushRequested.compareAndSet(false, true)) {
			this.flushSignal.release();
		}
	}

	private void flushLoop() {
		while (!this.closed) {
			try {
				this.flushSignal.acquire();
			}
			catch (InterruptedException ex) {
				return;
			}
			this.sinceFlush.set(0);
			this.flushRequested.set(false);
			try {
				this.producer.flush();
			}
			catch (RuntimeException ex) {
				if (!this.closed) {
					logger.debug("Flush of the event bus producer failed", ex);
				}
			}
		}
	}

	/** @return the producer, for dead letters */
	Producer<String, byte[]> producer() {
		return this.producer;
	}

	@Override
	public void close() {
		this.closed = true;
		if (this.flusher != null) {
			this.flusher.interrupt();
		}
		// closes the producer: sends what is buffered within the close timeout, then fails the rest
		this.factory.destroy();
	}

}

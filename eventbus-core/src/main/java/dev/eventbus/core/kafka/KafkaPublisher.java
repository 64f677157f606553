package dev.eventbus.core.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.eventbus.core.api.PublishException;
import dev.eventbus.core.api.PublishReceipt;
import dev.eventbus.core.api.PublishRejectedException;
import dev.eventbus.core.api.PublishTimeoutException;
import dev.eventbus.core.codec.WireMessage;
import dev.eventbus.core.metrics.EventBusObserver;
import dev.eventbus.core.support.ServerUrls;
import org.apache.kafka.clients.producer.BufferExhaustedException;
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
import org.apache.kafka.common.utils.Utils;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;

/**
 * Sends wire messages with the bus's one producer and turns the client's outcomes into receipts or
 * clear exceptions. Also enforces {@link KafkaProducerOptions#flushMessages()} with a flusher thread.
 *
 * <p><b>flush-messages.</b> The Java client batches per partition by bytes ({@code batch.size}) and
 * time ({@code linger.ms}) only. The bus models each partition's open batch with a {@link BatchCount}:
 * records and bytes handed to the producer since that batch last went out, which happens when it
 * reaches {@code flush-bytes}, when its first record is {@code flush-frequency} old, or when a flush
 * ran. When one partition's count reaches {@code flush-messages}, the flusher calls
 * {@code Producer.flush()}. Keyed records are mapped to partitions with the client's default
 * murmur2 rule; unkeyed records share one count per topic (the client's sticky partitioner fills
 * one partition at a time). At most one flush runs at a time.
 *
 * <p>Threads: any application thread calls {@link #send} and updates the counts (each guarded by
 * itself); the client's I/O thread completes the futures; the flusher thread
 * ({@code eventbus-kafka-flusher}) only calls {@code Producer.flush()} and advances
 * {@code flushEpoch}, which voids every count. {@code flushRequested} is shared by both.
 */
final class KafkaPublisher implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(KafkaPublisher.class);

	/** How often a topic's partition count is read again from the producer's metadata. */
	private static final long PARTITION_COUNT_REFRESH_NANOS = Duration.ofSeconds(30).toNanos();

	private final KafkaOptions options;

	private final DefaultKafkaProducerFactory<String, byte[]> factory;

	private final Producer<String, byte[]> producer;

	private final EventBusObserver observer;

	private final int flushMessages;

	private final long lingerNanos;

	private final int batchBytes;

	/** Advanced when a flush starts and ends: counts from an older epoch are void. */
	private final AtomicLong flushEpoch = new AtomicLong();

	private final Map<String, TopicCounts> counts = new ConcurrentHashMap<>();

	private final AtomicInteger flushRequests = new AtomicInteger();

	private final AtomicBoolean flushRequested = new AtomicBoolean();

	private final Semaphore flushSignal = new Semaphore(0);

	private final @Nullable Thread flusher;

	private volatile boolean closed;

	/**
	 * Whether publishes are failing because no broker answers: set (and one WARN logged) by the first
	 * such failure, cleared (and one INFO logged) by the next acknowledged publish, so an outage logs
	 * one WARN however many publishes fail. Touched by the producer's I/O thread and publishing threads.
	 */
	private final AtomicBoolean unreachable = new AtomicBoolean();

	KafkaPublisher(KafkaOptions options, EventBusObserver observer, Duration closeTimeout) {
		this.options = options;
		this.observer = observer;
		this.factory = KafkaClientFactories.producerFactory(options);
		this.factory.setPhysicalCloseTimeout((int) Math.max(1, closeTimeout.toSeconds()));
		this.producer = this.factory.createProducer();
		this.flushMessages = options.producer().flushMessages();
		this.lingerNanos = options.producer().flushFrequency().toNanos();
		this.batchBytes = options.producer().flushBytes();
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
		if (this.flusher != null && !result.isDone()) {
			requestFlushIfDue(topic, message);
		}
		return result;
	}

	private void complete(CompletableFuture<PublishReceipt> result, String topic, String eventId,
			@Nullable RecordMetadata metadata, @Nullable Exception exception, boolean duringSend, long start) {
		long nanos = System.nanoTime() - start;
		if (exception == null && metadata != null) {
			this.observer.published("kafka", topic, nanos, null);
			// read first: the acknowledgement path of every publish stays free of a locked write
			if (this.unreachable.get() && this.unreachable.compareAndSet(true, false)) {
				logger.info("Kafka at {} acknowledges publishes again", servers());
			}
			result.complete(new PublishReceipt(topic, eventId, metadata.partition(),
					metadata.hasOffset() ? metadata.offset() : null, null, false));
			return;
		}
		PublishException error = translate(topic, exception, duringSend, Duration.ofNanos(nanos));
		// the producer's metrics are read once per outage, not for every publish that fails during it
		if (exception instanceof TimeoutException && !this.closed && !this.unreachable.get() && !brokerAnswers()
				&& this.unreachable.compareAndSet(false, true)) {
			logger.warn("Kafka at {} does not answer: publishes fail ({}). Further failures are not logged until a "
					+ "publish is acknowledged again; the client retries connecting in the background", servers(),
					error.getMessage());
		}
		this.observer.published("kafka", topic, nanos, error);
		result.completeExceptionally(error);
	}

	/**
	 * Whether the producer holds a connection to a broker: then a topic missing from its metadata
	 * after max-block is missing on the cluster, not hidden by an unreachable broker.
	 */
	private boolean brokerAnswers() {
		try {
			for (Map.Entry<org.apache.kafka.common.MetricName, ? extends org.apache.kafka.common.Metric> metric
					: this.producer.metrics().entrySet()) {
				if (metric.getKey().name().equals("connection-count")
						&& metric.getKey().group().equals("producer-metrics")) {
					return metric.getValue().metricValue() instanceof Number count && count.doubleValue() > 0;
				}
			}
		}
		catch (RuntimeException ex) {
			logger.debug("Could not read the producer's connection count", ex);
		}
		return false;
	}

	private String servers() {
		return String.valueOf(ServerUrls.redact(String.join(",", this.options.bootstrapServers())));
	}

	private PublishException translate(String topic, @Nullable Exception exception, boolean duringSend,
			Duration waited) {
		String servers = ServerUrls.redact(String.join(",", this.options.bootstrapServers()));
		if (exception instanceof TimeoutException) {
			if (duringSend && exception instanceof BufferExhaustedException) {
				return new PublishTimeoutException(topic, waited, "publish to topic '" + topic + "' waited "
						+ "eventbus.kafka.producer.max-block (" + this.options.producer().maxBlock()
						+ ") for room in the full producer buffer (eventbus.kafka.producer.buffer-memory = "
						+ this.options.producer().bufferMemory() + " bytes of unacknowledged publishes) and gave up: "
						+ "publishes outpace acknowledgements, or the broker at " + servers + " stopped acknowledging "
						+ "(raise eventbus.kafka.producer.buffer-memory or eventbus.kafka.producer.max-block, or publish more slowly). "
						+ "Client said: " + exception.getMessage(), exception);
			}
			if (duringSend && String.valueOf(exception.getMessage()).contains("not present in metadata")
					&& brokerAnswers()) {
				return new PublishTimeoutException(topic, waited, "publish to topic '" + topic + "' gave up after "
						+ "eventbus.kafka.producer.max-block (" + this.options.producer().maxBlock() + "): topic '"
						+ topic + "' does not exist on the cluster at " + servers + " (the broker answers but has "
						+ "no such topic and does not create topics on first use). Create it, list it in "
						+ "eventbus.kafka.topics.names so that the bus provisions it at start, or subscribe to it "
						+ "first (a subscription provisions its topics). Client said: " + exception.getMessage(),
						exception);
			}
			if (duringSend) {
				return new PublishTimeoutException(topic, waited, "publish to topic '" + topic + "' waited "
						+ "eventbus.kafka.producer.max-block (" + this.options.producer().maxBlock()
						+ ") for buffer room or topic metadata and gave up: the broker at " + servers
						+ " may be unreachable, or publishes outpace acknowledgements (raise eventbus.kafka.producer.max-block"
						+ " or eventbus.kafka.producer.buffer-memory). Client said: " + exception.getMessage(), exception);
			}
			return new PublishTimeoutException(topic, waited, "publish to topic '" + topic
					+ "' was not acknowledged within eventbus.kafka.producer.delivery-timeout ("
					+ this.options.producer().deliveryTimeout() + "): the broker at " + servers
					+ " is unreachable or the partition has no leader. Client said: " + exception.getMessage(),
					exception);
		}
		String tls = this.options.tlsFailure(exception);
		if (tls != null) {
			return new PublishRejectedException(topic, "publish to topic '" + topic + "' failed: " + tls, exception);
		}
		if (exception instanceof AuthenticationException) {
			return new PublishRejectedException(topic, "publish to topic '" + topic + "' failed: authentication with "
					+ servers + " failed; check eventbus.kafka.security.protocol, sasl-mechanism, username and password. "
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

	private void requestFlushIfDue(String topic, WireMessage message) {
		long size = message.payload().length + ((message.key() != null) ? message.key().length() : 0);
		for (Map.Entry<String, String> header : message.headers().entrySet()) {
			size += header.getKey().length() + header.getValue().length();
		}
		BatchCount count;
		try {
			count = batchCount(topic, message.key());
		}
		catch (RuntimeException ex) {
			// the producer is closing: nothing left to flush
			return;
		}
		if (count.add(size, System.nanoTime(), this.flushEpoch.get()) && this.flushRequested.compareAndSet(false, true)) {
			this.flushRequests.incrementAndGet();
			this.flushSignal.release();
		}
	}

	private BatchCount batchCount(String topic, @Nullable String key) {
		long now = System.nanoTime();
		TopicCounts topicCounts = this.counts.get(topic);
		if (topicCounts == null || now - topicCounts.refreshAt > 0) {
			// the send above waited for the topic's metadata, so this does not block
			int partitions = Math.max(1, this.producer.partitionsFor(topic).size());
			topicCounts = new TopicCounts(partitions, now + PARTITION_COUNT_REFRESH_NANOS);
			this.counts.put(topic, topicCounts);
		}
		if (key == null) {
			return topicCounts.unkeyed;
		}
		byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
		return topicCounts.keyed[Utils.toPositive(Utils.murmur2(keyBytes)) % topicCounts.keyed.length];
	}

	/** @return flushes requested by the message count (tests) */
	int flushRequests() {
		return this.flushRequests.get();
	}

	/** The counts of one topic: one per partition for keyed records, one for unkeyed records. */
	private final class TopicCounts {

		final BatchCount[] keyed;

		final BatchCount unkeyed = new BatchCount();

		final long refreshAt;

		TopicCounts(int partitions, long refreshAt) {
			this.keyed = new BatchCount[partitions];
			for (int i = 0; i < partitions; i++) {
				this.keyed[i] = new BatchCount();
			}
			this.refreshAt = refreshAt;
		}

	}

	/**
	 * Records and bytes handed to the producer for one partition since its batch last went out, as
	 * far as the bus can tell. Guarded by itself; any publishing thread.
	 */
	private final class BatchCount {

		private int records;

		private long bytes;

		private long firstAt;

		private long epoch = -1;

		/** @return whether this record makes the count due for a flush */
		synchronized boolean add(long size, long now, long currentEpoch) {
			if (this.epoch != currentEpoch || this.records == 0 || now - this.firstAt >= KafkaPublisher.this.lingerNanos) {
				// a flush ran, or the batch lingered out and was sent: this record opens a new batch
				this.records = 0;
				this.bytes = 0;
				this.firstAt = now;
				this.epoch = currentEpoch;
			}
			this.records++;
			this.bytes += size;
			if (this.bytes >= KafkaPublisher.this.batchBytes) {
				// the batch filled by bytes: the client sends it without the bus
				this.records = 0;
				this.bytes = 0;
				return false;
			}
			if (this.records >= KafkaPublisher.this.flushMessages) {
				this.records = 0;
				return true;
			}
			return false;
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
			this.flushEpoch.incrementAndGet();
			this.flushRequested.set(false);
			try {
				this.producer.flush();
			}
			catch (RuntimeException ex) {
				if (!this.closed) {
					logger.debug("Flush of the event bus producer failed", ex);
				}
			}
			// records appended while the flush ran were sent without lingering: they open no batch to count
			this.flushEpoch.incrementAndGet();
		}
	}

	/** @return the producer, for dead letters */
	Producer<String, byte[]> producer() {
		return this.producer;
	}

	/**
	 * Closes within a bound: sends what is buffered for at most {@code timeout} (rounded up to whole
	 * seconds, the producer factory's close granularity), then fails the rest.
	 * @param timeout what is left of the bus's shutdown deadline
	 */
	void close(Duration timeout) {
		long millis = Math.max(0, timeout.toMillis());
		this.factory.setPhysicalCloseTimeout((int) Math.min(Integer.MAX_VALUE, (millis + 999) / 1000));
		close();
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

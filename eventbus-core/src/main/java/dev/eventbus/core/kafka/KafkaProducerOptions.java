package dev.eventbus.core.kafka;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Producer settings of the Kafka transport ({@code eventbus.kafka.producer.*}). Immutable; build with
 * {@link #builder()}. Each setting names the Java client setting it becomes; see
 * {@code docs/kafka-configuration.md} for the full table.
 *
 * <p>The Java client batches by bytes ({@code batch.size}) and time ({@code linger.ms}), not by
 * message count; {@link #flushMessages()} is therefore enforced by the bus (see there).
 */
public final class KafkaProducerOptions {

	/** Default batch compression: lz4. */
	public static final KafkaCompression DEFAULT_COMPRESSION = KafkaCompression.LZ4;

	/** Default flush frequency ({@code linger.ms}): 10 ms. */
	public static final Duration DEFAULT_FLUSH_FREQUENCY = Duration.ofMillis(10);

	/** Default flush message count: 100 (enforced by the bus, see {@link #flushMessages()}). */
	public static final int DEFAULT_FLUSH_MESSAGES = 100;

	/** Default flush bytes ({@code batch.size}): 100 KiB. */
	public static final int DEFAULT_FLUSH_BYTES = 100 * 1024;

	/** Default acknowledgements ({@code acks}): all in-sync replicas. */
	public static final String DEFAULT_ACKS = "all";

	/** Default idempotence ({@code enable.idempotence}): on. */
	public static final boolean DEFAULT_IDEMPOTENCE = true;

	/** Default unacknowledged requests per connection ({@code max.in.flight.requests.per.connection}). */
	public static final int DEFAULT_MAX_IN_FLIGHT = 5;

	/** Default send buffer ({@code buffer.memory}): 32 MiB. */
	public static final long DEFAULT_BUFFER_MEMORY = 32L * 1024 * 1024;

	/** Default longest wait of a publishing caller for buffer room or metadata ({@code max.block.ms}). */
	public static final Duration DEFAULT_MAX_BLOCK = Duration.ofSeconds(10);

	/** Default bound from send to acknowledgement or failure ({@code delivery.timeout.ms}): 2 min. */
	public static final Duration DEFAULT_DELIVERY_TIMEOUT = Duration.ofMinutes(2);

	private final KafkaCompression compression;

	private final Duration flushFrequency;

	private final int flushMessages;

	private final int flushBytes;

	private final String acks;

	private final boolean idempotence;

	private final int maxInFlight;

	private final long bufferMemory;

	private final Duration maxBlock;

	private final @Nullable Duration requestTimeout;

	private final Duration deliveryTimeout;

	private final Map<String, String> properties;

	private KafkaProducerOptions(Builder builder) {
		this.compression = builder.compression;
		this.flushFrequency = builder.flushFrequency;
		this.flushMessages = builder.flushMessages;
		this.flushBytes = builder.flushBytes;
		this.acks = builder.acks;
		this.idempotence = builder.idempotence;
		this.maxInFlight = builder.maxInFlight;
		this.bufferMemory = builder.bufferMemory;
		this.maxBlock = builder.maxBlock;
		this.requestTimeout = builder.requestTimeout;
		this.deliveryTimeout = builder.deliveryTimeout;
		this.properties = builder.properties;
	}

	/** @return a builder with the defaults */
	public static Builder builder() {
		return new Builder();
	}

	/** @return the defaults */
	public static KafkaProducerOptions defaults() {
		return builder().build();
	}

	/** @return a builder pre-filled with these settings */
	public Builder toBuilder() {
		return new Builder().compression(this.compression).flushFrequency(this.flushFrequency)
			.flushMessages(this.flushMessages).flushBytes(this.flushBytes).acks(this.acks)
			.idempotence(this.idempotence).maxInFlight(this.maxInFlight).bufferMemory(this.bufferMemory)
			.maxBlock(this.maxBlock).requestTimeout(this.requestTimeout).deliveryTimeout(this.deliveryTimeout)
			.properties(this.properties);
	}

	/** @return batch compression; client {@code compression.type} */
	public KafkaCompression compression() {
		return this.compression;
	}

	/**
	 * How long the producer waits for more records before sending a batch that is not full; client
	 * {@code linger.ms}. Zero sends as soon as possible.
	 * @return the flush frequency
	 */
	public Duration flushFrequency() {
		return this.flushFrequency;
	}

	/**
	 * Send once this many records are buffered, even if {@link #flushFrequency()} has not elapsed.
	 * The Java client batches per partition by bytes and time only, so the bus enforces it: per
	 * partition it counts the records handed to the client since that partition's batch last went
	 * out (it reached {@link #flushBytes()} of uncompressed data, its first record became
	 * {@link #flushFrequency()} old, or a flush ran). When one partition's count reaches this value,
	 * its flusher thread ({@code eventbus-kafka-flusher}) calls {@code Producer.flush()}, which sends
	 * every buffered batch at once (linger is skipped for batches appended while it runs). At most
	 * one flush runs at a time and publishing threads never block on it. The trigger therefore fires
	 * only for many small records on one partition within one flush frequency. {@code 0} turns it
	 * off (the client batches by {@link #flushBytes()} and {@link #flushFrequency()} only).
	 * @return the message-count trigger, 0 when off
	 */
	public int flushMessages() {
		return this.flushMessages;
	}

	/**
	 * Largest batch per partition in bytes; a full batch is sent at once; client {@code batch.size}.
	 * At most {@link #bufferMemory()} ({@link Builder#build()} rejects a larger one).
	 * @return the flush size in bytes
	 */
	public int flushBytes() {
		return this.flushBytes;
	}

	/** @return acknowledgements the leader waits for: {@code all}, {@code 1} or {@code 0}; client {@code acks} */
	public String acks() {
		return this.acks;
	}

	/**
	 * Whether the producer is idempotent (no duplicates or reordering on retry); client
	 * {@code enable.idempotence}. Requires {@code acks=all} and at most 5 requests in flight.
	 * @return whether idempotence is on
	 */
	public boolean idempotence() {
		return this.idempotence;
	}

	/** @return unacknowledged requests per broker connection; client {@code max.in.flight.requests.per.connection} */
	public int maxInFlight() {
		return this.maxInFlight;
	}

	/**
	 * Bytes of records buffered and not yet acknowledged; client {@code buffer.memory}. This is the
	 * bound on unacknowledged publishes: when it is full, {@code publish} waits up to
	 * {@link #maxBlock()}.
	 * @return the buffer size in bytes
	 */
	public long bufferMemory() {
		return this.bufferMemory;
	}

	/**
	 * Longest time a publishing caller waits for buffer room or for topic metadata (an unreachable
	 * broker); client {@code max.block.ms}. After it, the publish fails with a
	 * {@code PublishTimeoutException} naming the topic.
	 * @return the max-block
	 */
	public Duration maxBlock() {
		return this.maxBlock;
	}

	/**
	 * Producer request timeout (client {@code request.timeout.ms}); null (default) uses the larger of
	 * the network read and write timeouts.
	 * @return the request timeout or null
	 */
	public @Nullable Duration requestTimeout() {
		return this.requestTimeout;
	}

	/**
	 * Bound from the send to the acknowledgement, retries included; client
	 * {@code delivery.timeout.ms}. A broker that stays down fails the publish future after it. Must be
	 * at least {@link #flushFrequency()} plus the request timeout.
	 * @return the delivery timeout
	 */
	public Duration deliveryTimeout() {
		return this.deliveryTimeout;
	}

	/** @return raw producer client settings; they win over every setting above and the common properties */
	public Map<String, String> properties() {
		return this.properties;
	}

	@Override
	public String toString() {
		return "KafkaProducerOptions{compression=" + this.compression + ", flushFrequency=" + this.flushFrequency
				+ ", flushMessages=" + this.flushMessages + ", flushBytes=" + this.flushBytes + ", acks=" + this.acks
				+ ", idempotence=" + this.idempotence + ", maxInFlight=" + this.maxInFlight + ", bufferMemory="
				+ this.bufferMemory + ", maxBlock=" + this.maxBlock + ", requestTimeout=" + this.requestTimeout
				+ ", deliveryTimeout=" + this.deliveryTimeout + ", properties=" + this.properties.keySet() + "}";
	}

	/** Builds {@link KafkaProducerOptions}; {@link #build()} rejects bad values naming the setting. */
	public static final class Builder {

		private KafkaCompression compression = DEFAULT_COMPRESSION;

		private Duration flushFrequency = DEFAULT_FLUSH_FREQUENCY;

		private int flushMessages = DEFAULT_FLUSH_MESSAGES;

		private int flushBytes = DEFAULT_FLUSH_BYTES;

		private String acks = DEFAULT_ACKS;

		private boolean idempotence = DEFAULT_IDEMPOTENCE;

		private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;

		private long bufferMemory = DEFAULT_BUFFER_MEMORY;

		private Duration maxBlock = DEFAULT_MAX_BLOCK;

		private @Nullable Duration requestTimeout;

		private Duration deliveryTimeout = DEFAULT_DELIVERY_TIMEOUT;

		private Map<String, String> properties = Map.of();

		private Builder() {
		}

		/** @param compression batch compression @return this builder */
		public Builder compression(KafkaCompression compression) {
			this.compression = Objects.requireNonNull(compression, "kafka.producer.compression must not be null");
			return this;
		}

		/** @param flushFrequency linger before a non-full batch is sent, not negative @return this builder */
		public Builder flushFrequency(Duration flushFrequency) {
			this.flushFrequency = flushFrequency;
			return this;
		}

		/** @param flushMessages message-count flush trigger, 0 for off @return this builder */
		public Builder flushMessages(int flushMessages) {
			this.flushMessages = flushMessages;
			return this;
		}

		/** @param flushBytes batch size in bytes, at least 1 @return this builder */
		public Builder flushBytes(int flushBytes) {
			this.flushBytes = flushBytes;
			return this;
		}

		/** @param acks {@code all} (or {@code -1}), {@code 1} or {@code 0} @return this builder */
		public Builder acks(String acks) {
			this.acks = acks;
			return this;
		}

		/** @param idempotence whether the producer is idempotent @return this builder */
		public Builder idempotence(boolean idempotence) {
			this.idempotence = idempotence;
			return this;
		}

		/** @param maxInFlight requests in flight per connection, at least 1 @return this builder */
		public Builder maxInFlight(int maxInFlight) {
			this.maxInFlight = maxInFlight;
			return this;
		}

		/** @param bufferMemory send buffer in bytes, at least 1 @return this builder */
		public Builder bufferMemory(long bufferMemory) {
			this.bufferMemory = bufferMemory;
			return this;
		}

		/** @param maxBlock longest caller wait for buffer room or metadata, not negative @return this builder */
		public Builder maxBlock(Duration maxBlock) {
			this.maxBlock = maxBlock;
			return this;
		}

		/** @param requestTimeout request timeout, or null for the network read/write timeout @return this builder */
		public Builder requestTimeout(@Nullable Duration requestTimeout) {
			this.requestTimeout = requestTimeout;
			return this;
		}

		/** @param deliveryTimeout bound from send to acknowledgement, positive @return this builder */
		public Builder deliveryTimeout(Duration deliveryTimeout) {
			this.deliveryTimeout = deliveryTimeout;
			return this;
		}

		/** @param properties raw producer client settings that win @return this builder */
		public Builder properties(Map<String, String> properties) {
			this.properties = new LinkedHashMap<>(properties);
			return this;
		}

		/**
		 * @return the options
		 * @throws IllegalArgumentException naming the invalid setting
		 */
		public KafkaProducerOptions build() {
			Checks.millis("kafka.producer.flushFrequency", Checks.notNegative("kafka.producer.flushFrequency",
					this.flushFrequency));
			Checks.atLeast("kafka.producer.flushMessages", this.flushMessages, 0);
			Checks.atLeast("kafka.producer.flushBytes", this.flushBytes, 1);
			this.acks = Checks.oneOf("kafka.producer.acks", this.acks, "all", "-1", "1", "0");
			if (this.acks.equals("-1")) {
				this.acks = "all";
			}
			Checks.atLeast("kafka.producer.maxInFlight", this.maxInFlight, 1);
			Checks.atLeast("kafka.producer.bufferMemory", this.bufferMemory, 1);
			if (this.flushBytes > this.bufferMemory) {
				throw new IllegalArgumentException("kafka.producer.flushBytes (" + this.flushBytes
						+ " bytes) must not be larger than kafka.producer.bufferMemory (" + this.bufferMemory
						+ " bytes): the client takes each batch from the buffer, so every publish "
						+ "would fail; lower kafka.producer.flushBytes or raise kafka.producer.bufferMemory");
			}
			Checks.millis("kafka.producer.maxBlock", Checks.notNegative("kafka.producer.maxBlock", this.maxBlock));
			if (this.requestTimeout != null) {
				Checks.millis("kafka.producer.requestTimeout",
						Checks.positive("kafka.producer.requestTimeout", this.requestTimeout));
			}
			Checks.millis("kafka.producer.deliveryTimeout",
					Checks.positive("kafka.producer.deliveryTimeout", this.deliveryTimeout));
			if (this.idempotence && !this.acks.equals("all")) {
				throw new IllegalArgumentException("kafka.producer.idempotence=true requires kafka.producer.acks=all but acks was "
						+ this.acks + ": set acks to all or turn idempotence off");
			}
			if (this.idempotence && this.maxInFlight > 5) {
				throw new IllegalArgumentException("kafka.producer.idempotence=true allows at most 5 requests in flight but "
						+ "kafka.producer.maxInFlight was " + this.maxInFlight + ": lower it or turn idempotence off");
			}
			this.properties = Checks.properties("kafka.producer.properties", this.properties);
			return new KafkaProducerOptions(this);
		}

	}

}

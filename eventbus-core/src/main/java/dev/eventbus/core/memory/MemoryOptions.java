package dev.eventbus.core.memory;

import java.time.Duration;

import dev.eventbus.core.support.Topics;

/**
 * Settings of a {@link MemoryEventBus}. Immutable; build with {@link #builder()}.
 *
 * <p>A memory topic keeps an event until every consumer group of the topic has had it delivered;
 * only then is it discarded (there is no retention of consumed events). The events a topic keeps
 * are its backlog, bounded by {@link #topicCapacity()}: a publisher that finds the backlog full
 * waits up to {@link #maxBlock()} for a group to take an event, then gets a
 * {@link dev.eventbus.core.api.PublishTimeoutException}. Nothing is dropped. A topic nobody
 * subscribes to keeps its events for a group that subscribes later, so it fills up too; that
 * includes dead-letter topics ({@code <topic>-dlt}) nobody reads.
 */
public final class MemoryOptions {

	/** Default bound on the events a topic keeps that some group has not had delivered yet. */
	public static final int DEFAULT_TOPIC_CAPACITY = 10_000;

	/**
	 * Default longest wait of a publisher for room in a full topic: 5 seconds, long enough to ride
	 * out a slow handler burst, short enough to surface a stuck consumer quickly in tests (Kafka's
	 * own {@code max.block.ms} default is 60 seconds).
	 */
	public static final Duration DEFAULT_MAX_BLOCK = Duration.ofSeconds(5);

	/** Default of {@link #deadLetterSuffix()}, as on Kafka: {@code orders} → {@code orders-dlt}. */
	public static final String DEFAULT_DEAD_LETTER_SUFFIX = "-dlt";

	private final int topicCapacity;

	private final Duration maxBlock;

	private final String deadLetterSuffix;

	private MemoryOptions(Builder builder) {
		this.topicCapacity = builder.topicCapacity;
		this.maxBlock = builder.maxBlock;
		this.deadLetterSuffix = builder.deadLetterSuffix;
	}

	/** @return a builder with the defaults */
	public static Builder builder() {
		return new Builder();
	}

	/** @return the default options */
	public static MemoryOptions defaults() {
		return builder().build();
	}

	/** @return bound on the events a topic keeps that some consumer group has not had delivered yet */
	public int topicCapacity() {
		return this.topicCapacity;
	}

	/** @return longest wait of a publisher for room in a full topic */
	public Duration maxBlock() {
		return this.maxBlock;
	}

	/** @return what {@link MemoryEventBus#deadLetterTopic(String)} appends to a topic */
	public String deadLetterSuffix() {
		return this.deadLetterSuffix;
	}

	@Override
	public String toString() {
		return "MemoryOptions{topicCapacity=" + this.topicCapacity + ", maxBlock=" + this.maxBlock
				+ ", deadLetterSuffix=" + this.deadLetterSuffix + "}";
	}

	/** Builds {@link MemoryOptions}; {@link #build()} rejects bad values naming the setting. */
	public static final class Builder {

		private int topicCapacity = DEFAULT_TOPIC_CAPACITY;

		private Duration maxBlock = DEFAULT_MAX_BLOCK;

		private String deadLetterSuffix = DEFAULT_DEAD_LETTER_SUFFIX;

		private Builder() {
		}

		/** @param topicCapacity events kept per topic until delivered to every group, at least 1 @return this builder */
		public Builder topicCapacity(int topicCapacity) {
			this.topicCapacity = topicCapacity;
			return this;
		}

		/** @param maxBlock longest wait for room in a full topic, not negative (zero fails at once) @return this builder */
		public Builder maxBlock(Duration maxBlock) {
			this.maxBlock = maxBlock;
			return this;
		}

		/**
		 * @param deadLetterSuffix appended to a topic to name its dead-letter topic (default
		 * {@value MemoryOptions#DEFAULT_DEAD_LETTER_SUFFIX}); topic-name characters, no {@code ..}, not
		 * ending with {@code .}
		 * @return this builder
		 */
		public Builder deadLetterSuffix(String deadLetterSuffix) {
			this.deadLetterSuffix = deadLetterSuffix;
			return this;
		}

		/**
		 * @return the options
		 * @throws IllegalArgumentException naming the invalid setting
		 */
		public MemoryOptions build() {
			if (this.topicCapacity < 1) {
				throw new IllegalArgumentException(
						"memory topicCapacity must be at least 1 but was " + this.topicCapacity);
			}
			if (this.maxBlock == null || this.maxBlock.isNegative()) {
				throw new IllegalArgumentException("memory maxBlock must not be negative but was " + this.maxBlock);
			}
			Topics.validateDeadLetterSuffix("memory.deadLetterSuffix", this.deadLetterSuffix);
			return new MemoryOptions(this);
		}

	}

}

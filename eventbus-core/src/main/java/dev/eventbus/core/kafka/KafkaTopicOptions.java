package dev.eventbus.core.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.eventbus.core.support.Topics;

import org.jspecify.annotations.Nullable;

/**
 * Topic provisioning of the Kafka transport ({@code eventbus.kafka.topics.*}): whether and how the
 * bus creates, updates or checks its topics through the admin client. Provisioning runs when the bus
 * is built (for {@link #names()}) and when a subscription starts (for its topics and, with
 * {@link #deadLetterTopics()}, their {@code <topic>-dlt}). Immutable; build with {@link #builder()}.
 */
public final class KafkaTopicOptions {

	/** What provisioning does with each topic. */
	public enum Strategy {

		/** Create missing topics with the settings below; leave existing ones alone. */
		CREATE_ONLY,

		/**
		 * Create missing topics; for existing ones raise the partition count to {@code partitions}
		 * (never lowered) and set retention and compression. Replication is not changed.
		 */
		CREATE_OR_UPDATE,

		/**
		 * Create nothing; fail start-up with a message listing each missing topic and each setting that
		 * differs (fewer partitions, other replication, retention or compression).
		 */
		VALIDATE,

		/** Do nothing (default): topics are managed elsewhere or auto-created by the broker. */
		SKIP

	}

	/** Default strategy: skip. */
	public static final Strategy DEFAULT_STRATEGY = Strategy.SKIP;

	/** Default partitions: -1, the broker's {@code num.partitions}. */
	public static final int DEFAULT_PARTITIONS = -1;

	/** Default replication factor: -1, the broker's {@code default.replication.factor}. */
	public static final short DEFAULT_REPLICATION_FACTOR = -1;

	/** Default: dead-letter topics are provisioned with the same settings. */
	public static final boolean DEFAULT_DEAD_LETTER_TOPICS = true;

	/** Default bound on each admin call: 30 s. */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

	private final Strategy strategy;

	private final int partitions;

	private final short replicationFactor;

	private final @Nullable Duration retention;

	private final @Nullable KafkaCompression compression;

	private final boolean deadLetterTopics;

	private final List<String> names;

	private final Duration timeout;

	private KafkaTopicOptions(Builder builder) {
		this.strategy = builder.strategy;
		this.partitions = builder.partitions;
		this.replicationFactor = builder.replicationFactor;
		this.retention = builder.retention;
		this.compression = builder.compression;
		this.deadLetterTopics = builder.deadLetterTopics;
		this.names = List.copyOf(builder.names);
		this.timeout = builder.timeout;
	}

	/** @return a builder with the defaults */
	public static Builder builder() {
		return new Builder();
	}

	/** @return the defaults (no provisioning) */
	public static KafkaTopicOptions defaults() {
		return builder().build();
	}

	/** @return a builder pre-filled with these settings */
	public Builder toBuilder() {
		return new Builder().strategy(this.strategy).partitions(this.partitions)
			.replicationFactor(this.replicationFactor).retention(this.retention).compression(this.compression)
			.deadLetterTopics(this.deadLetterTopics).names(this.names).timeout(this.timeout);
	}

	/** @return the provisioning strategy */
	public Strategy strategy() {
		return this.strategy;
	}

	/** @return partitions of created topics (and the minimum for update/validate); -1 for the broker default */
	public int partitions() {
		return this.partitions;
	}

	/** @return replication factor of created topics (checked by validate); -1 for the broker default */
	public short replicationFactor() {
		return this.replicationFactor;
	}

	/** @return topic {@code retention.ms}, or null for the broker default */
	public @Nullable Duration retention() {
		return this.retention;
	}

	/** @return topic {@code compression.type}, or null for the broker default ({@code producer}: keep the producer's) */
	public @Nullable KafkaCompression compression() {
		return this.compression;
	}

	/** @return whether each provisioned topic's {@code <topic>-dlt} is provisioned too */
	public boolean deadLetterTopics() {
		return this.deadLetterTopics;
	}

	/** @return topics provisioned when the bus is built, besides those of subscriptions */
	public List<String> names() {
		return this.names;
	}

	/** @return bound on each admin call */
	public Duration timeout() {
		return this.timeout;
	}

	@Override
	public String toString() {
		return "KafkaTopicOptions{strategy=" + this.strategy + ", partitions=" + this.partitions
				+ ", replicationFactor=" + this.replicationFactor + ", retention=" + this.retention + ", compression="
				+ this.compression + ", deadLetterTopics=" + this.deadLetterTopics + ", names=" + this.names
				+ ", timeout=" + this.timeout + "}";
	}

	/** Builds {@link KafkaTopicOptions}; {@link #build()} rejects bad values naming the setting. */
	public static final class Builder {

		private Strategy strategy = DEFAULT_STRATEGY;

		private int partitions = DEFAULT_PARTITIONS;

		private short replicationFactor = DEFAULT_REPLICATION_FACTOR;

		private @Nullable Duration retention;

		private @Nullable KafkaCompression compression;

		private boolean deadLetterTopics = DEFAULT_DEAD_LETTER_TOPICS;

		private List<String> names = new ArrayList<>();

		private Duration timeout = DEFAULT_TIMEOUT;

		private Builder() {
		}

		/** @param strategy provisioning strategy @return this builder */
		public Builder strategy(Strategy strategy) {
			this.strategy = strategy;
			return this;
		}

		/** @param partitions partitions, at least 1, or -1 for the broker default @return this builder */
		public Builder partitions(int partitions) {
			this.partitions = partitions;
			return this;
		}

		/** @param replicationFactor replication, at least 1, or -1 for the broker default @return this builder */
		public Builder replicationFactor(short replicationFactor) {
			this.replicationFactor = replicationFactor;
			return this;
		}

		/** @param retention retention, positive, or null for the broker default @return this builder */
		public Builder retention(@Nullable Duration retention) {
			this.retention = retention;
			return this;
		}

		/** @param compression topic compression, or null for the broker default @return this builder */
		public Builder compression(@Nullable KafkaCompression compression) {
			this.compression = compression;
			return this;
		}

		/** @param deadLetterTopics whether to provision dead-letter topics too @return this builder */
		public Builder deadLetterTopics(boolean deadLetterTopics) {
			this.deadLetterTopics = deadLetterTopics;
			return this;
		}

		/** @param names topics to provision when the bus is built @return this builder */
		public Builder names(List<String> names) {
			this.names = new ArrayList<>(names);
			return this;
		}

		/** @param timeout bound on each admin call, positive @return this builder */
		public Builder timeout(Duration timeout) {
			this.timeout = timeout;
			return this;
		}

		/**
		 * @return the options
		 * @throws IllegalArgumentException naming the invalid setting
		 */
		public KafkaTopicOptions build() {
			if (this.strategy == null) {
				throw new IllegalArgumentException(
						"kafka.topics.strategy must be one of create-only, create-or-update, validate, skip");
			}
			if (this.partitions != -1 && this.partitions < 1) {
				throw new IllegalArgumentException(
						"kafka.topics.partitions must be at least 1 (or -1 for the broker default) but was "
								+ this.partitions);
			}
			if (this.replicationFactor != -1 && this.replicationFactor < 1) {
				throw new IllegalArgumentException(
						"kafka.topics.replicationFactor must be at least 1 (or -1 for the broker default) but was "
								+ this.replicationFactor);
			}
			if (this.retention != null) {
				Checks.positive("kafka.topics.retention", this.retention);
			}
			for (String name : this.names) {
				try {
					Topics.validate(name);
				}
				catch (RuntimeException ex) {
					throw new IllegalArgumentException("kafka.topics.names: " + ex.getMessage(), ex);
				}
			}
			Checks.positive("kafka.topics.timeout", this.timeout);
			return new KafkaTopicOptions(this);
		}

	}

}

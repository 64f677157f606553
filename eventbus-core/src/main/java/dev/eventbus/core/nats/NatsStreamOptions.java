package dev.eventbus.core.nats;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * How the NATS transport provisions its JetStream streams: one stream per topic, capturing the
 * subject {@code [subjectPrefix.]topic}, plus one for its dead-letter subject
 * {@code [subjectPrefix.]topic.dlt}. Immutable; build with {@link #builder()}.
 *
 * <p><b>Stream names.</b> The stream of subject {@code s} is named {@code s} upper-cased with every
 * {@code '.'} replaced by {@code '_'}: topic {@code orders} → stream {@code ORDERS}, its
 * dead-letter subject {@code orders.dlt} → {@code ORDERS_DLT}, with prefix {@code shop}
 * → {@code SHOP_ORDERS}. When a stream already captures the subject (for example one created by
 * hand for {@code orders.>}), that stream is used instead and only validated.
 *
 * <p><b>Limits never evict silently.</b> By default a stream keeps everything ({@code limits}
 * retention without limits) and uses discard policy <em>new</em>: when a configured limit
 * ({@link #maxMessages()}, {@link #maxBytes()}) is reached, publishing fails with a
 * {@link dev.eventbus.core.api.PublishException} carrying the server's error instead of the server
 * dropping the oldest, possibly unconsumed, events. {@link Discard#OLD} restores the eviction
 * and must be chosen explicitly.
 */
public final class NatsStreamOptions {

	/** Storage of a stream. */
	public enum Storage {

		/** Messages persisted to disk (JetStream {@code file}). */
		FILE,

		/** Messages held in server memory, lost on restart (JetStream {@code memory}). */
		MEMORY

	}

	/** Retention policy of a stream. */
	public enum Retention {

		/** Kept until a limit (age, bytes, messages) is reached; every consumer group sees every event. */
		LIMITS,

		/** Kept until every consumer group that existed when it was stored acknowledged it. */
		INTEREST,

		/** Removed once acknowledged; allows one consumer group per topic only. */
		WORKQUEUE

	}

	/** What a stream does when a limit is reached. */
	public enum Discard {

		/** Refuse new messages: the publish fails with the server's error. The default. */
		NEW,

		/** Evict the oldest messages, even unconsumed ones. Never the default. */
		OLD

	}

	/** How streams (and their dead-letter streams) are provisioned at first use. */
	public enum Provisioning {

		/** Create a missing stream; update an existing one to the configured limits. The default. */
		CREATE_OR_UPDATE,

		/** Create a missing stream; leave an existing one as it is. */
		CREATE_ONLY,

		/** Never create or change: fail with a clear error if the stream is missing. */
		VALIDATE,

		/** Do nothing; the application or an operator provisions the streams. */
		SKIP

	}

	/** Default storage: file. */
	public static final Storage DEFAULT_STORAGE = Storage.FILE;

	/** Default retention: limits. */
	public static final Retention DEFAULT_RETENTION = Retention.LIMITS;

	/** Default discard policy: new, so a full stream is a publish error and nothing is evicted. */
	public static final Discard DEFAULT_DISCARD = Discard.NEW;

	/** Default maximum age of a message: zero, unlimited. */
	public static final Duration DEFAULT_MAX_AGE = Duration.ZERO;

	/** Default maximum stream size in bytes: -1, unlimited. */
	public static final long DEFAULT_MAX_BYTES = -1;

	/** Default maximum number of messages: -1, unlimited. */
	public static final long DEFAULT_MAX_MESSAGES = -1;

	/** Default number of replicas: 1. */
	public static final int DEFAULT_REPLICAS = 1;

	/** Default de-duplication window for {@code Nats-Msg-Id} (the event id): 2 minutes. */
	public static final Duration DEFAULT_DUPLICATE_WINDOW = Duration.ofMinutes(2);

	/** Default provisioning strategy: create or update. */
	public static final Provisioning DEFAULT_PROVISIONING = Provisioning.CREATE_OR_UPDATE;

	private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");

	private final Storage storage;

	private final Retention retention;

	private final Discard discard;

	private final Duration maxAge;

	private final long maxBytes;

	private final long maxMessages;

	private final int replicas;

	private final Duration duplicateWindow;

	private final @Nullable String subjectPrefix;

	private final Provisioning provisioning;

	private NatsStreamOptions(Builder builder) {
		this.storage = builder.storage;
		this.retention = builder.retention;
		this.discard = builder.discard;
		this.maxAge = builder.maxAge;
		this.maxBytes = builder.maxBytes;
		this.maxMessages = builder.maxMessages;
		this.replicas = builder.replicas;
		this.duplicateWindow = builder.duplicateWindow;
		this.subjectPrefix = builder.subjectPrefix;
		this.provisioning = builder.provisioning;
	}

	/** @return a builder with the defaults */
	public static Builder builder() {
		return new Builder();
	}

	/** @return the defaults */
	public static NatsStreamOptions defaults() {
		return builder().build();
	}

	/** @return storage of provisioned streams */
	public Storage storage() {
		return this.storage;
	}

	/** @return retention policy of provisioned streams */
	public Retention retention() {
		return this.retention;
	}

	/** @return what a full stream does: refuse new messages (default) or evict old ones */
	public Discard discard() {
		return this.discard;
	}

	/** @return maximum message age, zero for unlimited */
	public Duration maxAge() {
		return this.maxAge;
	}

	/** @return maximum stream size in bytes, -1 for unlimited */
	public long maxBytes() {
		return this.maxBytes;
	}

	/** @return maximum number of messages, -1 for unlimited */
	public long maxMessages() {
		return this.maxMessages;
	}

	/** @return number of replicas (1 to 5) */
	public int replicas() {
		return this.replicas;
	}

	/** @return de-duplication window of {@code Nats-Msg-Id} */
	public Duration duplicateWindow() {
		return this.duplicateWindow;
	}

	/** @return subject prefix (without trailing dot), or null for none */
	public @Nullable String subjectPrefix() {
		return this.subjectPrefix;
	}

	/** @return provisioning strategy */
	public Provisioning provisioning() {
		return this.provisioning;
	}

	/**
	 * @param topic a validated topic
	 * @return the subject of the topic: {@code [subjectPrefix.]topic}
	 */
	public String subject(String topic) {
		return (this.subjectPrefix != null) ? this.subjectPrefix + "." + topic : topic;
	}

	/**
	 * The stream name derived from a subject: upper-cased, {@code '.'} replaced by {@code '_'}
	 * ({@code shop.orders.dlt} → {@code SHOP_ORDERS_DLT}). Subjects that differ only in case or in
	 * {@code '.'} versus {@code '_'} map to the same stream, which then captures both subjects.
	 * @param subject a subject
	 * @return the stream name
	 */
	public static String streamName(String subject) {
		return subject.toUpperCase(java.util.Locale.ROOT).replace('.', '_');
	}

	@Override
	public String toString() {
		return "NatsStreamOptions{storage=" + this.storage + ", retention=" + this.retention + ", discard="
				+ this.discard + ", maxAge=" + this.maxAge + ", maxBytes=" + this.maxBytes + ", maxMessages="
				+ this.maxMessages + ", replicas=" + this.replicas + ", duplicateWindow=" + this.duplicateWindow
				+ ", subjectPrefix=" + this.subjectPrefix + ", provisioning=" + this.provisioning + "}";
	}

	/** Builds {@link NatsStreamOptions}; {@link #build()} rejects bad values naming the setting. */
	public static final class Builder {

		private Storage storage = DEFAULT_STORAGE;

		private Retention retention = DEFAULT_RETENTION;

		private Discard discard = DEFAULT_DISCARD;

		private Duration maxAge = DEFAULT_MAX_AGE;

		private long maxBytes = DEFAULT_MAX_BYTES;

		private long maxMessages = DEFAULT_MAX_MESSAGES;

		private int replicas = DEFAULT_REPLICAS;

		private Duration duplicateWindow = DEFAULT_DUPLICATE_WINDOW;

		private @Nullable String subjectPrefix;

		private Provisioning provisioning = DEFAULT_PROVISIONING;

		private Builder() {
		}

		/** @param storage file (default) or memory @return this builder */
		public Builder storage(Storage storage) {
			this.storage = Objects.requireNonNull(storage, "nats stream storage must not be null");
			return this;
		}

		/** @param retention limits (default), interest or workqueue @return this builder */
		public Builder retention(Retention retention) {
			this.retention = Objects.requireNonNull(retention, "nats stream retention must not be null");
			return this;
		}

		/** @param discard new (default: a full stream refuses publishes) or old (evicts) @return this builder */
		public Builder discard(Discard discard) {
			this.discard = Objects.requireNonNull(discard, "nats stream discard must not be null");
			return this;
		}

		/** @param maxAge maximum message age, zero for unlimited @return this builder */
		public Builder maxAge(Duration maxAge) {
			this.maxAge = maxAge;
			return this;
		}

		/** @param maxBytes maximum stream size in bytes, -1 for unlimited @return this builder */
		public Builder maxBytes(long maxBytes) {
			this.maxBytes = maxBytes;
			return this;
		}

		/** @param maxMessages maximum number of messages, -1 for unlimited @return this builder */
		public Builder maxMessages(long maxMessages) {
			this.maxMessages = maxMessages;
			return this;
		}

		/** @param replicas replicas, 1 to 5 @return this builder */
		public Builder replicas(int replicas) {
			this.replicas = replicas;
			return this;
		}

		/** @param duplicateWindow de-duplication window, positive @return this builder */
		public Builder duplicateWindow(Duration duplicateWindow) {
			this.duplicateWindow = duplicateWindow;
			return this;
		}

		/**
		 * @param subjectPrefix dot-separated tokens prepended to every topic ({@code shop} →
		 * {@code shop.orders}), null or empty for none
		 * @return this builder
		 */
		public Builder subjectPrefix(@Nullable String subjectPrefix) {
			this.subjectPrefix = (subjectPrefix == null || subjectPrefix.isEmpty()) ? null : subjectPrefix;
			return this;
		}

		/** @param provisioning create-or-update (default), create-only, validate or skip @return this builder */
		public Builder provisioning(Provisioning provisioning) {
			this.provisioning = Objects.requireNonNull(provisioning, "nats stream provisioning must not be null");
			return this;
		}

		/**
		 * @return the options
		 * @throws IllegalArgumentException naming the invalid setting
		 */
		public NatsStreamOptions build() {
			if (this.maxAge == null || this.maxAge.isNegative()) {
				throw new IllegalArgumentException(
						"nats stream max-age must be zero (unlimited) or positive but was " + this.maxAge);
			}
			if (this.maxBytes < -1 || this.maxBytes == 0) {
				throw new IllegalArgumentException(
						"nats stream max-bytes must be -1 (unlimited) or positive but was " + this.maxBytes);
			}
			if (this.maxMessages < -1 || this.maxMessages == 0) {
				throw new IllegalArgumentException(
						"nats stream max-messages must be -1 (unlimited) or positive but was " + this.maxMessages);
			}
			if (this.replicas < 1 || this.replicas > 5) {
				throw new IllegalArgumentException(
						"nats stream replicas must be between 1 and 5 but was " + this.replicas);
			}
			if (this.duplicateWindow == null || this.duplicateWindow.isNegative() || this.duplicateWindow.isZero()) {
				throw new IllegalArgumentException(
						"nats stream duplicate-window must be positive but was " + this.duplicateWindow);
			}
			if (!this.maxAge.isZero() && this.duplicateWindow.compareTo(this.maxAge) > 0) {
				throw new IllegalArgumentException("nats stream duplicate-window (" + this.duplicateWindow
						+ ") must not be longer than max-age (" + this.maxAge + ")");
			}
			if (this.subjectPrefix != null && !PREFIX.matcher(this.subjectPrefix).matches()) {
				throw new IllegalArgumentException("nats stream subject-prefix '" + this.subjectPrefix
						+ "' is invalid: use dot-separated tokens of letters, digits, '_' or '-' (no wildcards, "
						+ "no leading or trailing dot)");
			}
			return new NatsStreamOptions(this);
		}

	}

}

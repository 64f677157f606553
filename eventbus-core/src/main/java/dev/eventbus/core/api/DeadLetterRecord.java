package dev.eventbus.core.api;

import java.util.Map;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * What a dead letter says about the event it holds: why it was given up, after how many attempts,
 * the last exception, and where the original was consumed. Read it in a handler of the dead-letter
 * topic ({@link EventBus#deadLetterTopic(String)}):
 * <pre>{@code
 * bus.subscribe(bus.deadLetterTopic("orders"), byte[].class, SubscriptionOptions.builder("dlt-audit").build(),
 *         (event, context) -> DeadLetterRecord.from(context).ifPresent((dead) -> log.warn("{}", dead)));
 * }</pre>
 * Every dead letter carries CloudEvents headers, also when its original had none (a record from a
 * foreign producer), so a dead-letter topic can be consumed like any other; its payload is the
 * original payload, unchanged.
 *
 * @param reason {@link #REASON_FAILED}, {@link #REASON_FATAL} or {@link #REASON_POISON}
 * @param attempts handler attempts made (0 for poison)
 * @param exceptionClass class name of the last failure
 * @param exceptionMessage message of the last failure (may be empty; truncated to
 * {@value #MAX_MESSAGE_LENGTH} characters)
 * @param originalTopic topic the original was consumed from
 * @param partition Kafka partition of the original, or null
 * @param offset Kafka offset (memory: log position) of the original, or null
 * @param streamSequence JetStream stream sequence of the original, or null
 * @param group consumer group that gave up on it
 */
public record DeadLetterRecord(String reason, int attempts, String exceptionClass, String exceptionMessage,
		String originalTopic, @Nullable Integer partition, @Nullable Long offset, @Nullable Long streamSequence,
		String group) {

	/** The handler failed every attempt. */
	public static final String REASON_FAILED = "failed";

	/**
	 * The handler threw an exception that retrying cannot fix (a {@link RetryPolicy#fatalExceptions()
	 * fatal exception}, or one caused by it): dead-lettered after that attempt, without retries.
	 */
	public static final String REASON_FATAL = "fatal";

	/** The message could not be decoded or was not acceptable (undecodable, unknown type, missing header). */
	public static final String REASON_POISON = "poison";

	/** Header: topic the message was consumed from. */
	public static final String HEADER_ORIGINAL_TOPIC = "eventbus-dlt-original-topic";

	/** Header: Kafka partition of the original record. */
	public static final String HEADER_ORIGINAL_PARTITION = "eventbus-dlt-original-partition";

	/** Header: Kafka offset (or memory position) of the original record. */
	public static final String HEADER_ORIGINAL_OFFSET = "eventbus-dlt-original-offset";

	/** Header: JetStream stream sequence of the original message. */
	public static final String HEADER_ORIGINAL_SEQUENCE = "eventbus-dlt-original-sequence";

	/** Header: class name of the last exception. */
	public static final String HEADER_EXCEPTION_CLASS = "eventbus-dlt-exception-class";

	/** Header: message of the last exception, truncated to {@value #MAX_MESSAGE_LENGTH} characters. */
	public static final String HEADER_EXCEPTION_MESSAGE = "eventbus-dlt-exception-message";

	/** Header: number of handler attempts. */
	public static final String HEADER_ATTEMPTS = "eventbus-dlt-attempts";

	/** Header: {@code failed}, {@code fatal} or {@code poison}. */
	public static final String HEADER_REASON = "eventbus-dlt-reason";

	/** Header: consumer group that dead-lettered it. */
	public static final String HEADER_GROUP = "eventbus-dlt-group";

	/** Longest exception message copied into a header. */
	public static final int MAX_MESSAGE_LENGTH = 1024;

	/**
	 * The dead-letter view of a handled event.
	 * @param context the context a handler of a dead-letter topic received
	 * @return the view, or empty when the event is no dead letter (no {@link #HEADER_REASON} header)
	 */
	public static Optional<DeadLetterRecord> from(EventContext context) {
		return from(context.transportHeaders());
	}

	/**
	 * The dead-letter view of a message's headers, for code that reads a dead-letter topic with the
	 * raw Kafka or NATS client.
	 * @param headers the message headers (names as written: {@code eventbus-dlt-*})
	 * @return the view, or empty when the headers carry no {@link #HEADER_REASON}
	 */
	public static Optional<DeadLetterRecord> from(Map<String, String> headers) {
		String reason = headers.get(HEADER_REASON);
		if (reason == null) {
			return Optional.empty();
		}
		return Optional.of(new DeadLetterRecord(reason, parseInt(headers.get(HEADER_ATTEMPTS), 0),
				headers.getOrDefault(HEADER_EXCEPTION_CLASS, ""), headers.getOrDefault(HEADER_EXCEPTION_MESSAGE, ""),
				headers.getOrDefault(HEADER_ORIGINAL_TOPIC, ""), parseInteger(headers.get(HEADER_ORIGINAL_PARTITION)),
				parseLong(headers.get(HEADER_ORIGINAL_OFFSET)), parseLong(headers.get(HEADER_ORIGINAL_SEQUENCE)),
				headers.getOrDefault(HEADER_GROUP, "")));
	}

	/**
	 * Where the original was consumed, for messages: {@code orders partition 3 offset 17},
	 * {@code orders sequence 12} or {@code orders}.
	 * @return the description
	 */
	public String originalPosition() {
		StringBuilder where = new StringBuilder(this.originalTopic);
		if (this.partition != null) {
			where.append(" partition ").append(this.partition);
		}
		if (this.offset != null) {
			where.append(" offset ").append(this.offset);
		}
		if (this.streamSequence != null) {
			where.append(" sequence ").append(this.streamSequence);
		}
		return where.toString();
	}

	private static int parseInt(@Nullable String value, int otherwise) {
		Integer parsed = parseInteger(value);
		return (parsed != null) ? parsed : otherwise;
	}

	private static @Nullable Integer parseInteger(@Nullable String value) {
		Long parsed = parseLong(value);
		return (parsed != null && parsed >= Integer.MIN_VALUE && parsed <= Integer.MAX_VALUE) ? parsed.intValue()
				: null;
	}

	private static @Nullable Long parseLong(@Nullable String value) {
		if (value == null || value.isBlank()) {
			return null;
		}
		try {
			return Long.parseLong(value.trim());
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

}

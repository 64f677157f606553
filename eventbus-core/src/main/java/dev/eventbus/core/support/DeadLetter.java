package dev.eventbus.core.support;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.eventbus.core.codec.WireMessage;

import org.jspecify.annotations.Nullable;

/**
 * A message that failed every attempt, or could not be decoded, with the reason. Its
 * {@link #toWireMessage() wire form} is the original message (key, headers, payload unchanged) plus
 * the {@code eventbus-dlt-*} headers below.
 *
 * @param original the message as consumed
 * @param reason {@link #REASON_FAILED} or {@link #REASON_POISON}
 * @param exceptionClass class name of the last failure
 * @param exceptionMessage message of the last failure (may be empty)
 * @param attempts handler attempts made (0 for poison)
 * @param group consumer group that gave up on it
 */
public record DeadLetter(InboundMessage original, String reason, String exceptionClass, String exceptionMessage,
		int attempts, String group) {

	/** The handler failed every attempt. */
	public static final String REASON_FAILED = "failed";

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

	/** Header: {@code failed} or {@code poison}. */
	public static final String HEADER_REASON = "eventbus-dlt-reason";

	/** Header: consumer group that dead-lettered it. */
	public static final String HEADER_GROUP = "eventbus-dlt-group";

	/** Longest exception message copied into a header. */
	public static final int MAX_MESSAGE_LENGTH = 1024;

	/**
	 * Kafka and memory dead-letter topic of a topic.
	 * @param topic original topic
	 * @return {@code <topic>-dlt}
	 */
	public static String kafkaTopic(String topic) {
		return topic + "-dlt";
	}

	/**
	 * NATS dead-letter subject of a subject.
	 * @param subject original subject
	 * @return {@code <subject>.dlt}
	 */
	public static String natsSubject(String subject) {
		return subject + ".dlt";
	}

	/**
	 * The message to publish: the original key, headers and payload plus the dead-letter headers.
	 * Header values contain no control characters (line breaks in the message become spaces).
	 * @return the wire message
	 */
	public WireMessage toWireMessage() {
		Map<String, String> headers = new LinkedHashMap<>(this.original.wire().headers());
		headers.put(HEADER_ORIGINAL_TOPIC, this.original.topic());
		putIfPresent(headers, HEADER_ORIGINAL_PARTITION, this.original.partition());
		putIfPresent(headers, HEADER_ORIGINAL_OFFSET, this.original.offset());
		putIfPresent(headers, HEADER_ORIGINAL_SEQUENCE, this.original.streamSequence());
		headers.put(HEADER_EXCEPTION_CLASS, this.exceptionClass);
		headers.put(HEADER_EXCEPTION_MESSAGE, sanitize(this.exceptionMessage));
		headers.put(HEADER_ATTEMPTS, Integer.toString(this.attempts));
		headers.put(HEADER_REASON, this.reason);
		headers.put(HEADER_GROUP, this.group);
		return new WireMessage(this.original.wire().key(), headers, this.original.wire().payload());
	}

	private static void putIfPresent(Map<String, String> headers, String name, @Nullable Object value) {
		if (value != null) {
			headers.put(name, value.toString());
		}
	}

	private static String sanitize(String message) {
		String truncated = (message.length() > MAX_MESSAGE_LENGTH) ? message.substring(0, MAX_MESSAGE_LENGTH)
				: message;
		StringBuilder clean = new StringBuilder(truncated.length());
		for (int i = 0; i < truncated.length(); i++) {
			char c = truncated.charAt(i);
			clean.append(Character.isISOControl(c) ? ' ' : c);
		}
		return clean.toString();
	}

}

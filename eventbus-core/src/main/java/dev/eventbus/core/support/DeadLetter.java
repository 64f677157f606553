package dev.eventbus.core.support;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.eventbus.core.api.DeadLetterRecord;
import dev.eventbus.core.api.EventIds;
import dev.eventbus.core.codec.HeaderStyle;
import dev.eventbus.core.codec.WireMessage;

import org.jspecify.annotations.Nullable;

/**
 * A message that failed every attempt, or could not be decoded, with the reason. Its
 * {@link #toWireMessage(HeaderStyle) wire form} is the original message (key, headers, payload) plus
 * the {@code eventbus-dlt-*} headers of {@link DeadLetterRecord}, the public view applications read.
 *
 * @param original the message as consumed
 * @param reason {@link #REASON_FAILED}, {@link #REASON_FATAL} or {@link #REASON_POISON}
 * @param exceptionClass class name of the last failure
 * @param exceptionMessage message of the last failure (may be empty)
 * @param attempts handler attempts made (0 for poison)
 * @param group consumer group that gave up on it
 */
public record DeadLetter(InboundMessage original, String reason, String exceptionClass, String exceptionMessage,
		int attempts, String group) {

	/** See {@link DeadLetterRecord#REASON_FAILED}. */
	public static final String REASON_FAILED = DeadLetterRecord.REASON_FAILED;

	/** See {@link DeadLetterRecord#REASON_FATAL}. */
	public static final String REASON_FATAL = DeadLetterRecord.REASON_FATAL;

	/** See {@link DeadLetterRecord#REASON_POISON}. */
	public static final String REASON_POISON = DeadLetterRecord.REASON_POISON;

	/** See {@link DeadLetterRecord#HEADER_ORIGINAL_TOPIC}. */
	public static final String HEADER_ORIGINAL_TOPIC = DeadLetterRecord.HEADER_ORIGINAL_TOPIC;

	/** See {@link DeadLetterRecord#HEADER_ORIGINAL_PARTITION}. */
	public static final String HEADER_ORIGINAL_PARTITION = DeadLetterRecord.HEADER_ORIGINAL_PARTITION;

	/** See {@link DeadLetterRecord#HEADER_ORIGINAL_OFFSET}. */
	public static final String HEADER_ORIGINAL_OFFSET = DeadLetterRecord.HEADER_ORIGINAL_OFFSET;

	/** See {@link DeadLetterRecord#HEADER_ORIGINAL_SEQUENCE}. */
	public static final String HEADER_ORIGINAL_SEQUENCE = DeadLetterRecord.HEADER_ORIGINAL_SEQUENCE;

	/** See {@link DeadLetterRecord#HEADER_EXCEPTION_CLASS}. */
	public static final String HEADER_EXCEPTION_CLASS = DeadLetterRecord.HEADER_EXCEPTION_CLASS;

	/** See {@link DeadLetterRecord#HEADER_EXCEPTION_MESSAGE}. */
	public static final String HEADER_EXCEPTION_MESSAGE = DeadLetterRecord.HEADER_EXCEPTION_MESSAGE;

	/** See {@link DeadLetterRecord#HEADER_ATTEMPTS}. */
	public static final String HEADER_ATTEMPTS = DeadLetterRecord.HEADER_ATTEMPTS;

	/** See {@link DeadLetterRecord#HEADER_REASON}. */
	public static final String HEADER_REASON = DeadLetterRecord.HEADER_REASON;

	/** See {@link DeadLetterRecord#HEADER_GROUP}. */
	public static final String HEADER_GROUP = DeadLetterRecord.HEADER_GROUP;

	/** See {@link DeadLetterRecord#MAX_MESSAGE_LENGTH}. */
	public static final int MAX_MESSAGE_LENGTH = DeadLetterRecord.MAX_MESSAGE_LENGTH;

	/** CloudEvents type given to a dead letter whose original had none. */
	public static final String FOREIGN_TYPE = "dev.eventbus.DeadLetter";

	/** CloudEvents source given to a dead letter whose original had none. */
	public static final String FOREIGN_SOURCE = "eventbus";

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
	 * Header values contain no control characters (line breaks in the message become spaces). The
	 * CloudEvents attributes a consumer needs ({@code specversion}, {@code id}, {@code type},
	 * {@code source}) are filled in where the original lacked them or had them malformed, and a
	 * malformed {@code time} is dropped, so that the dead letter itself is a valid event: reading the
	 * dead-letter topic through the bus never turns it into poison again.
	 * @param style header naming of the transport
	 * @return the wire message
	 */
	public WireMessage toWireMessage(HeaderStyle style) {
		Map<String, String> headers = new LinkedHashMap<>(this.original.wire().headers());
		repairCloudEvents(headers, style);
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

	private static void repairCloudEvents(Map<String, String> headers, HeaderStyle style) {
		headers.put(style.header("specversion"), "1.0");
		fillIfBlank(headers, style.header("id"), EventIds.next());
		fillIfBlank(headers, style.header("type"), FOREIGN_TYPE);
		fillIfBlank(headers, style.header("source"), FOREIGN_SOURCE);
		String time = headers.get(style.header("time"));
		if (time != null) {
			try {
				Instant.parse(time.strip());
			}
			catch (DateTimeParseException ex) {
				headers.remove(style.header("time"));
			}
		}
		String version = headers.get(style.header("eventversion"));
		if (version != null && !version.strip().matches("[1-9][0-9]{0,8}")) {
			headers.remove(style.header("eventversion"));
		}
	}

	private static void fillIfBlank(Map<String, String> headers, String name, String value) {
		String current = headers.get(name);
		if (current == null || current.isBlank()) {
			headers.put(name, value);
		}
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

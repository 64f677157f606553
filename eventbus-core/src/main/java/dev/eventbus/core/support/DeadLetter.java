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

	/** CloudEvents type given to a dead letter whose original had none. */
	public static final String FOREIGN_TYPE = "dev.eventbus.DeadLetter";

	/** CloudEvents source given to a dead letter whose original had none. */
	public static final String FOREIGN_SOURCE = "eventbus";

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
		headers.put(DeadLetterRecord.HEADER_ORIGINAL_TOPIC, this.original.topic());
		putIfPresent(headers, DeadLetterRecord.HEADER_ORIGINAL_PARTITION, this.original.partition());
		putIfPresent(headers, DeadLetterRecord.HEADER_ORIGINAL_OFFSET, this.original.offset());
		putIfPresent(headers, DeadLetterRecord.HEADER_ORIGINAL_SEQUENCE, this.original.streamSequence());
		headers.put(DeadLetterRecord.HEADER_EXCEPTION_CLASS, this.exceptionClass);
		headers.put(DeadLetterRecord.HEADER_EXCEPTION_MESSAGE, sanitize(this.exceptionMessage));
		headers.put(DeadLetterRecord.HEADER_ATTEMPTS, Integer.toString(this.attempts));
		headers.put(DeadLetterRecord.HEADER_REASON, this.reason);
		headers.put(DeadLetterRecord.HEADER_GROUP, this.group);
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
		int max = DeadLetterRecord.MAX_MESSAGE_LENGTH;
		String truncated = (message.length() > max) ? message.substring(0, max) : message;
		StringBuilder clean = new StringBuilder(truncated.length());
		for (int i = 0; i < truncated.length(); i++) {
			char c = truncated.charAt(i);
			clean.append(Character.isISOControl(c) ? ' ' : c);
		}
		return clean.toString();
	}

}

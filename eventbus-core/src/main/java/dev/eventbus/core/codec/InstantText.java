package dev.eventbus.core.codec;

import java.time.Instant;
import java.time.format.DateTimeFormatter;

/**
 * Writes an {@link Instant} exactly as {@link DateTimeFormatter#ISO_INSTANT} does (RFC 3339, UTC,
 * the fraction in groups of three digits as needed), for the CloudEvents {@code time} header of
 * every published event. The date and time of day are formatted once per second and reused: events
 * published in one second share them, so the per-event work is the fraction only.
 */
final class InstantText {

	/** The second last formatted and its text without the zone designator. */
	private record Second(long epochSecond, String text) {
	}

	private static volatile Second last = new Second(0, "1970-01-01T00:00:00");

	private InstantText() {
	}

	static String format(Instant instant) {
		long epochSecond = instant.getEpochSecond();
		Second second = last;
		if (second.epochSecond() != epochSecond) {
			String text = DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochSecond(epochSecond));
			second = new Second(epochSecond, text.substring(0, text.length() - 1));
			last = second;
		}
		int nanos = instant.getNano();
		if (nanos == 0) {
			return second.text() + 'Z';
		}
		int digits;
		int fraction;
		if (nanos % 1_000_000 == 0) {
			digits = 3;
			fraction = nanos / 1_000_000;
		}
		else if (nanos % 1_000 == 0) {
			digits = 6;
			fraction = nanos / 1_000;
		}
		else {
			digits = 9;
			fraction = nanos;
		}
		String prefix = second.text();
		char[] text = new char[prefix.length() + 2 + digits];
		prefix.getChars(0, prefix.length(), text, 0);
		int position = prefix.length();
		text[position] = '.';
		for (int i = position + digits; i > position; i--) {
			text[i] = (char) ('0' + fraction % 10);
			fraction /= 10;
		}
		text[text.length - 1] = 'Z';
		return new String(text);
	}

}

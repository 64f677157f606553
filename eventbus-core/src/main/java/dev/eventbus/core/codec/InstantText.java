package dev.eventbus.core.codec;

import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;

import org.jspecify.annotations.Nullable;

/**
 * Writes an {@link Instant} exactly as {@link DateTimeFormatter#ISO_INSTANT} does (RFC 3339, UTC,
 * the fraction in groups of three digits as needed), for the CloudEvents {@code time} header of
 * every published event. The date and time of day are formatted once per second and reused: events
 * published in one second share them, so the per-event work is the fraction only.
 *
 * <p>{@link #parse} reads that same shape back without the general RFC 3339 parser: a consumed event's
 * {@code time} header is nearly always text the bus wrote, and the general parser costs about a
 * microsecond and 1.8 KB per event. Anything else (another offset, lowercase separators, a year
 * beyond 9999, no seconds) is left to the caller's general parser.
 */
final class InstantText {

	/** The second last formatted and its text without the zone designator. */
	private record Second(long epochSecond, String text) {
	}

	private static volatile Second last = new Second(0, "1970-01-01T00:00:00");

	/** Multipliers turning a fraction of 1 to 9 digits into nanoseconds, by digit count. */
	private static final int[] NANOS_PER_FRACTION_UNIT = { 0, 100_000_000, 10_000_000, 1_000_000, 100_000, 10_000,
			1_000, 100, 10, 1 };

	private InstantText() {
	}

	/**
	 * Reads {@code yyyy-MM-ddTHH:mm:ss} with an optional fraction of 1 to 9 digits and a {@code Z}
	 * suffix, the text {@link #format} writes (four-digit years), as
	 * {@link DateTimeFormatter#ISO_OFFSET_DATE_TIME} would read it.
	 * @param text a {@code time} header value
	 * @return the instant, or null when the text has another shape or an out-of-range field (then the
	 * general parser decides, and reports the error)
	 */
	static @Nullable Instant parse(String text) {
		int length = text.length();
		if (length < 20 || length == 21 || length > 30 || text.charAt(length - 1) != 'Z' || text.charAt(4) != '-'
				|| text.charAt(7) != '-' || text.charAt(10) != 'T' || text.charAt(13) != ':'
				|| text.charAt(16) != ':') {
			return null;
		}
		int year = digits(text, 0, 4);
		int month = digits(text, 5, 2);
		int day = digits(text, 8, 2);
		int hour = digits(text, 11, 2);
		int minute = digits(text, 14, 2);
		int second = digits(text, 17, 2);
		int nanos = 0;
		if (length > 20) {
			int fractionDigits = length - 21;
			int fraction = digits(text, 20, fractionDigits);
			if (text.charAt(19) != '.' || fraction < 0) {
				return null;
			}
			nanos = fraction * NANOS_PER_FRACTION_UNIT[fractionDigits];
		}
		if (year < 0 || month < 1 || month > 12 || day < 1 || day > 28 && day > monthLength(year, month) || hour < 0
				|| hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
			return null;
		}
		long epochDay = LocalDate.of(year, month, day).toEpochDay();
		return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600 + minute * 60 + second, nanos);
	}

	/** @return the decimal value of {@code count} ASCII digits from {@code start}, or -1 if one is not a digit */
	private static int digits(String text, int start, int count) {
		int value = 0;
		for (int i = start; i < start + count; i++) {
			int digit = text.charAt(i) - '0';
			if (digit < 0 || digit > 9) {
				return -1;
			}
			value = value * 10 + digit;
		}
		return value;
	}

	private static int monthLength(int year, int month) {
		return switch (month) {
			case 2 -> ((year % 4 == 0) && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
			case 4, 6, 9, 11 -> 30;
			default -> 31;
		};
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

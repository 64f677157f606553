package dev.eventbus.core.nats;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * NATS header values carry printable ASCII only (jnats rejects anything else), while an aggregate id,
 * a CloudEvents extension or a dead letter's exception message may hold any text. The bus
 * percent-encodes ({@code %XX} of the UTF-8 bytes, as the CloudEvents HTTP binding does) every
 * character outside {@code 0x20..0x7E}, and {@code %} itself, when it publishes, and decodes on
 * receipt; plain ASCII values go on the wire unchanged. A {@code %} not followed by two hex digits
 * is kept as it is, so values of foreign publishers read back as they were written.
 */
final class NatsHeaderValues {

	private static final char[] HEX = "0123456789ABCDEF".toCharArray();

	private NatsHeaderValues() {
	}

	/**
	 * @param value any text
	 * @return the value with every character outside printable ASCII, and {@code %}, percent-encoded
	 */
	static String encode(String value) {
		int first = firstToEncode(value);
		if (first < 0) {
			return value;
		}
		StringBuilder encoded = new StringBuilder(value.length() + 16).append(value, 0, first);
		for (int i = first; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c >= 0x20 && c <= 0x7E && c != '%') {
				encoded.append(c);
				continue;
			}
			int end = i + 1;
			if (Character.isHighSurrogate(c) && end < value.length() && Character.isLowSurrogate(value.charAt(end))) {
				end++;
			}
			for (byte b : value.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
				encoded.append('%').append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
			}
			i = end - 1;
		}
		return encoded.toString();
	}

	private static int firstToEncode(String value) {
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c < 0x20 || c > 0x7E || c == '%') {
				return i;
			}
		}
		return -1;
	}

	/**
	 * @param value a header value as read from the wire
	 * @return the text it encodes ({@code %XX} sequences decoded as UTF-8)
	 */
	static String decode(String value) {
		int percent = value.indexOf('%');
		if (percent < 0) {
			return value;
		}
		StringBuilder decoded = new StringBuilder(value.length()).append(value, 0, percent);
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		int i = percent;
		while (i < value.length()) {
			char c = value.charAt(i);
			if (c == '%' && i + 2 < value.length() && hex(value.charAt(i + 1)) >= 0 && hex(value.charAt(i + 2)) >= 0) {
				bytes.write((hex(value.charAt(i + 1)) << 4) | hex(value.charAt(i + 2)));
				i += 3;
				continue;
			}
			flush(bytes, decoded);
			decoded.append(c);
			i++;
		}
		flush(bytes, decoded);
		return decoded.toString();
	}

	private static void flush(ByteArrayOutputStream bytes, StringBuilder decoded) {
		if (bytes.size() > 0) {
			decoded.append(bytes.toString(StandardCharsets.UTF_8));
			bytes.reset();
		}
	}

	private static int hex(char c) {
		if (c >= '0' && c <= '9') {
			return c - '0';
		}
		if (c >= 'A' && c <= 'F') {
			return c - 'A' + 10;
		}
		if (c >= 'a' && c <= 'f') {
			return c - 'a' + 10;
		}
		return -1;
	}

}

package dev.eventbus.core.support;

import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * Hides the user-info ({@code user:password@}, {@code token@}) of server addresses before they are
 * shown: in log lines, exception messages, health details and the actuator endpoint. One rule for
 * every transport: {@code nats://user:secret@host:4222} becomes {@code nats://***@host:4222}, a Kafka
 * entry {@code user:secret@host:9092} (with or without a {@code SASL_SSL://} scheme) becomes
 * {@code ***@host:9092}. Text without user-info is returned unchanged. Stateless.
 */
public final class ServerUrls {

	/** What replaces the user-info: {@value}. */
	public static final String REDACTED = "***";

	/** {@code scheme://user-info@}: the user-info runs to the last '@' before the host. */
	private static final Pattern WITH_SCHEME = Pattern.compile("\\b([A-Za-z][A-Za-z0-9_+.-]*://)[^\\s/,\\[\\]()'\"]+@");

	/** {@code user-info@host:port} without a scheme, as Kafka's bootstrap servers take it. */
	private static final Pattern WITHOUT_SCHEME = Pattern
		.compile("(^|[\\s,\\[(='\"])(?![A-Za-z][A-Za-z0-9_+.-]*://)[^\\s/,\\[\\]()'\"=]+@(?=[A-Za-z0-9.\\-\\[\\]:]*:\\d)");

	private ServerUrls() {
	}

	/**
	 * @param text a server address, a list of them, or a message naming them
	 * @return the text with the user-info of every address replaced by {@value #REDACTED}; null for null
	 */
	public static @Nullable String redact(@Nullable String text) {
		if (text == null || text.indexOf('@') < 0) {
			return text;
		}
		String result = replace(WITH_SCHEME, text, "$1");
		return replace(WITHOUT_SCHEME, result, "$1");
	}

	/**
	 * @param servers server addresses
	 * @return them redacted, joined with {@code ", "} in brackets, as a list prints
	 */
	public static String redact(Collection<?> servers) {
		return servers.stream()
			.map((server) -> String.valueOf(redact(String.valueOf(server))))
			.collect(Collectors.joining(", ", "[", "]"));
	}

	/**
	 * @param failure a failure to describe
	 * @return {@code ExceptionClass: message} as {@link Throwable#toString()} prints it, with addresses redacted
	 */
	public static String describe(Throwable failure) {
		return String.valueOf(redact(failure.toString()));
	}

	private static String replace(Pattern pattern, String text, String keep) {
		Matcher matcher = pattern.matcher(text);
		StringBuilder result = new StringBuilder();
		while (matcher.find()) {
			matcher.appendReplacement(result, keep + Matcher.quoteReplacement(REDACTED) + "@");
		}
		matcher.appendTail(result);
		return result.toString();
	}

}

package dev.eventbus.core.support;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;

import dev.eventbus.core.api.InvalidEnvelopeException;

import org.jspecify.annotations.Nullable;

/**
 * Topic name rules shared by every transport: 1 to 249 of {@code [A-Za-z0-9._-]}, the intersection
 * of Kafka topic names and NATS subject tokens; no leading, trailing or doubled dot (an empty NATS
 * token).
 */
public final class Topics {

	/** Longest topic name (Kafka's limit). */
	public static final int MAX_LENGTH = 249;

	/** Longest dead-letter suffix accepted. */
	public static final int MAX_SUFFIX_LENGTH = 64;

	private Topics() {
	}

	/**
	 * @param topic a topic name from the application
	 * @return the topic
	 * @throws InvalidEnvelopeException (field {@code topic}) naming the topic and the rule it breaks
	 */
	public static String validate(@Nullable String topic) {
		if (topic == null || topic.isBlank()) {
			throw new InvalidEnvelopeException("topic", "topic must not be blank");
		}
		if (!hasValidCharacters(topic)) {
			throw new InvalidEnvelopeException("topic", "topic '" + topic
					+ "' is invalid: use 1 to 249 letters, digits, '.', '_' or '-'");
		}
		if (topic.startsWith(".") || topic.endsWith(".") || topic.contains("..")) {
			throw new InvalidEnvelopeException("topic",
					"topic '" + topic + "' is invalid: it must not start or end with '.' or contain '..'");
		}
		return topic;
	}

	/** A loop, not a regular expression: it runs on every publish. */
	private static boolean hasValidCharacters(String topic) {
		int length = topic.length();
		if (length > MAX_LENGTH) {
			return false;
		}
		for (int i = 0; i < length; i++) {
			char c = topic.charAt(i);
			boolean valid = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
					|| c == '_' || c == '-';
			if (!valid) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Validates the topics of a subscription; every transport's {@code subscribe} uses it.
	 * @param topics topic names from the application
	 * @return the topics in their given order, each once
	 * @throws InvalidEnvelopeException (field {@code topics}) when there is none, or (field
	 * {@code topic}) naming the first invalid one
	 */
	public static List<String> validateAll(@Nullable Collection<String> topics) {
		if (topics == null || topics.isEmpty()) {
			throw new InvalidEnvelopeException("topics", "subscribe needs at least one topic");
		}
		LinkedHashSet<String> unique = new LinkedHashSet<>();
		for (String topic : topics) {
			unique.add(validate(topic));
		}
		return new ArrayList<>(unique);
	}

	/**
	 * Validates a transport's dead-letter suffix, what its {@code deadLetterTopic(topic)} appends to a
	 * topic. The result must be a topic name too (Kafka topic, NATS subject tokens), so the suffix
	 * uses the characters of {@link #validate(String) topic names} and neither doubles a dot nor ends
	 * with one ({@code -dlt}, {@code .dlt}, {@code _dead} are fine; {@code .dlt.}, {@code ..dlt},
	 * {@code >} are not).
	 * @param setting the setting's name for the message, for example {@code kafka.deadLetterSuffix}
	 * @param suffix the suffix
	 * @return the suffix
	 * @throws IllegalArgumentException naming the setting and the rule the suffix breaks
	 */
	public static String validateDeadLetterSuffix(String setting, @Nullable String suffix) {
		if (suffix == null || suffix.isEmpty()) {
			throw new IllegalArgumentException(setting + " must not be empty: it is appended to a topic to name its "
					+ "dead-letter topic, for example -dlt or .dlt");
		}
		if (suffix.length() > MAX_SUFFIX_LENGTH || !hasValidCharacters(suffix)) {
			throw new IllegalArgumentException(setting + " '" + suffix + "' is invalid: use 1 to " + MAX_SUFFIX_LENGTH
					+ " letters, digits, '.', '_' or '-', valid in Kafka topic names and NATS subjects");
		}
		if (suffix.endsWith(".") || suffix.contains("..")) {
			throw new IllegalArgumentException(setting + " '" + suffix + "' is invalid: it must not end with '.' or "
					+ "contain '..' (an empty NATS subject token)");
		}
		return suffix;
	}

}

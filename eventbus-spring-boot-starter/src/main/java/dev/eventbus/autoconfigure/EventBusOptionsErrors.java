package dev.eventbus.autoconfigure;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import dev.eventbus.core.api.RetryPolicy;

/**
 * Turns the {@link IllegalArgumentException}s of the core options builders, which name settings
 * in their Java form ({@code kafka.consumer.fetchMaxWait}), into
 * {@link EventBusConfigurationException}s naming the property ({@code
 * eventbus.kafka.consumer.fetch-max-wait}).
 */
public final class EventBusOptionsErrors {

	private static final Pattern SETTING = Pattern.compile("\\b(kafka|nats|memory|executor|retry)((?:\\.[a-z][A-Za-z]*)+)");

	private static final Pattern DEAD_LETTER_SUFFIX = Pattern.compile("\\b(?:kafka|nats|memory)\\.deadLetterSuffix\\b");

	private static final Pattern PROPERTY = Pattern.compile("eventbus\\.[a-z0-9.-]*[a-z0-9]");

	/** Settings named with spaces: {@code nats publish max-in-flight}, {@code executor workers}, {@code retry jitter}. */
	private static final Pattern SPACED = Pattern.compile(
			"\\b(nats|memory|executor|retry)(?: (publish|stream|consumer|tls))? ([a-z]+(?:-[a-z]+)*|[a-z]+[A-Z][A-Za-z]*)(?= )");

	private EventBusOptionsErrors() {
	}

	/**
	 * @param prefix the property prefix of the options that were built, for example
	 * {@code eventbus.kafka}
	 * @param ex the builder's failure
	 * @return an exception naming the property and the fix
	 */
	public static EventBusConfigurationException translate(String prefix, IllegalArgumentException ex) {
		String message = toPropertyNames(String.valueOf(ex.getMessage()));
		Matcher matcher = PROPERTY.matcher(message);
		String property = matcher.find() ? matcher.group() : prefix;
		return new EventBusConfigurationException(property, message,
				"Change " + property + " (or the properties it conflicts with) as the message says; values set "
						+ "by eventbus.scenario can be overridden by setting the property explicitly.",
				ex);
	}

	/**
	 * Checks the {@code eventbus.retry.*} defaults on their own, so that a bad value is reported as
	 * the property it is (not as the first {@code @EventHandler} method that uses it), with or without
	 * handlers.
	 * @param retry the bound defaults
	 * @throws EventBusConfigurationException naming the property
	 */
	public static void validateRetryDefaults(EventBusProperties.Retry retry) {
		try {
			RetryPolicy.builder()
				.maxAttempts(retry.getMaxAttempts())
				.initialBackoff(retry.getInitialBackoff())
				.maxBackoff(retry.getMaxBackoff())
				.multiplier(retry.getMultiplier())
				.build();
		}
		catch (IllegalArgumentException ex) {
			throw translate("eventbus.retry", "retry", ex, "maxAttempts", "initialBackoff", "maxBackoff",
					"multiplier");
		}
	}

	/**
	 * For builders whose messages name their settings bare ({@code shutdownTimeout}, {@code retry
	 * initialBackoff}): each of {@code settings} (optionally after {@code group} and a space) becomes
	 * {@code prefix.kebab-name}.
	 * @param prefix the property prefix of the settings, for example {@code eventbus.retry}
	 * @param group the word the builder puts before a setting's name, for example {@code retry}, or
	 * null
	 * @param ex the builder's failure
	 * @param settings the settings' Java names, for example {@code initialBackoff}
	 * @return an exception naming the property and the fix
	 */
	public static EventBusConfigurationException translate(String prefix, @Nullable String group,
			IllegalArgumentException ex, String... settings) {
		String message = String.valueOf(ex.getMessage());
		for (String setting : settings) {
			String kebab = setting.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
			String before = (group != null) ? "(?:\\b" + Pattern.quote(group) + " )?" : "";
			message = message.replaceAll("(?<![\\w.-])" + before + "\\b" + Pattern.quote(setting) + "\\b",
					Matcher.quoteReplacement(prefix + "." + kebab));
		}
		Matcher matcher = PROPERTY.matcher(message);
		String property = matcher.find() ? matcher.group() : prefix;
		return new EventBusConfigurationException(property, message,
				"Change " + property + " as the message says.", ex);
	}

	/**
	 * @param message a message naming settings in their Java form
	 * @return the message naming them as {@code eventbus.*} properties
	 */
	static String toPropertyNames(String message) {
		// one property for every transport's dead-letter suffix
		message = DEAD_LETTER_SUFFIX.matcher(message).replaceAll("eventbus.dead-letter.suffix");
		Matcher spaced = SPACED.matcher(message);
		if (spaced.lookingAt()) {
			String group = (spaced.group(2) != null) ? "." + spaced.group(2) : "";
			String name = spaced.group(3).replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
			message = "eventbus." + spaced.group(1) + group + "." + name + message.substring(spaced.end());
		}
		Matcher matcher = SETTING.matcher(message);
		StringBuilder result = new StringBuilder();
		while (matcher.find()) {
			String kebab = matcher.group().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
			int start = matcher.start();
			boolean prefixed = start >= 9 && message.startsWith("eventbus.", start - 9);
			matcher.appendReplacement(result, Matcher.quoteReplacement(prefixed ? kebab : "eventbus." + kebab));
		}
		matcher.appendTail(result);
		return result.toString();
	}

}

package dev.eventbus.autoconfigure.endpoint;

import java.beans.PropertyDescriptor;
import java.time.Duration;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeanWrapper;
import org.springframework.beans.BeanWrapperImpl;
import org.springframework.util.unit.DataSize;

import dev.eventbus.core.support.ServerUrls;

/**
 * Flattens bound {@code @ConfigurationProperties} objects into {@code property-name -> value}
 * pairs, with secrets (passwords, tokens, seeds, JAAS configurations, credentials) replaced by
 * {@value #REDACTED} and the user-info of server addresses ({@code nats://user:password@host}) by
 * {@code ***} ({@link ServerUrls}). Stateless.
 */
final class EffectiveConfiguration {

	static final String REDACTED = "******";

	private static final Pattern SECRET = Pattern
		.compile(".*(password|secret|token|credentials|jaas|seed|key\\.password|private).*");

	private static final Set<Class<?>> SIMPLE = Set.of(String.class, Boolean.class, Integer.class, Long.class,
			Short.class, Double.class, Float.class, Duration.class, DataSize.class);

	private EffectiveConfiguration() {
	}

	/**
	 * @param prefix the properties' prefix, for example {@code eventbus.kafka}
	 * @param properties the bound properties object
	 * @return the flattened, redacted values, sorted by name
	 */
	static Map<String, @Nullable Object> flatten(String prefix, Object properties) {
		Map<String, @Nullable Object> result = new TreeMap<>();
		flatten(prefix, properties, result);
		return result;
	}

	private static void flatten(String prefix, Object bean, Map<String, @Nullable Object> result) {
		BeanWrapper wrapper = new BeanWrapperImpl(bean);
		for (PropertyDescriptor descriptor : wrapper.getPropertyDescriptors()) {
			if (descriptor.getReadMethod() == null || descriptor.getName().equals("class")) {
				continue;
			}
			String name = prefix + "." + kebab(descriptor.getName());
			Object value = wrapper.getPropertyValue(descriptor.getName());
			if (value == null || isSimple(value)) {
				result.put(name, redact(name, value));
			}
			else if (value instanceof Map<?, ?> map) {
				map.forEach((key, entry) -> {
					String entryName = name + "." + key;
					result.put(entryName, redact(entryName, (entry != null) ? entry.toString() : null));
				});
			}
			else if (value instanceof Collection<?> collection) {
				result.put(name, redact(name, collection.stream().map((entry) -> ServerUrls.redact(String.valueOf(entry))).toList()));
			}
			else {
				flatten(name, value, result);
			}
		}
	}

	private static boolean isSimple(Object value) {
		return SIMPLE.contains(value.getClass()) || value instanceof Enum<?>;
	}

	private static @Nullable Object redact(String name, @Nullable Object value) {
		if (value == null) {
			return null;
		}
		if (SECRET.matcher(name.toLowerCase(Locale.ROOT)).matches()) {
			return REDACTED;
		}
		if (value instanceof Enum<?> constant) {
			return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
		}
		if (value instanceof String text) {
			return ServerUrls.redact(text);
		}
		return (value instanceof Duration || value instanceof DataSize) ? value.toString() : value;
	}

	static String kebab(String name) {
		return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
	}

}

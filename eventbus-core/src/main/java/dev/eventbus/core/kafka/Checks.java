package dev.eventbus.core.kafka;

import java.time.Duration;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/** Validation helpers of the option builders; every message names the setting. */
final class Checks {

	private Checks() {
	}

	static Duration positive(String setting, @Nullable Duration value) {
		if (value == null || value.isZero() || value.isNegative()) {
			throw new IllegalArgumentException(setting + " must be a positive duration but was " + value);
		}
		return value;
	}

	static Duration notNegative(String setting, @Nullable Duration value) {
		if (value == null || value.isNegative()) {
			throw new IllegalArgumentException(setting + " must not be negative but was " + value);
		}
		return value;
	}

	static int millis(String setting, Duration value) {
		long millis = value.toMillis();
		if (millis > Integer.MAX_VALUE) {
			throw new IllegalArgumentException(setting + " must be at most " + Integer.MAX_VALUE + " ms but was " + value);
		}
		return (int) millis;
	}

	static long atLeast(String setting, long value, long min) {
		if (value < min) {
			throw new IllegalArgumentException(setting + " must be at least " + min + " but was " + value);
		}
		return value;
	}

	static String oneOf(String setting, @Nullable String value, String... allowed) {
		if (value != null) {
			for (String candidate : allowed) {
				if (candidate.equalsIgnoreCase(value.trim())) {
					return candidate;
				}
			}
		}
		throw new IllegalArgumentException(
				setting + " '" + value + "' is not supported: use one of " + String.join(", ", allowed));
	}

	static Map<String, String> properties(String setting, @Nullable Map<String, String> properties) {
		if (properties == null) {
			throw new IllegalArgumentException(setting + " must not be null");
		}
		properties.forEach((key, value) -> {
			if (key == null || key.isBlank() || value == null) {
				throw new IllegalArgumentException(
						setting + " must map non-blank client setting names to values but had " + key + "=" + value);
			}
		});
		return Map.copyOf(properties);
	}

}

package dev.eventbus.autoconfigure;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.util.ClassUtils;

import dev.eventbus.core.api.RetryPolicy;

/**
 * Builds the bus's default {@link RetryPolicy} from {@code eventbus.retry.*}: attempts, backoff,
 * jitter and the fatal exceptions (the core defaults plus the classes named in
 * {@code eventbus.retry.fatal-exceptions}). {@code @EventHandler} attributes start from it.
 */
public final class RetryPolicyMapper {

	/** The property naming the extra fatal exceptions. */
	public static final String FATAL_EXCEPTIONS_PROPERTY = "eventbus.retry.fatal-exceptions";

	private RetryPolicyMapper() {
	}

	/**
	 * @param retry the bound {@code eventbus.retry} properties
	 * @param classLoader loads the classes named in {@code eventbus.retry.fatal-exceptions} (null: the
	 * default class loader)
	 * @return the validated policy
	 * @throws EventBusConfigurationException naming the property at fault: an invalid value, or a
	 * fatal-exceptions entry that is no exception class on the classpath
	 */
	public static RetryPolicy defaultPolicy(EventBusProperties.Retry retry, @Nullable ClassLoader classLoader) {
		RetryPolicy.Builder builder = RetryPolicy.builder()
			.maxAttempts(retry.getMaxAttempts())
			.initialBackoff(retry.getInitialBackoff())
			.maxBackoff(retry.getMaxBackoff())
			.multiplier(retry.getMultiplier())
			.jitter(retry.getJitter());
		List<String> names = retry.getFatalExceptions();
		for (int i = 0; i < names.size(); i++) {
			builder.addFatalException(resolve(FATAL_EXCEPTIONS_PROPERTY + "[" + i + "]", names.get(i), classLoader));
		}
		try {
			return builder.build();
		}
		catch (IllegalArgumentException ex) {
			throw EventBusOptionsErrors.translate("eventbus.retry", ex);
		}
	}

	private static Class<? extends Throwable> resolve(String property, @Nullable String name,
			@Nullable ClassLoader classLoader) {
		String className = (name != null) ? name.trim() : "";
		if (className.isEmpty()) {
			throw new EventBusConfigurationException(property, property + " is blank",
					"Name an exception class, fully qualified, for example com.example.PaymentDeclinedException, "
							+ "or remove the entry from " + FATAL_EXCEPTIONS_PROPERTY + ".");
		}
		Class<?> type;
		try {
			type = ClassUtils.forName(className, (classLoader != null) ? classLoader : ClassUtils.getDefaultClassLoader());
		}
		catch (ClassNotFoundException | LinkageError ex) {
			throw new EventBusConfigurationException(property, property + " names the class '" + className
					+ "', which is not on the classpath",
					"Write the exception's fully qualified class name (for example com.example.PaymentDeclinedException; "
							+ "nested classes as com.example.Outer$Inner or com.example.Outer.Inner), or remove it from "
							+ FATAL_EXCEPTIONS_PROPERTY + ".",
					ex);
		}
		if (!Throwable.class.isAssignableFrom(type)) {
			throw new EventBusConfigurationException(property,
					property + " names the class '" + className + "', which is not an exception (not a Throwable)",
					"List exception classes only in " + FATAL_EXCEPTIONS_PROPERTY + ".");
		}
		return type.asSubclass(Throwable.class);
	}

}

package dev.eventbus.autoconfigure;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;

/**
 * Explains an {@code eventbus.*} property whose value cannot be converted, such as an unknown
 * {@code eventbus.transport} or {@code eventbus.scenario}: names the property, the value and the
 * accepted values. Runs before Boot's generic bind analyzer.
 */
class EventBusBindFailureAnalyzer extends AbstractFailureAnalyzer<BindException> implements Ordered {

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	@Override
	protected @Nullable FailureAnalysis analyze(Throwable rootFailure, BindException cause) {
		String name = cause.getName().toString();
		if (!name.startsWith("eventbus")) {
			return null;
		}
		Object value = (cause.getProperty() != null) ? cause.getProperty().getValue() : null;
		Class<?> target = cause.getTarget().getType().resolve();
		StringBuilder description = new StringBuilder();
		description.append("The value '").append(value).append("' of property ").append(name)
			.append(" is invalid");
		if (cause.getProperty() != null && cause.getProperty().getOrigin() != null) {
			description.append(" (from ").append(cause.getProperty().getOrigin()).append(")");
		}
		String action;
		if (target != null && target.isEnum()) {
			String accepted = Arrays.stream(target.getEnumConstants())
				.map((constant) -> ((Enum<?>) constant).name().toLowerCase(Locale.ROOT).replace('_', '-'))
				.collect(Collectors.joining(", "));
			description.append(": it is not one of the accepted values");
			action = "Set " + name + " to one of: " + accepted + ".";
		}
		else {
			Throwable root = cause;
			while (root.getCause() != null) {
				root = root.getCause();
			}
			description.append(": ").append(root.getMessage());
			action = "Set " + name + " to a valid "
					+ ((target != null) ? target.getSimpleName() : "value")
					+ " (durations like 500ms or 10s, sizes like 100KB or 10MB).";
		}
		return new FailureAnalysis(description.toString(), action, cause);
	}

}

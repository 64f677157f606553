package dev.eventbus.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an {@link EventBusConfigurationException}: the property at fault, what is wrong and how
 * to fix it.
 */
class EventBusConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<EventBusConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, EventBusConfigurationException cause) {
		return new FailureAnalysis("Invalid event bus configuration (property " + cause.property() + "):\n\n    "
				+ cause.getMessage(), cause.action(), cause);
	}

}

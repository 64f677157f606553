package dev.eventbus.autoconfigure;

import java.time.Duration;
import java.util.Map;

/**
 * Checks that the selected transport's broker is reachable, for the {@code eventbus} health
 * indicator. Each transport auto-configuration registers one under the bean name
 * {@code eventBusTransportProbe}.
 */
@FunctionalInterface
public interface EventBusTransportProbe {

	/**
	 * Asks the broker for a sign of life, waiting at most {@code timeout}.
	 * @param timeout the longest wait
	 * @return details to show in the health response (camelCase keys)
	 * @throws Exception when the broker did not answer in time or refused
	 */
	Map<String, Object> probe(Duration timeout) throws Exception;

}

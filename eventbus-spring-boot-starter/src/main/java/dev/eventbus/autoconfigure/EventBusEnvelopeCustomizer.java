package dev.eventbus.autoconfigure;

import dev.eventbus.core.api.Envelope;

/**
 * Adjusts every envelope before the bus publishes it, for example to add the current trace
 * context or a tenant id. Customizer beans are applied in their {@code @Order}; each receives the
 * result of the previous one. Called on the publishing thread; must be fast and thread-safe.
 */
@FunctionalInterface
public interface EventBusEnvelopeCustomizer {

	/**
	 * @param topic the destination topic
	 * @param envelope the envelope as the application (or the previous customizer) built it
	 * @return the envelope to publish; {@code envelope} itself when nothing changes
	 */
	Envelope<?> customize(String topic, Envelope<?> envelope);

}

package dev.eventbus.autoconfigure.nats;

import dev.eventbus.core.nats.NatsOptions;

/**
 * Adjusts the NATS transport's options after they were mapped from {@code eventbus.nats.*} and
 * before the bus connects, for settings that are not properties (for example an
 * {@code SSLContext}). Customizer beans are applied in their {@code @Order}.
 */
@FunctionalInterface
public interface EventBusNatsOptionsCustomizer {

	/**
	 * @param options the options builder, pre-filled from the properties
	 */
	void customize(NatsOptions.Builder options);

}

package dev.eventbus.autoconfigure.nats;

import io.nats.client.Options;

/**
 * Adjusts the jnats connection options of the NATS bus, for what {@code eventbus.nats.*} and
 * {@link EventBusNatsOptionsCustomizer} do not cover (an {@code AuthHandler}, a
 * {@code StatisticsCollector}, more servers, ...). The connection lives inside the bus and is never
 * a bean.
 *
 * <p>Customizer beans are applied in their {@code @Order}, once, on the thread creating the
 * {@code eventBus} bean, after every setting was derived from the options and before the
 * connection is opened. The connection and error listeners belong to the bus (its connection status
 * and health follow them) and must not be replaced.
 */
@FunctionalInterface
public interface EventBusNatsConnectionOptionsCustomizer {

	/**
	 * @param options the jnats options builder, pre-filled from the bus's options
	 */
	void customize(Options.Builder options);

}

package dev.eventbus.sample.orders;

/**
 * An order left the warehouse.
 *
 * @param orderId order id
 * @param carrier carrier name
 * @param trackingNumber carrier's tracking number
 */
public record OrderShipped(String orderId, String carrier, String trackingNumber) implements OrderEvent {

	/** Event type. */
	public static final String TYPE = "OrderShipped";

	@Override
	public String eventType() {
		return TYPE;
	}

}

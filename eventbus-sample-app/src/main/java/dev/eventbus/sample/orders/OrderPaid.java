package dev.eventbus.sample.orders;

/**
 * An order was paid.
 *
 * @param orderId order id
 * @param paymentId payment reference
 */
public record OrderPaid(String orderId, String paymentId) implements OrderEvent {

	/** Event type. */
	public static final String TYPE = "OrderPaid";

	@Override
	public String eventType() {
		return TYPE;
	}

}

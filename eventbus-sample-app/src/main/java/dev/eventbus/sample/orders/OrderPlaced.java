package dev.eventbus.sample.orders;

import java.math.BigDecimal;
import java.util.List;

/**
 * A customer placed an order.
 *
 * @param orderId order id
 * @param customer customer name; {@code poison} makes billing fail every attempt (dead-letter demo),
 * {@code flaky} makes it fail the first attempt only (retry demo)
 * @param amount order total, not negative
 * @param items ordered items
 */
public record OrderPlaced(String orderId, String customer, BigDecimal amount, List<String> items) implements OrderEvent {

	/** Event type. */
	public static final String TYPE = "OrderPlaced";

	@Override
	public String eventType() {
		return TYPE;
	}

}

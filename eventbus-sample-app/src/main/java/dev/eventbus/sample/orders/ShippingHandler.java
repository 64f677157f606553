package dev.eventbus.sample.orders;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.eventbus.core.api.EventContext;
import dev.eventbus.core.api.EventHandler;

import org.springframework.stereotype.Component;

/**
 * Shipping: gets a paid order ready and records its shipment. Because the events of one order are
 * handled in order, it always sees OrderPaid before the OrderShipped of the same order.
 */
@Component
public class ShippingHandler {

	private static final Log logger = LogFactory.getLog(ShippingHandler.class);

	private final OrderBook book;

	public ShippingHandler(OrderBook book) {
		this.book = book;
	}

	@EventHandler(topics = OrderTopics.ORDERS, group = OrderTopics.SHIPPING)
	public void on(OrderEvent event, EventContext context) {
		if (event instanceof OrderPaid paid) {
			this.book.update(paid.orderId(), (view) -> view.withShipment("ready"));
			logger.info("shipping: order " + paid.orderId() + " is paid, ready to ship");
		}
		else if (event instanceof OrderShipped shipped) {
			this.book.update(shipped.orderId(), (view) -> view
				.withShipment("shipped via " + shipped.carrier() + " (" + shipped.trackingNumber() + ")"));
			logger.info("shipping: order " + shipped.orderId() + " shipped via " + shipped.carrier());
		}
	}

}

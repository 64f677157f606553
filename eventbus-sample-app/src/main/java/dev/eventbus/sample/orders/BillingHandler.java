package dev.eventbus.sample.orders;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.eventbus.core.api.EventContext;
import dev.eventbus.core.api.EventHandler;

import org.springframework.stereotype.Component;

/**
 * Billing: invoices placed orders and records payments. Shows retry and dead-lettering: an order of
 * customer {@value OrderTopics#FLAKY_CUSTOMER} fails its first attempt and succeeds on the retry; an
 * order of customer {@value OrderTopics#POISON_CUSTOMER} fails all three attempts and lands in the
 * dead-letter topic, while later events of the same order wait in its lane and other orders go on.
 */
@Component
public class BillingHandler {

	private static final Log logger = LogFactory.getLog(BillingHandler.class);

	private final OrderBook book;

	public BillingHandler(OrderBook book) {
		this.book = book;
	}

	@EventHandler(topics = OrderTopics.ORDERS, group = OrderTopics.BILLING, maxAttempts = 3,
			initialBackoff = "200ms", maxBackoff = "1s")
	public void on(OrderEvent event, EventContext context) {
		if (event instanceof OrderPlaced placed) {
			invoice(placed, context);
		}
		else if (event instanceof OrderPaid paid) {
			this.book.update(paid.orderId(), (view) -> view.withPayment(paid.paymentId()));
			logger.info("billing: order " + paid.orderId() + " paid (" + paid.paymentId() + ")");
		}
	}

	private void invoice(OrderPlaced placed, EventContext context) {
		this.book.update(placed.orderId(), OrderView::withBillingAttempt);
		if (OrderTopics.POISON_CUSTOMER.equals(placed.customer())) {
			logger.warn("billing: declining order " + placed.orderId() + " of customer 'poison', attempt "
					+ context.attempt());
			throw new PaymentDeclinedException("customer 'poison' is blocked for payment (order "
					+ placed.orderId() + ")");
		}
		if (OrderTopics.FLAKY_CUSTOMER.equals(placed.customer()) && context.attempt() == 1) {
			logger.warn("billing: payment provider timed out for order " + placed.orderId() + ", attempt 1");
			throw new PaymentDeclinedException("payment provider timed out (simulated, first attempt only)");
		}
		String invoice = "INV-" + placed.orderId();
		this.book.update(placed.orderId(), (view) -> view.withInvoice(placed.customer(), placed.amount(), invoice));
		logger.info("billing: invoiced order " + placed.orderId() + " for " + placed.amount() + " as " + invoice
				+ " (attempt " + context.attempt() + ", " + context.transport() + " " + context.topic()
				+ describePosition(context) + ")");
	}

	static String describePosition(EventContext context) {
		if (context.partition() != null) {
			return " partition " + context.partition() + " offset " + context.offset();
		}
		if (context.streamSequence() != null) {
			return " sequence " + context.streamSequence();
		}
		return (context.offset() != null) ? " position " + context.offset() : "";
	}

}

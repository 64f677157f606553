package dev.eventbus.sample.orders;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What the handlers know about one order, as returned by {@code GET /orders/{id}}. Immutable; the
 * {@link OrderBook} replaces it atomically.
 *
 * @param orderId order id
 * @param customer customer, once billing saw the order
 * @param amount amount, once billing saw the order
 * @param invoice billing's invoice number, null until invoiced
 * @param paymentId payment reference, null until billing saw the payment
 * @param shipment shipping's state: null, {@code ready} (paid, waiting for the carrier) or
 * {@code shipped via <carrier> (<tracking>)}
 * @param billingAttempts billing handler attempts on the OrderPlaced event (more than 1 after a retry)
 * @param audit every event the audit group saw, in order: {@code <type> <eventId> attempt <n>}
 */
public record OrderView(String orderId, @Nullable String customer, @Nullable BigDecimal amount,
		@Nullable String invoice, @Nullable String paymentId, @Nullable String shipment, int billingAttempts,
		List<String> audit) {

	static OrderView empty(String orderId) {
		return new OrderView(orderId, null, null, null, null, null, 0, List.of());
	}

	OrderView withInvoice(String customer, BigDecimal amount, String invoice) {
		return new OrderView(this.orderId, customer, amount, invoice, this.paymentId, this.shipment,
				this.billingAttempts, this.audit);
	}

	OrderView withBillingAttempt() {
		return new OrderView(this.orderId, this.customer, this.amount, this.invoice, this.paymentId, this.shipment,
				this.billingAttempts + 1, this.audit);
	}

	OrderView withPayment(String paymentId) {
		return new OrderView(this.orderId, this.customer, this.amount, this.invoice, paymentId, this.shipment,
				this.billingAttempts, this.audit);
	}

	OrderView withShipment(String shipment) {
		return new OrderView(this.orderId, this.customer, this.amount, this.invoice, this.paymentId, shipment,
				this.billingAttempts, this.audit);
	}

	OrderView withAudit(String entry) {
		List<String> entries = new ArrayList<>(this.audit);
		entries.add(entry);
		return new OrderView(this.orderId, this.customer, this.amount, this.invoice, this.paymentId, this.shipment,
				this.billingAttempts, List.copyOf(entries));
	}

}

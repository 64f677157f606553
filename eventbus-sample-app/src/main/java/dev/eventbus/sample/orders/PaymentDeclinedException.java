package dev.eventbus.sample.orders;

/** Billing rejected an order; thrown by the billing handler to trigger a retry, then dead-lettering. */
public class PaymentDeclinedException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/** @param message why */
	public PaymentDeclinedException(String message) {
		super(message);
	}

}

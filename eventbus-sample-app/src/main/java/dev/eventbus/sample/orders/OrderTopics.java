package dev.eventbus.sample.orders;

/** Topic and consumer group names of the orders service. */
public final class OrderTopics {

	/** Topic of every order event, keyed by order id. */
	public static final String ORDERS = "orders";

	/** Consumer group that invoices orders; shows retry and dead-lettering. */
	public static final String BILLING = "billing";

	/** Consumer group that ships paid orders. */
	public static final String SHIPPING = "shipping";

	/** Consumer group that records every event. */
	public static final String AUDIT = "audit";

	/** Consumer group of the dead-letter logger. */
	public static final String DEAD_LETTER_LOG = "dead-letter-log";

	/** Customer name whose orders billing always rejects, to show dead-lettering. */
	public static final String POISON_CUSTOMER = "poison";

	/** Customer name whose orders billing rejects on the first attempt only, to show a retry. */
	public static final String FLAKY_CUSTOMER = "flaky";

	private OrderTopics() {
	}

}

package dev.eventbus.sample.orders;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * An event of an order's life, published on the {@value OrderTopics#ORDERS} topic keyed by the order
 * id, so that every group sees one order's events in order (placed, paid, shipped).
 *
 * <p>The JSON payload names its type (like the CloudEvents {@code type} header does), so that one
 * handler method can take any order event and switch on it.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "kind")
@JsonSubTypes({ @JsonSubTypes.Type(value = OrderPlaced.class, name = OrderPlaced.TYPE),
		@JsonSubTypes.Type(value = OrderPaid.class, name = OrderPaid.TYPE),
		@JsonSubTypes.Type(value = OrderShipped.class, name = OrderShipped.TYPE) })
public sealed interface OrderEvent permits OrderPlaced, OrderPaid, OrderShipped {

	/** @return the order id, also the event's aggregate id (ordering key) */
	String orderId();

	/** @return the event type, used as the CloudEvents {@code type} */
	String eventType();

}

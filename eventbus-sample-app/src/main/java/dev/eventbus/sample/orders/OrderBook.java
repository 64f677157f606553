package dev.eventbus.sample.orders;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

import org.springframework.stereotype.Component;

/**
 * In-memory read model of the orders, updated by the handlers of every group and read by the REST
 * API. Thread-safe: handler workers of different groups update one order concurrently through
 * {@link ConcurrentHashMap#compute}; the REST threads read snapshots.
 */
@Component
public class OrderBook {

	private static final int MAX_ORDERS = 10_000;

	private final Map<String, OrderView> orders = new ConcurrentHashMap<>();

	/**
	 * Applies a change to an order, creating its view when absent.
	 * @param orderId order id
	 * @param change the change
	 * @return the new view
	 */
	public OrderView update(String orderId, UnaryOperator<OrderView> change) {
		if (this.orders.size() >= MAX_ORDERS && !this.orders.containsKey(orderId)) {
			// A demo read model, not a database: stay bounded when someone posts a flood of orders.
			this.orders.clear();
		}
		return this.orders.compute(orderId, (id, view) -> change.apply((view != null) ? view : OrderView.empty(id)));
	}

	/**
	 * @param orderId order id
	 * @return the order's view, if any handler saw it
	 */
	public Optional<OrderView> find(String orderId) {
		return Optional.ofNullable(this.orders.get(orderId));
	}

	/** @return a snapshot of every known order */
	public Collection<OrderView> all() {
		return List.copyOf(this.orders.values());
	}

}

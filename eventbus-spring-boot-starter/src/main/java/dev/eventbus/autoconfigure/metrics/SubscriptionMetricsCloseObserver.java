package dev.eventbus.autoconfigure.metrics;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.ObjectProvider;

import dev.eventbus.core.api.Subscription;
import dev.eventbus.core.metrics.EventBusObserver;
import dev.eventbus.core.metrics.SubscriptionMetrics;

/**
 * Removes a subscription's meters the moment it closes, however it was closed (an
 * {@code @EventHandler} drained on shutdown, or application code calling
 * {@link Subscription#close()} on a subscription of its own), instead of at the next refresh of
 * {@link SubscriptionMetricsRefresher}. Looks {@link SubscriptionMetrics} up at the close, because
 * those meters need the bus that this observer is part of. Called on the closing thread.
 */
final class SubscriptionMetricsCloseObserver implements EventBusObserver {

	private final ObjectProvider<SubscriptionMetrics> metrics;

	SubscriptionMetricsCloseObserver(ObjectProvider<SubscriptionMetrics> metrics) {
		this.metrics = metrics;
	}

	@Override
	public void subscriptionClosed(String transport, Subscription subscription) {
		SubscriptionMetrics subscriptionMetrics;
		try {
			subscriptionMetrics = this.metrics.getIfAvailable();
		}
		catch (BeansException ex) {
			// the context is shutting down: the refresher's stop already removed every meter
			return;
		}
		if (subscriptionMetrics != null) {
			subscriptionMetrics.closed(subscription);
		}
	}

}

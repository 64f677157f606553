package dev.eventbus.autoconfigure;

import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.eventbus.core.api.Subscription;
import dev.eventbus.core.metrics.EventBusObserver;

/**
 * Fans the bus's measurements out to several observers, in order. Thread-safe (immutable list).
 */
final class CompositeEventBusObserver implements EventBusObserver {

	private final List<EventBusObserver> observers;

	CompositeEventBusObserver(List<EventBusObserver> observers) {
		this.observers = List.copyOf(observers);
	}

	static EventBusObserver of(List<EventBusObserver> observers) {
		if (observers.isEmpty()) {
			return EventBusObserver.NOOP;
		}
		return (observers.size() == 1) ? observers.get(0) : new CompositeEventBusObserver(observers);
	}

	@Override
	public void published(String transport, String topic, long nanos, @Nullable Throwable error) {
		for (EventBusObserver observer : this.observers) {
			observer.published(transport, topic, nanos, error);
		}
	}

	@Override
	public void handled(String transport, String topic, String group, long nanos, @Nullable Throwable error) {
		for (EventBusObserver observer : this.observers) {
			observer.handled(transport, topic, group, nanos, error);
		}
	}

	@Override
	public void consumed(String transport, String topic, String group, String outcome, long nanos,
			@Nullable Throwable error) {
		for (EventBusObserver observer : this.observers) {
			observer.consumed(transport, topic, group, outcome, nanos, error);
		}
	}

	@Override
	public void subscriptionClosed(String transport, Subscription subscription) {
		for (EventBusObserver observer : this.observers) {
			observer.subscriptionClosed(transport, subscription);
		}
	}

}

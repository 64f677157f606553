package dev.eventbus.autoconfigure;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.api.EventListener;
import dev.eventbus.core.api.PublishReceipt;
import dev.eventbus.core.api.Subscription;
import dev.eventbus.core.api.SubscriptionOptions;

/**
 * Applies the {@link EventBusEnvelopeCustomizer}s to every published envelope, then delegates.
 * Stateless apart from the immutable customizer list, so thread-safe.
 */
final class CustomizingEventBus implements EventBus {

	private final EventBus delegate;

	private final List<EventBusEnvelopeCustomizer> customizers;

	CustomizingEventBus(EventBus delegate, List<EventBusEnvelopeCustomizer> customizers) {
		this.delegate = delegate;
		this.customizers = List.copyOf(customizers);
	}

	EventBus delegate() {
		return this.delegate;
	}

	@Override
	public CompletableFuture<PublishReceipt> publish(String topic, Envelope<?> envelope) {
		Envelope<?> customized = envelope;
		for (EventBusEnvelopeCustomizer customizer : this.customizers) {
			customized = customizer.customize(topic, customized);
		}
		return this.delegate.publish(topic, customized);
	}

	@Override
	public <T> Subscription subscribe(Collection<String> topics, Class<T> payloadType, SubscriptionOptions options,
			EventListener<? super T> listener) {
		return this.delegate.subscribe(topics, payloadType, options, listener);
	}

	@Override
	public List<Subscription> subscriptions() {
		return this.delegate.subscriptions();
	}

	@Override
	public String transport() {
		return this.delegate.transport();
	}

	@Override
	public void close() {
		this.delegate.close();
	}

	@Override
	public String toString() {
		return "CustomizingEventBus{" + this.delegate + "}";
	}

}

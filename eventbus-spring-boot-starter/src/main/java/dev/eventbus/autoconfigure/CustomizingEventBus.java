package dev.eventbus.autoconfigure;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.api.PublishReceipt;
import dev.eventbus.core.support.ForwardingEventBus;

/**
 * Applies the {@link EventBusEnvelopeCustomizer}s to every published envelope, then delegates.
 * Stateless apart from the immutable customizer list, so thread-safe.
 */
final class CustomizingEventBus extends ForwardingEventBus {

	private final List<EventBusEnvelopeCustomizer> customizers;

	CustomizingEventBus(EventBus delegate, List<EventBusEnvelopeCustomizer> customizers) {
		super(delegate);
		this.customizers = List.copyOf(customizers);
	}

	@Override
	public CompletableFuture<PublishReceipt> publish(String topic, Envelope<?> envelope) {
		Envelope<?> customized = envelope;
		for (EventBusEnvelopeCustomizer customizer : this.customizers) {
			customized = customizer.customize(topic, customized);
		}
		return delegate().publish(topic, customized);
	}

}

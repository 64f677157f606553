package dev.eventbus.core.support;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.api.EventListener;
import dev.eventbus.core.api.PublishReceipt;
import dev.eventbus.core.api.Subscription;
import dev.eventbus.core.api.SubscriptionOptions;

/**
 * An {@link EventBus} that forwards every call to another: the base of decorators (the publish
 * circuit breaker, the starter's envelope customizer), which override only what they change. Its
 * {@link #delegate()} lets infrastructure (health, metrics) reach the transport's bus underneath.
 * Thread-safe when the delegate is.
 */
public abstract class ForwardingEventBus implements EventBus {

	private final EventBus delegate;

	/** @param delegate the bus calls are forwarded to */
	protected ForwardingEventBus(EventBus delegate) {
		this.delegate = Objects.requireNonNull(delegate, "delegate must not be null");
	}

	/** @return the bus calls are forwarded to */
	public final EventBus delegate() {
		return this.delegate;
	}

	/**
	 * The innermost bus under any number of forwarding decorators.
	 * @param bus a bus, possibly decorated
	 * @return the transport's bus
	 */
	public static EventBus unwrap(EventBus bus) {
		EventBus current = bus;
		while (current instanceof ForwardingEventBus forwarding) {
			current = forwarding.delegate();
		}
		return current;
	}

	@Override
	public CompletableFuture<PublishReceipt> publish(String topic, Envelope<?> envelope) {
		return this.delegate.publish(topic, envelope);
	}

	@Override
	public <T> Subscription subscribe(Collection<String> topics, Class<T> payloadType, SubscriptionOptions options,
			EventListener<? super T> listener) {
		return this.delegate.subscribe(topics, payloadType, options, listener);
	}

	@Override
	public String deadLetterTopic(String topic) {
		return this.delegate.deadLetterTopic(topic);
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
		return getClass().getSimpleName() + "{" + this.delegate + "}";
	}

}

package dev.eventbus.autoconfigure.annotation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

import dev.eventbus.core.api.DuplicateSubscriptionException;
import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.api.EventListener;
import dev.eventbus.core.api.Subscription;

/**
 * Subscribes the collected {@link dev.eventbus.core.api.EventHandler @EventHandler} methods once
 * the context is refreshed and every other bean is ready, and closes the subscriptions first on
 * shutdown, letting in-flight events finish within the shutdown timeout (what does not finish is
 * left for redelivery). Bean {@code eventHandlerSubscriptions}.
 *
 * <p>{@link #start()} and {@link #stop()} are called by the container's lifecycle thread; the
 * subscription list is guarded by {@code this}.
 */
public final class EventHandlerSubscriptions implements SmartLifecycle {

	/** Lifecycle phase: late start, early stop (like spring-kafka's listener containers). */
	public static final int PHASE = Integer.MAX_VALUE - 100;

	private static final Logger logger = LoggerFactory.getLogger(EventHandlerSubscriptions.class);

	private final EventHandlerMethodCollector collector;

	private final EventBus bus;

	private final Duration shutdownTimeout;

	private final List<Subscription> subscriptions = new ArrayList<>();

	private boolean running;

	EventHandlerSubscriptions(EventHandlerMethodCollector collector, EventBus bus, Duration shutdownTimeout) {
		this.collector = collector;
		this.bus = bus;
		this.shutdownTimeout = shutdownTimeout;
	}

	@Override
	public synchronized void start() {
		if (this.running) {
			return;
		}
		Map<String, EventHandlerMethod> subscribedBy = new HashMap<>();
		for (EventHandlerMethodCollector.Registration registration : this.collector.registrations()) {
			for (EventHandlerMethod method : registration.methods()) {
				Subscription subscription;
				try {
					subscription = subscribe(method, registration.bean());
				}
				catch (DuplicateSubscriptionException ex) {
					closeAll();
					EventHandlerMethod first = subscribedBy.get(ex.subscriptionId());
					throw new InvalidEventHandlerException(method.method(),
							"it subscribes group '" + ex.group() + "' to topic '" + ex.topic() + "' like "
									+ ((first != null) ? first.description() : "another subscription")
									+ " (subscription '" + ex.subscriptionId() + "'); one group gets each event once, "
									+ "so two handlers of one group and topic would each see only part of them",
							"Merge the two methods into one, or give one of them another group "
									+ "(@EventHandler(group = ...)) so that each gets every event");
				}
				subscribedBy.put(subscription.id(), method);
				this.subscriptions.add(subscription);
			}
		}
		this.running = true;
	}

	@SuppressWarnings("unchecked")
	private Subscription subscribe(EventHandlerMethod method, Object bean) {
		Subscription subscription = this.bus.subscribe(method.topics(), (Class<Object>) method.payloadType(),
				method.options(), (EventListener<Object>) method.listener(bean));
		logger.info("Subscribed {} to {} as group '{}' ({})", method.description(), method.topics(),
				method.options().group(), subscription.id());
		return subscription;
	}

	@Override
	public synchronized void stop() {
		if (!this.running) {
			return;
		}
		closeAll();
		this.running = false;
	}

	private void closeAll() {
		for (Subscription subscription : this.subscriptions) {
			try {
				subscription.close(this.shutdownTimeout);
			}
			catch (RuntimeException ex) {
				logger.warn("Closing subscription {} failed", subscription.id(), ex);
			}
		}
		this.subscriptions.clear();
	}

	@Override
	public synchronized boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	/** @return the subscriptions of the handler methods, while running */
	public synchronized List<Subscription> subscriptions() {
		return List.copyOf(this.subscriptions);
	}

}

package dev.eventbus.core.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.jspecify.annotations.Nullable;

import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.api.Subscription;

/**
 * Keeps the per-subscription meters of a bus in step with its open subscriptions: registers the
 * {@link EventBusMetricNames#CONSUMER_LAG} and {@link EventBusMetricNames#CONSUMER_PENDING} gauges of
 * each new subscription and removes them, together with the subscription's consume and handler
 * timers, once it is closed.
 *
 * <p>{@link #refresh()} is cheap and is meant to be called off the hot path: when subscriptions
 * open and periodically; {@link #closed(Subscription)} when one closes. It is synchronized; the
 * gauges themselves read the subscription's last measured lag and pending counts when the registry
 * is scraped.
 */
public final class SubscriptionMetrics {

	private final EventBus bus;

	private final MeterRegistry registry;

	private final @Nullable MicrometerEventBusObserver observer;

	private final Map<Subscription, List<Meter>> meters = new HashMap<>();

	/**
	 * @param bus the bus whose subscriptions are measured
	 * @param registry the registry
	 * @param observer the observer whose timers of closed subscriptions are removed, or null
	 */
	public SubscriptionMetrics(EventBus bus, MeterRegistry registry, @Nullable MicrometerEventBusObserver observer) {
		this.bus = Objects.requireNonNull(bus, "bus must not be null");
		this.registry = Objects.requireNonNull(registry, "registry must not be null");
		this.observer = observer;
	}

	/**
	 * Registers the gauges of subscriptions opened since the last call and removes the meters of
	 * subscriptions closed since then.
	 */
	public synchronized void refresh() {
		Set<Subscription> open = new HashSet<>();
		for (Subscription subscription : this.bus.subscriptions()) {
			if (subscription.state() != Subscription.State.CLOSED) {
				open.add(subscription);
			}
		}
		for (Subscription subscription : open) {
			this.meters.computeIfAbsent(subscription, this::register);
		}
		for (Subscription gone : new ArrayList<>(this.meters.keySet())) {
			if (!open.contains(gone)) {
				remove(gone);
			}
		}
	}

	/**
	 * Removes the meters of a subscription that has just closed, at once rather than at the next
	 * {@link #refresh()}; registers nothing.
	 * @param subscription the closed subscription
	 */
	public synchronized void closed(Subscription subscription) {
		remove(subscription);
	}

	/** Removes every meter this instance registered. */
	public synchronized void close() {
		for (Subscription subscription : new ArrayList<>(this.meters.keySet())) {
			remove(subscription);
		}
	}

	private List<Meter> register(Subscription subscription) {
		Tags tags = Tags.of(EventBusMetricNames.TAG_TRANSPORT, this.bus.transport(), EventBusMetricNames.TAG_TOPIC,
				String.join(",", subscription.topics()), EventBusMetricNames.TAG_GROUP, subscription.group());
		MeterDefinition lag = EventBusMetricNames.CONSUMER_LAG;
		MeterDefinition pending = EventBusMetricNames.CONSUMER_PENDING;
		List<Meter> meters = new ArrayList<>();
		meters.add(Gauge.builder(lag.name(), subscription, Subscription::lag)
			.description(lag.description())
			.tags(tags)
			.strongReference(true)
			.register(this.registry));
		meters.add(Gauge.builder(pending.name(), subscription, Subscription::pending)
			.description(pending.description())
			.tags(tags)
			.strongReference(true)
			.register(this.registry));
		// Partitioned topics (NATS): the partitions are known when the subscription is returned.
		MeterDefinition owned = EventBusMetricNames.CONSUMER_PARTITIONS_OWNED;
		MeterDefinition partitionLag = EventBusMetricNames.CONSUMER_PARTITION_LAG;
		subscription.partitionLag().forEach((topic, partitions) -> {
			Tags topicTags = Tags.of(EventBusMetricNames.TAG_TRANSPORT, this.bus.transport(),
					EventBusMetricNames.TAG_TOPIC, topic, EventBusMetricNames.TAG_GROUP, subscription.group());
			meters.add(Gauge
				.builder(owned.name(), subscription,
						(s) -> s.ownedPartitions().getOrDefault(topic, List.of()).size())
				.description(owned.description())
				.tags(topicTags)
				.strongReference(true)
				.register(this.registry));
			for (Integer partition : partitions.keySet()) {
				meters.add(Gauge
					.builder(partitionLag.name(), subscription,
							(s) -> s.partitionLag().getOrDefault(topic, Map.of()).getOrDefault(partition, -1L))
					.description(partitionLag.description())
					.tags(topicTags.and(EventBusMetricNames.TAG_PARTITION, String.valueOf(partition)))
					.strongReference(true)
					.register(this.registry));
			}
		});
		return meters;
	}

	private void remove(Subscription subscription) {
		List<Meter> registered = this.meters.remove(subscription);
		if (registered != null) {
			registered.forEach(this.registry::remove);
		}
		if (this.observer != null) {
			this.observer.removeSubscriptionMeters(this.bus.transport(), subscription.topics(), subscription.group());
		}
	}

}

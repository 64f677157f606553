package dev.eventbus.core.metrics;

import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;

import dev.eventbus.core.api.EventBusException;
import dev.eventbus.core.api.PublishRejectedException;

/**
 * Records the bus's measurements as the Micrometer timers {@link EventBusMetricNames#PUBLISH},
 * {@link EventBusMetricNames#CONSUME} and {@link EventBusMetricNames#HANDLER}.
 *
 * <p>Timers are looked up in a local cache so that the hot path allocates no meter builders. The
 * observer is called concurrently by publishing threads, client callback threads and executor
 * workers; the cache is a {@link ConcurrentHashMap} and {@link #removeSubscriptionMeters} may run
 * on any thread.
 */
public final class MicrometerEventBusObserver implements EventBusObserver {

	private final MeterRegistry registry;

	private final Tags commonTags;

	private final Map<TimerKey, Timer> timers = new ConcurrentHashMap<>();

	/**
	 * @param registry the registry to register the timers in
	 */
	public MicrometerEventBusObserver(MeterRegistry registry) {
		this(registry, Tags.empty());
	}

	/**
	 * @param registry the registry to register the timers in
	 * @param commonTags tags added to every timer (keep their cardinality bounded)
	 */
	public MicrometerEventBusObserver(MeterRegistry registry, Iterable<Tag> commonTags) {
		this.registry = Objects.requireNonNull(registry, "registry must not be null");
		this.commonTags = Tags.of(commonTags);
	}

	@Override
	public void published(String transport, String topic, long nanos, @Nullable Throwable error) {
		String outcome = (error == null) ? EventBusMetricNames.OUTCOME_SUCCESS
				: (EventBusException.unwrap(error) instanceof PublishRejectedException) ? EventBusMetricNames.OUTCOME_REJECTED
						: EventBusMetricNames.OUTCOME_FAILURE;
		record(EventBusMetricNames.PUBLISH, transport, topic, null, outcome, error, nanos);
	}

	@Override
	public void handled(String transport, String topic, String group, long nanos, @Nullable Throwable error) {
		String outcome = (error == null) ? EventBusMetricNames.OUTCOME_SUCCESS : EventBusMetricNames.OUTCOME_FAILURE;
		record(EventBusMetricNames.HANDLER, transport, topic, group, outcome, error, nanos);
	}

	@Override
	public void consumed(String transport, String topic, String group, String outcome, long nanos,
			@Nullable Throwable error) {
		record(EventBusMetricNames.CONSUME, transport, topic, group, outcome, error, nanos);
	}

	/**
	 * Removes the consume and handler timers of a closed subscription from the registry, so that
	 * closed subscriptions leave no stale series behind.
	 * @param transport transport name
	 * @param topics the subscription's topics
	 * @param group the subscription's group
	 * @return how many meters were removed
	 */
	public int removeSubscriptionMeters(String transport, Collection<String> topics, String group) {
		int removed = 0;
		for (Map.Entry<TimerKey, Timer> entry : this.timers.entrySet()) {
			TimerKey key = entry.getKey();
			if (key.transport.equals(transport) && group.equals(key.group) && topics.contains(key.topic)) {
				if (this.timers.remove(key, entry.getValue())) {
					this.registry.remove(entry.getValue());
					removed++;
				}
			}
		}
		return removed;
	}

	private void record(MeterDefinition meter, String transport, String topic, @Nullable String group,
			String outcome, @Nullable Throwable error, long nanos) {
		TimerKey key = new TimerKey(meter.name(), transport, topic, group, outcome,
				EventBusMetricNames.exceptionTag(error));
		this.timers.computeIfAbsent(key, (k) -> register(meter, k)).record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
	}

	private Timer register(MeterDefinition meter, TimerKey key) {
		Tags tags = this.commonTags.and(EventBusMetricNames.TAG_TRANSPORT, key.transport)
			.and(EventBusMetricNames.TAG_TOPIC, key.topic);
		if (key.group != null) {
			tags = tags.and(EventBusMetricNames.TAG_GROUP, key.group);
		}
		tags = tags.and(EventBusMetricNames.TAG_OUTCOME, key.outcome).and(EventBusMetricNames.TAG_EXCEPTION,
				key.exception);
		return Timer.builder(meter.name()).description(meter.description()).tags(tags).register(this.registry);
	}

	private record TimerKey(String name, String transport, String topic, @Nullable String group, String outcome,
			String exception) {

	}

}

package dev.eventbus.test.recording;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.support.ForwardingEventBus;

/**
 * Records what an application publishes and how its handlers fare, for tests: {@link #wrap(EventBus)}
 * returns a bus that forwards everything to the application's bus and records each acknowledged
 * publish (also those of {@code publish(topic, eventType, payload)} and
 * {@code publishEvent(topic, aggregateId, event)}) and each handler attempt of the subscriptions made
 * through it. Query with {@link #published()} and {@link #attempts()}, wait with {@link #await()},
 * make attempts fail with {@link #failures()}.
 * <pre>{@code
 * EventBusRecorder recorder = new EventBusRecorder();
 * EventBus bus = recorder.wrap(MemoryEventBus.builder().build());
 * // ... subscribe handlers to bus and publish through it ...
 * recorder.await().handledBy("billing", eventId);
 * }</pre>
 * With Spring Boot, {@code @EventBusTest} wraps the application's {@code EventBus} bean and makes the
 * recorder a bean. Subscriptions made on the unwrapped bus are not seen; events a subscription could not
 * decode never reach a handler and are not recorded as attempts.
 *
 * <p>Thread-safe: publishing threads and handler workers record, test threads query and wait; all
 * state is guarded by this object's monitor, which waiting threads are notified on.
 */
public final class EventBusRecorder {

	/** Default bound of {@link #await()}. */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

	private final List<PublishedEvent> published = new ArrayList<>();

	private final List<HandlingAttempt> attempts = new ArrayList<>();

	private final Map<String, Set<String>> subscribedTopics = new TreeMap<>();

	private final EventFailures failures = new EventFailures();

	/** A recorder that has recorded nothing yet. */
	public EventBusRecorder() {
	}

	/**
	 * A bus that records into this recorder and forwards to {@code bus}; publish and subscribe through it.
	 * @param bus the application's bus
	 * @return the recording bus ({@code bus} itself if it already records into this recorder)
	 */
	public EventBus wrap(EventBus bus) {
		Objects.requireNonNull(bus, "bus must not be null");
		for (EventBus current = bus; current instanceof ForwardingEventBus forwarding; current = forwarding.delegate()) {
			if (current instanceof RecordingEventBus recording && recording.recorder() == this) {
				return bus;
			}
		}
		return new RecordingEventBus(bus, this);
	}

	/** @return a snapshot of every event published through a wrapped bus and acknowledged, in order */
	public synchronized PublishedEvents published() {
		return new PublishedEvents(this.published);
	}

	/** @return a snapshot of every handler attempt, in the order they finished */
	public synchronized List<HandlingAttempt> attempts() {
		return List.copyOf(this.attempts);
	}

	/**
	 * @param group the consumer group
	 * @param eventId the event id
	 * @return the attempts of that group at that event, in order
	 */
	public synchronized List<HandlingAttempt> attempts(String group, String eventId) {
		return this.attempts.stream()
			.filter((attempt) -> attempt.group().equals(group) && attempt.eventId().equals(eventId))
			.toList();
	}

	/** @return the failure rules that make handler attempts fail */
	public EventFailures failures() {
		return this.failures;
	}

	/** @return waits bounded by {@link #DEFAULT_TIMEOUT}; {@link EventBusAwait#atMost} changes it */
	public EventBusAwait await() {
		return new EventBusAwait(this, DEFAULT_TIMEOUT);
	}

	/**
	 * Forgets what was recorded and every failure rule (the subscriptions stay known): call it between
	 * tests that share an application context ({@code @EventBusTest} does before each test method).
	 */
	public void clear() {
		synchronized (this) {
			this.published.clear();
			this.attempts.clear();
		}
		this.failures.clear();
	}

	synchronized void recordPublished(PublishedEvent event) {
		this.published.add(event);
		notifyAll();
	}

	synchronized void recordAttempt(HandlingAttempt attempt) {
		this.attempts.add(attempt);
		notifyAll();
	}

	synchronized void recordSubscribed(String group, Collection<String> topics) {
		this.subscribedTopics.computeIfAbsent(group, (key) -> new LinkedHashSet<>()).addAll(topics);
		notifyAll();
	}

	synchronized boolean hasSubscribed(String group) {
		return this.subscribedTopics.containsKey(group);
	}

	synchronized String describeSubscriptions() {
		return this.subscribedTopics.isEmpty() ? "none" : this.subscribedTopics.toString();
	}

	/**
	 * Waits, on this monitor, until {@code probe} returns a value or throws (it runs holding the monitor,
	 * after each record), at most {@code timeout}.
	 * @throws AssertionError with {@code failure}'s message when the time is up
	 */
	<T> T awaitUntil(Duration timeout, Supplier<@Nullable T> probe, Supplier<String> failure) {
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (this) {
			while (true) {
				T result = probe.get();
				if (result != null) {
					return result;
				}
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					throw new AssertionError(failure.get());
				}
				try {
					TimeUnit.NANOSECONDS.timedWait(this, left);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					AssertionError error = new AssertionError("interrupted while waiting: " + failure.get());
					error.initCause(ex);
					throw error;
				}
			}
		}
	}

}

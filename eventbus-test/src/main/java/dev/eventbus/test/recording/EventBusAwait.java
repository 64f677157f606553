package dev.eventbus.test.recording;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

import dev.eventbus.test.recording.HandlingAttempt.Outcome;

/**
 * Bounded waits for what an {@link EventBusRecorder} records, instead of a test's own wait loop. Each
 * wait returns as soon as the recorder has what it waits for (no polling) and fails with an
 * {@link AssertionError} listing what was seen when the bound is up.
 * <pre>{@code
 * HandlingAttempt invoiced = recorder.await().atMost(Duration.ofSeconds(5)).handledBy("billing", eventId);
 * assertThat(invoiced.attempt()).isEqualTo(2);
 * }</pre>
 * Immutable; thread-safe.
 */
public final class EventBusAwait {

	private final EventBusRecorder recorder;

	private final Duration timeout;

	EventBusAwait(EventBusRecorder recorder, Duration timeout) {
		this.recorder = recorder;
		this.timeout = timeout;
	}

	/**
	 * @param recorder the recorder to wait on
	 * @return waits bounded by {@link EventBusRecorder#DEFAULT_TIMEOUT}
	 */
	public static EventBusAwait on(EventBusRecorder recorder) {
		return Objects.requireNonNull(recorder, "recorder must not be null").await();
	}

	/**
	 * @param timeout the longest each wait takes, positive
	 * @return waits with that bound
	 */
	public EventBusAwait atMost(Duration timeout) {
		Objects.requireNonNull(timeout, "timeout must not be null");
		if (timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("timeout must be positive but was " + timeout);
		}
		return new EventBusAwait(this.recorder, timeout);
	}

	/**
	 * Waits until group {@code group}'s handler handled event {@code eventId} (an attempt returned).
	 * Fails at once when the group gave the event up (dead-lettered or skipped it).
	 * @param group the consumer group
	 * @param eventId the event id
	 * @return the successful attempt
	 * @throws AssertionError listing the attempts, subscriptions and published events seen
	 */
	public HandlingAttempt handledBy(String group, String eventId) {
		return this.recorder.awaitUntil(this.timeout, () -> {
			List<HandlingAttempt> attempts = this.recorder.attempts(group, eventId);
			for (HandlingAttempt attempt : attempts) {
				if (attempt.outcome() == Outcome.HANDLED) {
					return attempt;
				}
				if (attempt.outcome() == Outcome.DEAD_LETTERED || attempt.outcome() == Outcome.SKIPPED) {
					throw new AssertionError("expected event " + eventId + " to be handled by group '" + group
							+ "' but the group gave it up: " + attempt + describeSeen(group, eventId), attempt.error());
				}
			}
			return null;
		}, () -> "event " + eventId + " was not handled by group '" + group + "' within " + this.timeout
				+ describeSeen(group, eventId));
	}

	/**
	 * Waits until group {@code group} gave event {@code eventId} up with dead-lettering on: its last
	 * attempt failed, or an attempt threw an exception the retry policy declares fatal, and the bus stores
	 * the event in the dead-letter destination.
	 * @param group the consumer group
	 * @param eventId the event id
	 * @return the attempt after which the event was dead-lettered
	 * @throws AssertionError listing what was seen, also at once when the group handled the event
	 */
	public HandlingAttempt deadLetteredBy(String group, String eventId) {
		return this.recorder.awaitUntil(this.timeout, () -> {
			for (HandlingAttempt attempt : this.recorder.attempts(group, eventId)) {
				if (attempt.outcome() == Outcome.DEAD_LETTERED) {
					return attempt;
				}
				if (attempt.outcome() == Outcome.HANDLED || attempt.outcome() == Outcome.SKIPPED) {
					throw new AssertionError("expected event " + eventId + " to be dead-lettered by group '" + group
							+ "' but it was not: " + attempt + describeSeen(group, eventId));
				}
			}
			return null;
		}, () -> "event " + eventId + " was not dead-lettered by group '" + group + "' within " + this.timeout
				+ describeSeen(group, eventId));
	}

	/**
	 * Waits until group {@code group} made at least {@code count} attempts at event {@code eventId}.
	 * @param group the consumer group
	 * @param eventId the event id
	 * @param count how many attempts, at least 1
	 * @return the first {@code count} attempts, in order
	 * @throws AssertionError listing what was seen
	 */
	public List<HandlingAttempt> attemptsBy(String group, String eventId, int count) {
		if (count < 1) {
			throw new IllegalArgumentException("count must be at least 1 but was " + count);
		}
		return this.recorder.awaitUntil(this.timeout, () -> {
			List<HandlingAttempt> attempts = this.recorder.attempts(group, eventId);
			return (attempts.size() >= count) ? attempts.subList(0, count) : null;
		}, () -> "group '" + group + "' did not make " + count + " attempt(s) at event " + eventId + " within "
				+ this.timeout + describeSeen(group, eventId));
	}

	/**
	 * Waits until an event matching a query was published (acknowledged by the broker).
	 * @param query narrows {@link EventBusRecorder#published()}, for example
	 * {@code events -> events.ofTopic("shipments").withAggregateId("o-1")}
	 * @return the matching events, at least one
	 * @throws AssertionError listing what was published
	 */
	public PublishedEvents published(UnaryOperator<PublishedEvents> query) {
		return published(query, 1);
	}

	/**
	 * Waits until at least {@code count} events matching a query were published.
	 * @param query narrows {@link EventBusRecorder#published()}
	 * @param count how many, at least 1
	 * @return the matching events
	 * @throws AssertionError listing what was published
	 */
	public PublishedEvents published(UnaryOperator<PublishedEvents> query, int count) {
		Objects.requireNonNull(query, "query must not be null");
		if (count < 1) {
			throw new IllegalArgumentException("count must be at least 1 but was " + count);
		}
		return this.recorder.awaitUntil(this.timeout, () -> {
			PublishedEvents matching = query.apply(this.recorder.published());
			return (matching.size() >= count) ? matching : null;
		}, () -> {
			PublishedEvents matching = query.apply(this.recorder.published());
			return "expected " + count + " event(s) of " + matching.query() + " within " + this.timeout + " but "
					+ matching.size() + " matched; published: " + matching.describeAll();
		});
	}

	private String describeSeen(String group, String eventId) {
		StringBuilder text = new StringBuilder();
		if (!this.recorder.hasSubscribed(group)) {
			text.append("\nno subscription of group '").append(group).append("' was made through the recording bus");
		}
		List<HandlingAttempt> ofEvent = this.recorder.attempts()
			.stream()
			.filter((attempt) -> attempt.eventId().equals(eventId))
			.toList();
		text.append("\nattempts at event ").append(eventId).append(": ").append(PublishedEvents.describe(ofEvent));
		boolean published = this.recorder.published().eventIds().contains(eventId);
		text.append("\nevent ").append(eventId).append(published ? " was" : " was not")
			.append(" published through the recording bus");
		text.append("\nsubscriptions (group=topics): ").append(this.recorder.describeSubscriptions());
		List<String> pending = this.recorder.failures().pending();
		if (!pending.isEmpty()) {
			text.append("\nfailure rules with attempts left: ").append(pending);
		}
		return text.toString();
	}

}

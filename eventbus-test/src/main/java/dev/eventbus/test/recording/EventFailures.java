package dev.eventbus.test.recording;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import dev.eventbus.core.api.Envelope;

/**
 * Makes the next attempts of a consumer group's handler fail, without changing the handler, to exercise
 * retry and dead letters: the attempt throws (by default an {@link InjectedFailureException}) instead of
 * calling the handler, and the bus treats it as the handler's failure (retry with backoff, then the
 * dead-letter destination). Each rule counts down its attempts; the first rule that matches an attempt
 * takes it.
 * <pre>{@code
 * recorder.failures().failNext("billing", envelope.eventId(), 2);   // attempts 1 and 2 fail, 3 runs
 * }</pre>
 *
 * <p>Thread-safe: tests add rules, handler workers take attempts; both synchronize on this object.
 */
public final class EventFailures {

	private final List<Rule> rules = new ArrayList<>();

	EventFailures() {
	}

	/**
	 * Fails the next attempts of group {@code group} at event {@code eventId} with an
	 * {@link InjectedFailureException}.
	 * @param group the consumer group
	 * @param eventId the event id ({@link Envelope#eventId()}; build the envelope first to know it)
	 * @param attempts how many attempts fail, at least 1
	 */
	public void failNext(String group, String eventId, int attempts) {
		failNext(group, eventId, attempts, null);
	}

	/**
	 * Fails the next attempts of group {@code group} at event {@code eventId} with the given exceptions,
	 * for example one of the retry policy's fatal exceptions to see the event dead-lettered at once.
	 * @param group the consumer group
	 * @param eventId the event id
	 * @param attempts how many attempts fail, at least 1
	 * @param failure makes the exception each failing attempt throws; null for an
	 * {@link InjectedFailureException}
	 */
	public void failNext(String group, String eventId, int attempts, @Nullable Supplier<? extends Exception> failure) {
		Objects.requireNonNull(eventId, "eventId must not be null");
		add(group, (envelope) -> eventId.equals(envelope.eventId()), "event " + eventId, attempts, failure);
	}

	/**
	 * Fails the next attempts of group {@code group} at events of aggregate {@code aggregateId}, for events
	 * whose id the test does not know in advance (published by the code under test).
	 * @param group the consumer group
	 * @param aggregateId the aggregate id
	 * @param attempts how many attempts fail, at least 1, counted over every event of the aggregate
	 * @param failure makes the exception each failing attempt throws; null for an
	 * {@link InjectedFailureException}
	 */
	public void failNextOfAggregate(String group, String aggregateId, int attempts,
			@Nullable Supplier<? extends Exception> failure) {
		Objects.requireNonNull(aggregateId, "aggregateId must not be null");
		add(group, (envelope) -> aggregateId.equals(envelope.aggregateId()), "aggregate " + aggregateId, attempts,
				failure);
	}

	/**
	 * Fails the next attempts of group {@code group} at events that satisfy a condition.
	 * @param group the consumer group
	 * @param condition which events, for example by payload
	 * @param attempts how many attempts fail, at least 1, counted over every matching event
	 * @param failure makes the exception each failing attempt throws; null for an
	 * {@link InjectedFailureException}
	 */
	public void failNextMatching(String group, Predicate<? super Envelope<?>> condition, int attempts,
			@Nullable Supplier<? extends Exception> failure) {
		Objects.requireNonNull(condition, "condition must not be null");
		add(group, condition, "events matching a condition", attempts, failure);
	}

	/** Forgets every rule, including those with attempts left. */
	public synchronized void clear() {
		this.rules.clear();
	}

	/** @return the rules with attempts left, for failure messages */
	public synchronized List<String> pending() {
		return this.rules.stream().map(Rule::toString).toList();
	}

	private void add(String group, Predicate<? super Envelope<?>> condition, String description, int attempts,
			@Nullable Supplier<? extends Exception> failure) {
		if (group == null || group.isBlank()) {
			throw new IllegalArgumentException("group must not be blank: name the consumer group whose handler fails");
		}
		if (attempts < 1) {
			throw new IllegalArgumentException("attempts must be at least 1 but was " + attempts);
		}
		synchronized (this) {
			this.rules.add(new Rule(group, condition, description, attempts, failure));
		}
	}

	/**
	 * Called by a handler worker before each attempt.
	 * @return the exception the attempt throws instead of calling the handler, or null to call it
	 */
	synchronized @Nullable Exception take(String group, Envelope<?> envelope, int attempt) {
		for (int i = 0; i < this.rules.size(); i++) {
			Rule rule = this.rules.get(i);
			if (rule.group.equals(group) && rule.condition.test(envelope)) {
				rule.remaining--;
				if (rule.remaining == 0) {
					this.rules.remove(i);
				}
				Exception failure = (rule.failure != null) ? rule.failure.get() : null;
				return (failure != null) ? failure : new InjectedFailureException("attempt " + attempt + " of group '"
						+ group + "' at event " + envelope.eventId() + " failed on purpose (EventFailures, "
						+ rule.description + ")");
			}
		}
		return null;
	}

	/** One rule; its {@code remaining} count is guarded by the enclosing {@link EventFailures}. */
	private static final class Rule {

		final String group;

		final Predicate<? super Envelope<?>> condition;

		final String description;

		final @Nullable Supplier<? extends Exception> failure;

		int remaining;

		Rule(String group, Predicate<? super Envelope<?>> condition, String description, int remaining,
				@Nullable Supplier<? extends Exception> failure) {
			this.group = group;
			this.condition = condition;
			this.description = description;
			this.remaining = remaining;
			this.failure = failure;
		}

		@Override
		public String toString() {
			return "group '" + this.group + "', " + this.description + ": " + this.remaining + " attempt(s) left";
		}

	}

}

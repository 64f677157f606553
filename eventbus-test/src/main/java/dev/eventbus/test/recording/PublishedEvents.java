package dev.eventbus.test.recording;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * An immutable, filterable snapshot of published events, in publish order. Every filter returns a new
 * snapshot and remembers itself for failure messages; it is an {@link Iterable}, so AssertJ's
 * {@code assertThat(events)} works on it:
 * <pre>{@code
 * PublishedEvent placed = recorder.published().ofTopic("orders").ofType("OrderPlaced")
 *     .withAggregateId("o-1").single();
 * assertThat(recorder.published().ofTopic("orders").payloads(OrderPlaced.class))
 *     .extracting(OrderPlaced::customer).containsExactly("alice");
 * }</pre>
 */
public final class PublishedEvents implements Iterable<PublishedEvent> {

	private final List<PublishedEvent> events;

	private final List<PublishedEvent> all;

	private final String query;

	PublishedEvents(List<PublishedEvent> all) {
		this(List.copyOf(all), List.copyOf(all), "published()");
	}

	private PublishedEvents(List<PublishedEvent> events, List<PublishedEvent> all, String query) {
		this.events = events;
		this.all = all;
		this.query = query;
	}

	/**
	 * @param topic the topic, as published to
	 * @return the events published to {@code topic}
	 */
	public PublishedEvents ofTopic(String topic) {
		Objects.requireNonNull(topic, "topic must not be null");
		return filter((event) -> event.topic().equals(topic), "ofTopic(\"" + topic + "\")");
	}

	/**
	 * @param eventType the CloudEvents type, for example {@code OrderPlaced}
	 * @return the events of that type
	 */
	public PublishedEvents ofType(String eventType) {
		Objects.requireNonNull(eventType, "eventType must not be null");
		return filter((event) -> event.eventType().equals(eventType), "ofType(\"" + eventType + "\")");
	}

	/**
	 * @param aggregateId the aggregate id (the ordering key)
	 * @return the events of that aggregate
	 */
	public PublishedEvents withAggregateId(String aggregateId) {
		Objects.requireNonNull(aggregateId, "aggregateId must not be null");
		return filter((event) -> aggregateId.equals(event.aggregateId()),
				"withAggregateId(\"" + aggregateId + "\")");
	}

	/**
	 * @param payloadType the payload's class (or a supertype)
	 * @return the events whose payload is an instance of it
	 */
	public PublishedEvents withPayloadOfType(Class<?> payloadType) {
		Objects.requireNonNull(payloadType, "payloadType must not be null");
		return filter((event) -> payloadType.isInstance(event.payload()),
				"withPayloadOfType(" + payloadType.getSimpleName() + ")");
	}

	/**
	 * @param <T> the payload type
	 * @param payloadType the payload's class (or a supertype)
	 * @param condition what the payload must satisfy
	 * @return the events whose payload is of that type and satisfies the condition
	 */
	public <T> PublishedEvents withPayload(Class<T> payloadType, Predicate<? super T> condition) {
		Objects.requireNonNull(payloadType, "payloadType must not be null");
		Objects.requireNonNull(condition, "condition must not be null");
		return filter((event) -> payloadType.isInstance(event.payload())
				&& condition.test(payloadType.cast(event.payload())), "withPayload(" + payloadType.getSimpleName()
						+ ", ...)");
	}

	/**
	 * @param condition what the event must satisfy
	 * @return the events that satisfy it
	 */
	public PublishedEvents matching(Predicate<? super PublishedEvent> condition) {
		Objects.requireNonNull(condition, "condition must not be null");
		return filter(condition, "matching(...)");
	}

	/** @return the events, in publish order */
	public List<PublishedEvent> list() {
		return this.events;
	}

	/**
	 * @param <T> the payload type
	 * @param payloadType the payloads' class
	 * @return the payloads, in publish order
	 * @throws AssertionError if one of them is of another class
	 */
	public <T> List<T> payloads(Class<T> payloadType) {
		List<T> payloads = new ArrayList<>();
		for (PublishedEvent event : this.events) {
			payloads.add(event.payload(payloadType));
		}
		return payloads;
	}

	/** @return the event ids, in publish order */
	public List<String> eventIds() {
		return this.events.stream().map(PublishedEvent::eventId).toList();
	}

	/** @return the event types, in publish order */
	public List<String> eventTypes() {
		return this.events.stream().map(PublishedEvent::eventType).toList();
	}

	/** @return how many events match */
	public int size() {
		return this.events.size();
	}

	/** @return whether none matches */
	public boolean isEmpty() {
		return this.events.isEmpty();
	}

	/**
	 * @return the one matching event
	 * @throws AssertionError listing what was published if none or several match
	 */
	public PublishedEvent single() {
		if (this.events.size() != 1) {
			throw new AssertionError("expected exactly one event of " + this.query + " but " + this.events.size()
					+ " matched: " + this.events + "; published: " + describe(this.all));
		}
		return this.events.get(0);
	}

	/**
	 * @return the first matching event
	 * @throws AssertionError listing what was published if none matches
	 */
	public PublishedEvent first() {
		if (this.events.isEmpty()) {
			throw new AssertionError("no event of " + this.query + " was published; published: " + describe(this.all));
		}
		return this.events.get(0);
	}

	@Override
	public Iterator<PublishedEvent> iterator() {
		return this.events.iterator();
	}

	/** @return the query, for example {@code published().ofTopic("orders")} */
	String query() {
		return this.query;
	}

	/** @return every event of the snapshot, filtered or not, for failure messages */
	String describeAll() {
		return describe(this.all);
	}

	@Override
	public String toString() {
		return this.query + " " + this.events;
	}

	private PublishedEvents filter(Predicate<? super PublishedEvent> condition, String step) {
		return new PublishedEvents(this.events.stream().filter(condition::test).toList(), this.all,
				this.query + "." + step);
	}

	static String describe(List<?> items) {
		if (items.isEmpty()) {
			return "nothing";
		}
		StringBuilder text = new StringBuilder();
		int shown = Math.min(items.size(), 50);
		for (int i = 0; i < shown; i++) {
			text.append("\n  ").append(items.get(i));
		}
		if (items.size() > shown) {
			text.append("\n  ... and ").append(items.size() - shown).append(" more");
		}
		return text.toString();
	}

}

package dev.eventbus.core.api;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Publishes domain events to topics and subscribes handlers to them.
 *
 * <p>One instance per application and transport (Kafka, NATS JetStream or memory). All methods are
 * thread-safe.
 *
 * <h2>Delivery contract</h2>
 * <ul>
 * <li>{@code publish} completes its future when the broker has the event (Kafka ack per
 * {@code acks}, JetStream PubAck). Unacknowledged publishes are bounded: when the bound is reached
 * the caller waits at most the configured max-block, then gets a {@link PublishTimeoutException}.
 * Nothing is dropped silently.</li>
 * <li>Consumption is at-least-once. With {@link Ordering#KEY} the events of one aggregate are handled
 * one at a time in publish order; different aggregates run in parallel. An event is committed or
 * acknowledged only after its handler finished (an {@link AsyncEventListener}: its stage completed),
 * successfully or by being dead-lettered.</li>
 * <li>Failures are retried inside the key's lane with exponential backoff; after the last attempt
 * the event goes to the dead-letter destination. Undecodable events go there at once, and so do
 * failures that retrying cannot fix ({@link RetryPolicy#fatalExceptions()}).</li>
 * </ul>
 */
public interface EventBus extends AutoCloseable {

	/**
	 * Publishes a keyed event: it is ordered with every other event of the same
	 * {@link Envelope#aggregateId() aggregate}. An envelope without an aggregate id is published
	 * unkeyed.
	 * @param topic destination topic (Kafka topic, NATS subject)
	 * @param envelope the event
	 * @return a future completed with the receipt once the broker has the event, or exceptionally
	 * with an {@link EventBusException}
	 * @throws InvalidEnvelopeException if the topic or the envelope is invalid (thrown at the call
	 * site, nothing is sent)
	 */
	CompletableFuture<PublishReceipt> publish(String topic, Envelope<?> envelope);

	/**
	 * Publishes a plain payload without an aggregate id: no key, no ordering promise.
	 * @param topic destination topic
	 * @param eventType the CloudEvents {@code type} of the event, for example {@code OrderPlaced}
	 * @param payload the payload, serialized by the bus's codec
	 * @return a future completed with the receipt once the broker has the event
	 */
	default CompletableFuture<PublishReceipt> publish(String topic, String eventType, Object payload) {
		return publish(topic, Envelope.builder(eventType, payload).build());
	}

	/**
	 * Publishes a keyed event without building an {@link Envelope}: its CloudEvents {@code type}
	 * comes from the event's class ({@link EventType @EventType}, or the class's simple name), the
	 * aggregate id orders it with every other event of the aggregate. The same as
	 * {@code publish(topic, Envelope.ofEvent(aggregateId, event))}, so decorators of
	 * {@link #publish(String, Envelope)} apply.
	 *
	 * <p>Not an overload of {@code publish}: {@link #publish(String, String, Object)} already takes
	 * {@code (topic, eventType, payload)}, three arguments of the same types.
	 * @param topic destination topic (Kafka topic, NATS subject)
	 * @param aggregateId ordering key, for example the order id; not blank
	 * @param event the payload, serialized by the bus's codec; not null
	 * @return a future completed with the receipt once the broker has the event, or exceptionally
	 * with an {@link EventBusException}
	 * @throws InvalidEnvelopeException naming {@code topic}, {@code aggregateId}, {@code event} or
	 * {@code eventType} (thrown at the call site, nothing is sent)
	 * @see Envelope#eventTypeOf(Class)
	 */
	default CompletableFuture<PublishReceipt> publishEvent(String topic, String aggregateId, Object event) {
		if (topic == null || topic.isBlank()) {
			throw new InvalidEnvelopeException("topic", "topic must not be blank");
		}
		return publish(topic, Envelope.ofEvent(aggregateId, event));
	}

	/**
	 * Subscribes a listener to one or more topics.
	 * @param <T> payload type
	 * @param topics topics to consume
	 * @param payloadType type the payload is decoded to ({@code byte[]} for the raw bytes)
	 * @param options consumer group, ordering, retry and dead-letter settings
	 * @param listener called once per event (again on retry)
	 * @return the running subscription
	 */
	<T> Subscription subscribe(Collection<String> topics, Class<T> payloadType, SubscriptionOptions options,
			EventListener<? super T> listener);

	/**
	 * Subscribes a listener to one topic.
	 * @param <T> payload type
	 * @param topic topic to consume
	 * @param payloadType type the payload is decoded to
	 * @param options consumer group, ordering, retry and dead-letter settings
	 * @param listener called once per event (again on retry)
	 * @return the running subscription
	 * @see #subscribe(Collection, Class, SubscriptionOptions, EventListener)
	 */
	default <T> Subscription subscribe(String topic, Class<T> payloadType, SubscriptionOptions options,
			EventListener<? super T> listener) {
		// singletonList, not List.of: a null topic reaches the bus's check, which names the argument
		return subscribe(Collections.singletonList(topic), payloadType, options, listener);
	}

	/**
	 * Subscribes an asynchronous listener to one or more topics: each event counts as in progress until
	 * the stage the listener returns completes (its key's lane held, no worker held), see
	 * {@link AsyncEventListener}. The same as {@link #subscribe(Collection, Class, SubscriptionOptions,
	 * EventListener)} with the listener, which is also an {@link EventListener}; this method exists so
	 * that a lambda returning a stage is not taken for a synchronous listener whose result is ignored.
	 * @param <T> payload type
	 * @param topics topics to consume
	 * @param payloadType type the payload is decoded to ({@code byte[]} for the raw bytes)
	 * @param options consumer group, ordering, retry and dead-letter settings
	 * @param listener called once per event (again on retry); returns the event's completion
	 * @return the running subscription
	 */
	default <T> Subscription subscribeAsync(Collection<String> topics, Class<T> payloadType,
			SubscriptionOptions options, AsyncEventListener<? super T> listener) {
		return subscribe(topics, payloadType, options, listener);
	}

	/**
	 * Subscribes an asynchronous listener to one topic.
	 * @param <T> payload type
	 * @param topic topic to consume
	 * @param payloadType type the payload is decoded to
	 * @param options consumer group, ordering, retry and dead-letter settings
	 * @param listener called once per event (again on retry); returns the event's completion
	 * @return the running subscription
	 * @see #subscribeAsync(Collection, Class, SubscriptionOptions, AsyncEventListener)
	 */
	default <T> Subscription subscribeAsync(String topic, Class<T> payloadType, SubscriptionOptions options,
			AsyncEventListener<? super T> listener) {
		return subscribe(Collections.singletonList(topic), payloadType, options, listener);
	}

	/**
	 * The dead-letter topic of a topic, in the form {@link #subscribe} takes: the topic and the
	 * transport's dead-letter suffix, by default Kafka and memory {@code <topic>-dlt}, NATS
	 * {@code <topic>.dlt} (Spring Boot: {@code eventbus.dead-letter.suffix}). Events of {@code topic} that failed every attempt,
	 * or could not be decoded, go there; read them with {@link DeadLetterRecord#from(EventContext)}.
	 * @param topic the original topic
	 * @return the topic its dead letters go to
	 */
	String deadLetterTopic(String topic);

	/**
	 * The subscriptions currently open on this bus.
	 * @return a snapshot
	 */
	List<Subscription> subscriptions();

	/**
	 * Name of the transport: {@code kafka}, {@code nats} or {@code memory}.
	 * @return the transport name, used as the {@code transport} meter tag
	 */
	String transport();

	/**
	 * Stops consuming (draining in-flight work within the configured shutdown timeout), flushes
	 * pending publishes and releases the client. Idempotent.
	 */
	@Override
	void close();

}

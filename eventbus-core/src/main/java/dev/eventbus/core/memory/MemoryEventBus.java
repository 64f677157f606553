package dev.eventbus.core.memory;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.api.EventBusException;
import dev.eventbus.core.api.PublishException;
import dev.eventbus.core.api.PublishReceipt;
import dev.eventbus.core.api.PublishRejectedException;
import dev.eventbus.core.codec.HeaderStyle;
import dev.eventbus.core.codec.WireMessage;
import dev.eventbus.core.keyed.KeyedExecutor;
import dev.eventbus.core.support.AbstractEventBus;
import dev.eventbus.core.support.AbstractSubscription;
import dev.eventbus.core.support.BusSettings;
import dev.eventbus.core.support.EventBusBuilder;
import dev.eventbus.core.support.SubscriptionRequest;
import dev.eventbus.core.support.Topics;

import org.jspecify.annotations.Nullable;

/**
 * The in-process transport: an {@link EventBus} that keeps its topics in memory, with the same
 * delivery contract as Kafka and NATS (key order, retry inside the key's lane, dead-letter topics,
 * bounded publishing, backpressure). For applications' tests and for {@code transport: memory}.
 *
 * <p><b>Publishing.</b> Envelopes are encoded as CloudEvents binary-mode messages with Kafka header
 * naming ({@code ce_id}, ...) and appended to the topic. The future completes once the event is
 * stored, with the log position as the receipt's offset. When the topic holds
 * {@link MemoryOptions#topicCapacity()} events that some group has not had delivered yet, the caller
 * waits up to {@link MemoryOptions#maxBlock()}; then the returned future fails with a
 * {@link dev.eventbus.core.api.PublishTimeoutException} naming the topic and the bound.
 *
 * <p><b>Consuming.</b> Every consumer group gets every event of a topic once; a group that
 * subscribes later starts at the oldest event the topic still keeps. Each group has one delivery
 * thread {@code eventbus-memory-<topic>-<group>}; handlers run on the {@link KeyedExecutor}. Failed
 * events are retried in the key's lane and then dead-lettered to {@code <topic>-dlt}, a memory topic
 * like any other; poison goes there at once.
 *
 * <p><b>Instances.</b> Buses built with the same {@link MemoryBroker} are instances of one service:
 * the subscriptions of one group on them share its events; an aggregate is assigned to one
 * subscription while any of its events is in flight there and re-assigned (by hash of the aggregate
 * id) only when idle, so one key is never handled by two subscriptions at once. A subscription that
 * pauses, fails or closes hands its idle aggregates to the others; on close, events it did not finish
 * within the timeout are delivered again to another member of the group (or kept until one
 * subscribes). {@link dev.eventbus.core.api.Subscription#lag()} counts the events the topics keep that
 * were not yet handed to the group.
 *
 * <p>The common rules (arguments, duplicate subscriptions, close) are those of
 * {@link AbstractEventBus}. Thread-safe.
 */
public final class MemoryEventBus extends AbstractEventBus {

	/** Transport name: {@value}. */
	public static final String TRANSPORT = "memory";

	/** Default CloudEvents source filled into envelopes that have none. */
	public static final String DEFAULT_SOURCE = BusSettings.DEFAULT_SOURCE;

	/** Default time {@link #close()} waits for in-flight events. */
	public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = BusSettings.DEFAULT_SHUTDOWN_TIMEOUT;

	private final MemoryOptions options;

	private final MemoryBroker broker;

	private final boolean ownsBroker;

	private MemoryEventBus(Builder builder, BusSettings settings) {
		super(TRANSPORT, HeaderStyle.KAFKA, settings);
		this.options = builder.options;
		this.ownsBroker = builder.broker == null;
		this.broker = (builder.broker != null) ? builder.broker : new MemoryBroker();
	}

	/**
	 * A builder for a memory bus.
	 * @param options topic capacity and max-block
	 * @return a builder
	 */
	public static Builder builder(MemoryOptions options) {
		return new Builder(options);
	}

	/** @return the settings */
	public MemoryOptions options() {
		return this.options;
	}

	/** @return the broker holding this bus's topics */
	public MemoryBroker broker() {
		return this.broker;
	}

	/** @return {@code <topic><deadLetterSuffix>}, by default {@code <topic>-dlt} */
	@Override
	public String deadLetterTopic(String topic) {
		return topic + this.options.deadLetterSuffix();
	}

	/**
	 * Appends a wire message to a topic as it is, without the codec. <b>For tests</b>: it injects input
	 * a real broker might carry, such as undecodable payloads or messages from foreign producers, to
	 * check how subscriptions treat poison. Bounded and rejected after close like
	 * {@link #publish(String, dev.eventbus.core.api.Envelope)}.
	 * @param topic the topic
	 * @param message key, headers and payload
	 * @return completes with the receipt once stored (event id from the {@code ce_id} header, empty if
	 * it has none)
	 */
	public CompletableFuture<PublishReceipt> publishRaw(String topic, WireMessage message) {
		Topics.validate(topic);
		Objects.requireNonNull(message, "message must not be null");
		if (isClosed()) {
			return CompletableFuture.failedFuture(new PublishRejectedException(topic,
					"the memory event bus is closed; publish to a bus that is open", null));
		}
		String eventId = message.header(HeaderStyle.KAFKA.header("id"));
		return send(topic, message, (eventId != null) ? eventId : "");
	}

	@Override
	protected CompletableFuture<PublishReceipt> send(String topic, WireMessage wire, String eventId) {
		long start = System.nanoTime();
		try {
			long offset = topic(topic).append(wire, this.options.maxBlock());
			settings().observer().published(TRANSPORT, topic, System.nanoTime() - start, null);
			return CompletableFuture.completedFuture(new PublishReceipt(topic, eventId, null, offset, null, false));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return failed(topic, start, new PublishException(topic,
					"interrupted while waiting for room in memory topic '" + topic + "'; the event was not stored",
					ex));
		}
		catch (EventBusException ex) {
			return failed(topic, start, ex);
		}
	}

	private CompletableFuture<PublishReceipt> failed(String topic, long start, EventBusException failure) {
		settings().observer().published(TRANSPORT, topic, System.nanoTime() - start, failure);
		return CompletableFuture.failedFuture(failure);
	}

	private MemoryTopic topic(String name) {
		return this.broker.topic(name, this.options.topicCapacity());
	}

	@Override
	protected AbstractSubscription open(SubscriptionRequest<?> request) {
		MemorySubscription subscription = new MemorySubscription(request);
		for (String name : request.topics()) {
			MemoryTopic memoryTopic = topic(name);
			MemoryGroup memoryGroup = memoryTopic.group(request.group(),
					(position) -> new MemoryGroup(memoryTopic, request.group(), position, executor()));
			subscription.join(memoryTopic, memoryGroup);
		}
		return subscription;
	}

	/** Stops the delivery threads and topics of the bus's own broker (a shared broker stays open). */
	@Override
	protected void closeTransport(long deadline) {
		if (this.ownsBroker) {
			this.broker.close();
		}
	}

	@Override
	public String toString() {
		return "MemoryEventBus{subscriptions=" + subscriptions().size() + "}";
	}

	/** Builds a {@link MemoryEventBus}; {@link #build()} rejects bad values naming the setting. */
	public static final class Builder extends EventBusBuilder<Builder> {

		private final MemoryOptions options;

		private @Nullable MemoryBroker broker;

		private Builder(MemoryOptions options) {
			this.options = Objects.requireNonNull(options, "options must not be null");
		}

		/**
		 * @param broker a broker shared with other memory buses (instances of one service); default:
		 * the bus's own, closed with it
		 * @return this builder
		 */
		public Builder broker(MemoryBroker broker) {
			this.broker = Objects.requireNonNull(broker, "broker must not be null");
			return this;
		}

		/**
		 * @return a running bus
		 * @throws IllegalArgumentException naming the invalid setting
		 */
		@Override
		public MemoryEventBus build() {
			return new MemoryEventBus(this, settings());
		}

	}

}

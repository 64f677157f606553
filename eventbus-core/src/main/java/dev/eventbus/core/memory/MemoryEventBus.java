package dev.eventbus.core.memory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.api.EventBusException;
import dev.eventbus.core.api.EventListener;
import dev.eventbus.core.api.InvalidEnvelopeException;
import dev.eventbus.core.api.PublishException;
import dev.eventbus.core.api.PublishReceipt;
import dev.eventbus.core.api.PublishRejectedException;
import dev.eventbus.core.api.Subscription;
import dev.eventbus.core.api.SubscriptionOptions;
import dev.eventbus.core.codec.EnvelopeCodec;
import dev.eventbus.core.codec.HeaderStyle;
import dev.eventbus.core.codec.JsonPayloadCodec;
import dev.eventbus.core.codec.WireMessage;
import dev.eventbus.core.keyed.KeyedExecutor;
import dev.eventbus.core.keyed.KeyedExecutorOptions;
import dev.eventbus.core.metrics.EventBusObserver;
import dev.eventbus.core.support.DeadLetter;
import dev.eventbus.core.support.SubscriptionDispatcher;
import dev.eventbus.core.support.Topics;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-process transport: an {@link EventBus} that keeps its topics in memory, with the same
 * delivery contract as Kafka and NATS (key order, retry inside the key's lane, dead-letter topics,
 * bounded publishing, backpressure). For applications' tests and for {@code transport: memory}.
 *
 * <p><b>Publishing.</b> {@code publish} validates the topic, fills in the source, encodes the
 * envelope as a CloudEvents binary-mode message with Kafka header naming ({@code ce_id}, ...) and
 * appends it to the topic. The future completes once the event is stored, with the log position as
 * the receipt's offset. When the topic holds {@link MemoryOptions#topicCapacity()} events that some
 * group has not had delivered yet, the caller waits up to {@link MemoryOptions#maxBlock()}; then the
 * returned future fails with a {@link dev.eventbus.core.api.PublishTimeoutException} naming the topic
 * and the bound. After {@link #close()} the future fails with a {@link PublishRejectedException}.
 * Invalid topics and envelopes, and payloads the codec cannot serialize, throw at the call site.
 *
 * <p><b>Consuming.</b> Every consumer group gets every event of a topic once; a group that
 * subscribes later starts at the oldest event the topic still keeps. The subscriptions of one group
 * share its events: an aggregate is assigned to one subscription while any of its events is in
 * flight there and re-assigned (by hash of the aggregate id) only when idle, so one key is never
 * handled by two subscriptions at once. Each group has one delivery thread
 * {@code eventbus-memory-<topic>-<group>}; handlers run on the {@link KeyedExecutor}. Failed events
 * are retried in the key's lane and then dead-lettered to {@code <topic>-dlt}, a memory topic like
 * any other, with the {@link DeadLetter} headers; poison goes there at once.
 *
 * <p><b>Subscriptions.</b> A subscription's id is {@code <group>/<topic>[,<topic>...]}; a second
 * subscription with the same group and topics on this bus gets {@code #2} appended, and so on.
 * {@link Subscription#pause() Pausing} one member of a group moves its idle aggregates to the other
 * members; an aggregate with events still in flight at the paused member holds the group's delivery
 * until they finished. {@link Subscription#close(Duration) Closing} a member lets its events in
 * flight finish within the timeout; the ones that did not are delivered again to another member of
 * the group (or kept until one subscribes). {@link Subscription#lag()} counts the events the topics
 * keep that were not yet handed to the group.
 *
 * <p>Thread-safe.
 */
public final class MemoryEventBus implements EventBus {

	/** Transport name: {@value}. */
	public static final String TRANSPORT = "memory";

	/** Default CloudEvents source filled into envelopes that have none. */
	public static final String DEFAULT_SOURCE = "eventbus";

	/** Default time {@link #close()} waits for in-flight events. */
	public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

	private static final Logger logger = LoggerFactory.getLogger(MemoryEventBus.class);

	private final MemoryOptions options;

	private final KeyedExecutor executor;

	private final boolean ownsExecutor;

	private final EnvelopeCodec codec;

	private final EventBusObserver observer;

	private final String source;

	private final Duration shutdownTimeout;

	private final ScheduledExecutorService retryScheduler;

	private final Map<String, MemoryTopic> topics = new ConcurrentHashMap<>();

	private final List<MemorySubscription> subscriptions = new CopyOnWriteArrayList<>();

	private final Map<String, AtomicInteger> subscriptionIds = new ConcurrentHashMap<>();

	private final AtomicBoolean closed = new AtomicBoolean();

	private MemoryEventBus(Builder builder) {
		this.options = builder.options;
		this.ownsExecutor = builder.executor == null;
		this.executor = (builder.executor != null) ? builder.executor
				: KeyedExecutor.create(KeyedExecutorOptions.builder().threadNamePrefix("eventbus-memory-keyed").build());
		this.codec = (builder.codec != null) ? builder.codec : new EnvelopeCodec(new JsonPayloadCodec());
		this.observer = builder.observer;
		this.source = builder.source;
		this.shutdownTimeout = builder.shutdownTimeout;
		this.retryScheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "eventbus-memory-retry");
			thread.setDaemon(true);
			return thread;
		});
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

	@Override
	public CompletableFuture<PublishReceipt> publish(String topic, Envelope<?> envelope) {
		Topics.validate(topic);
		if (envelope == null) {
			throw new InvalidEnvelopeException("envelope", "envelope must not be null");
		}
		if (this.closed.get()) {
			return CompletableFuture.failedFuture(closedException(topic));
		}
		Envelope<?> sourced = (envelope.source() != null) ? envelope
				: envelope.toBuilder().source(this.source).build();
		WireMessage wire = this.codec.encode(sourced, HeaderStyle.KAFKA);
		return store(topic, wire, sourced.eventId());
	}

	/**
	 * Appends a wire message to a topic as it is, without the codec. <b>For tests</b>: it injects input
	 * a real broker might carry, such as undecodable payloads or messages from foreign producers, to
	 * check how subscriptions treat poison. Bounded and rejected after close like
	 * {@link #publish(String, Envelope)}.
	 * @param topic the topic
	 * @param message key, headers and payload
	 * @return completes with the receipt once stored (event id from the {@code ce_id} header, empty if
	 * it has none)
	 */
	public CompletableFuture<PublishReceipt> publishRaw(String topic, WireMessage message) {
		Topics.validate(topic);
		Objects.requireNonNull(message, "message must not be null");
		if (this.closed.get()) {
			return CompletableFuture.failedFuture(closedException(topic));
		}
		String eventId = message.header(HeaderStyle.KAFKA.header("id"));
		return store(topic, message, (eventId != null) ? eventId : "");
	}

	private CompletableFuture<PublishReceipt> store(String topic, WireMessage wire, String eventId) {
		long start = System.nanoTime();
		try {
			long offset = topic(topic).append(wire, this.options.maxBlock());
			this.observer.published(TRANSPORT, topic, System.nanoTime() - start, null);
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
		this.observer.published(TRANSPORT, topic, System.nanoTime() - start, failure);
		return CompletableFuture.failedFuture(failure);
	}

	private static PublishRejectedException closedException(String topic) {
		return new PublishRejectedException(topic,
				"the memory event bus is closed; publish to a bus that is open", null);
	}

	private MemoryTopic topic(String name) {
		return this.topics.computeIfAbsent(name, (key) -> new MemoryTopic(key, this.options.topicCapacity()));
	}

	@Override
	public <T> Subscription subscribe(Collection<String> topicNames, Class<T> payloadType,
			SubscriptionOptions subscriptionOptions, EventListener<? super T> listener) {
		Objects.requireNonNull(topicNames, "topics must not be null");
		Objects.requireNonNull(payloadType, "payloadType must not be null");
		Objects.requireNonNull(subscriptionOptions, "options must not be null");
		Objects.requireNonNull(listener, "listener must not be null");
		List<String> names = Topics.validateAll(topicNames);
		if (this.closed.get()) {
			throw new IllegalStateException("the memory event bus is closed; subscribe on a bus that is open");
		}
		String group = subscriptionOptions.group();
		String id = uniqueId(group + "/" + String.join(",", names));
		SubscriptionDispatcher<T> dispatcher = new SubscriptionDispatcher<>(TRANSPORT, id, payloadType,
				subscriptionOptions, listener, this.executor, this.codec, HeaderStyle.KAFKA,
				(deadLetter) -> deadLetter(deadLetter), this.retryScheduler, this.observer);
		MemorySubscription subscription = new MemorySubscription(id, names, group, dispatcher,
				this.shutdownTimeout, this.subscriptions::remove);
		this.subscriptions.add(subscription);
		for (String name : names) {
			MemoryTopic memoryTopic = topic(name);
			MemoryGroup memoryGroup = memoryTopic.group(group,
					(position) -> new MemoryGroup(memoryTopic, group, position, this.executor));
			subscription.join(memoryTopic, memoryGroup);
		}
		logger.debug("Subscribed {} to memory topics {}", id, names);
		return subscription;
	}

	private String uniqueId(String base) {
		int n = this.subscriptionIds.computeIfAbsent(base, (key) -> new AtomicInteger()).incrementAndGet();
		return (n == 1) ? base : base + "#" + n;
	}

	/** Stores a dead letter in {@code <topic>-dlt}; called on executor workers by the dispatchers. */
	private CompletableFuture<PublishReceipt> deadLetter(DeadLetter deadLetter) {
		String topic = DeadLetter.kafkaTopic(deadLetter.original().topic());
		WireMessage wire = deadLetter.toWireMessage();
		String eventId = wire.header(HeaderStyle.KAFKA.header("id"));
		return store(topic, wire, (eventId != null) ? eventId : "");
	}

	@Override
	public List<Subscription> subscriptions() {
		return List.copyOf(this.subscriptions);
	}

	@Override
	public String transport() {
		return TRANSPORT;
	}

	/**
	 * Stops delivering new events, lets events in flight finish (including their retries and
	 * dead-lettering) within the shutdown timeout, then rejects publishes and stops the delivery
	 * threads. Events not finished by then are dropped with the bus (it keeps nothing across
	 * restarts). The keyed executor is shut down only if the bus created it. Idempotent.
	 */
	@Override
	public void close() {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		long deadline = System.nanoTime() + this.shutdownTimeout.toNanos();
		List<MemorySubscription> open = List.copyOf(this.subscriptions);
		List<MemorySubscription> closing = new ArrayList<>();
		for (MemorySubscription subscription : open) {
			if (subscription.beginClose()) {
				closing.add(subscription);
			}
		}
		for (MemorySubscription subscription : closing) {
			subscription.awaitDrained(remaining(deadline));
		}
		List<MemoryTopic> allTopics = List.copyOf(this.topics.values());
		for (MemoryTopic memoryTopic : allTopics) {
			for (MemoryGroup memoryGroup : memoryTopic.groups()) {
				memoryGroup.stop(Duration.ofSeconds(1));
			}
		}
		for (MemorySubscription subscription : closing) {
			long unfinished = subscription.pending();
			if (unfinished > 0) {
				logger.warn("Memory subscription '{}' still had {} event(s) in flight after the shutdown timeout "
						+ "of {}; they are dropped with the bus", subscription.id(), unfinished, this.shutdownTimeout);
			}
			subscription.finishClose();
		}
		for (MemoryTopic memoryTopic : allTopics) {
			memoryTopic.close();
		}
		this.retryScheduler.shutdownNow();
		if (this.ownsExecutor) {
			this.executor.shutdown(remaining(deadline));
		}
	}

	private static Duration remaining(long deadline) {
		return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
	}

	/** Builds a {@link MemoryEventBus}. */
	public static final class Builder {

		private final MemoryOptions options;

		private @Nullable KeyedExecutor executor;

		private @Nullable EnvelopeCodec codec;

		private EventBusObserver observer = EventBusObserver.NOOP;

		private String source = DEFAULT_SOURCE;

		private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;

		private Builder(MemoryOptions options) {
			this.options = Objects.requireNonNull(options, "options must not be null");
		}

		/**
		 * @param executor shared keyed executor, not closed by the bus (default: a bus-owned executor
		 * with the {@link KeyedExecutorOptions} defaults)
		 * @return this builder
		 */
		public Builder executor(KeyedExecutor executor) {
			this.executor = Objects.requireNonNull(executor, "executor must not be null");
			return this;
		}

		/** @param codec envelope codec (default JSON) @return this builder */
		public Builder codec(EnvelopeCodec codec) {
			this.codec = Objects.requireNonNull(codec, "codec must not be null");
			return this;
		}

		/** @param observer measurements (default none) @return this builder */
		public Builder observer(EventBusObserver observer) {
			this.observer = Objects.requireNonNull(observer, "observer must not be null");
			return this;
		}

		/** @param source CloudEvents source for envelopes without one (default {@value MemoryEventBus#DEFAULT_SOURCE}) @return this builder */
		public Builder source(String source) {
			this.source = source;
			return this;
		}

		/** @param shutdownTimeout how long close waits for in-flight events, not negative @return this builder */
		public Builder shutdownTimeout(Duration shutdownTimeout) {
			this.shutdownTimeout = shutdownTimeout;
			return this;
		}

		/**
		 * @return a running bus
		 * @throws IllegalArgumentException naming the invalid setting
		 */
		public MemoryEventBus build() {
			if (this.source == null || this.source.isBlank()) {
				throw new IllegalArgumentException("memory bus source must not be blank");
			}
			if (this.shutdownTimeout == null || this.shutdownTimeout.isNegative()) {
				throw new IllegalArgumentException(
						"memory bus shutdownTimeout must not be negative but was " + this.shutdownTimeout);
			}
			return new MemoryEventBus(this);
		}

	}

}

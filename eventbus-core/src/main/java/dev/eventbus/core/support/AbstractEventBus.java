package dev.eventbus.core.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.eventbus.core.api.DuplicateSubscriptionException;
import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.api.EventBusException;
import dev.eventbus.core.api.EventListener;
import dev.eventbus.core.api.InvalidEnvelopeException;
import dev.eventbus.core.api.PublishReceipt;
import dev.eventbus.core.api.PublishRejectedException;
import dev.eventbus.core.api.Subscription;
import dev.eventbus.core.api.SubscriptionOptions;
import dev.eventbus.core.codec.HeaderStyle;
import dev.eventbus.core.codec.WireMessage;
import dev.eventbus.core.keyed.KeyedExecutor;
import dev.eventbus.core.keyed.KeyedExecutorOptions;
import dev.eventbus.core.observation.DefaultPublishObservationConvention;
import dev.eventbus.core.observation.EventBusObservationDocumentation;
import dev.eventbus.core.observation.PublishObservationContext;

import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The frame every transport shares, so that the three buses behave as one API. It owns the closed
 * flag, the subscription registry and its duplicate rule, argument checks, the publish pipeline,
 * the dead-letter hand-off and close under one deadline. A transport implements only the broker
 * specifics:
 * <ul>
 * <li>{@link #send(String, WireMessage, String)}: put an encoded message on the broker;</li>
 * <li>{@link #open(SubscriptionRequest)}: start a consumer loop for (group, topics) feeding the
 * request's dispatcher, as an {@link AbstractSubscription};</li>
 * <li>{@link #deadLetterTopic(String)}: name the dead-letter destination;</li>
 * <li>{@link #closeTransport(long)}: flush and release the clients;</li>
 * </ul>
 * and describes a message's position through the {@link InboundMessage} it dispatches (Kafka
 * partition and offset, JetStream stream sequence, memory log position).
 *
 * <h2>The rules it enforces, the same on every transport</h2>
 * <ul>
 * <li>An argument mistake throws {@link InvalidEnvelopeException} naming the argument
 * ({@code topic}, {@code topics}, {@code envelope}, {@code payloadType}, {@code options},
 * {@code listener}).</li>
 * <li>Publish after close: the returned future fails with {@link PublishRejectedException}.
 * Subscribe after close: {@link IllegalStateException}.</li>
 * <li>One subscription per (group, topic) on a bus: a second subscription of the same group to any
 * topic the first reads ({@code [a, b]} then {@code [b, c]}, or the same topics in another order)
 * throws {@link DuplicateSubscriptionException} naming the first and the shared topic until the
 * first is closed. Two such subscriptions would split the topic's events between their listeners.</li>
 * <li>With dead-lettering on, every topic's dead-letter topic must be a valid topic name too.</li>
 * <li>{@link #close()} closes the subscriptions in parallel, then the transport, then an own executor,
 * all within one shutdown timeout.</li>
 * </ul>
 *
 * <p>Observation: with a {@link BusSettings#observationRegistry() registry} other than NOOP, a publish
 * is a {@code PUBLISH} observation ({@link dev.eventbus.core.observation.EventBusObservationDocumentation}):
 * the propagator's headers join the message's, the CloudEvents {@code traceparent} of an envelope
 * without one is the publish span's context, and each subscription's dispatcher observes every handler
 * attempt as {@code HANDLE}, continuing the trace those headers carry.
 *
 * <p>Thread-safe. The registry is a concurrent map; subscribe and close race safely: a subscription
 * opened while the bus closes is closed at once and subscribe throws.
 */
public abstract class AbstractEventBus implements EventBus {

	private static final Logger logger = LoggerFactory.getLogger(AbstractEventBus.class);

	private final String transport;

	private final HeaderStyle headerStyle;

	private final BusSettings settings;

	private final AtomicBoolean closed = new AtomicBoolean();

	/** (group, topic) to the id of the subscription that reads that topic for that group. */
	private final Map<GroupTopic, String> reservedIds = new ConcurrentHashMap<>();

	private final Map<String, AbstractSubscription> subscriptions = new ConcurrentHashMap<>();

	/** Guarded by {@code this}. */
	private @Nullable KeyedExecutor ownExecutor;

	/** Guarded by {@code this}. */
	private @Nullable ScheduledExecutorService ownRetryScheduler;

	/**
	 * @param transport transport name ({@code kafka}, {@code nats}, {@code memory}), the meters' tag
	 * @param headerStyle how CloudEvents attributes are named in this transport's headers
	 * @param settings the shared settings
	 */
	protected AbstractEventBus(String transport, HeaderStyle headerStyle, BusSettings settings) {
		this.transport = transport;
		this.headerStyle = headerStyle;
		this.settings = settings;
	}

	/** @return the shared settings this bus was built with */
	public final BusSettings settings() {
		return this.settings;
	}

	@Override
	public final String transport() {
		return this.transport;
	}

	/** @return the header naming of this transport */
	protected final HeaderStyle headerStyle() {
		return this.headerStyle;
	}

	/** @return whether {@link #close()} was called */
	protected final boolean isClosed() {
		return this.closed.get();
	}

	@Override
	public final CompletableFuture<PublishReceipt> publish(String topic, Envelope<?> envelope) {
		Topics.validate(topic);
		if (envelope == null) {
			throw new InvalidEnvelopeException("envelope", "envelope must not be null");
		}
		if (isClosed()) {
			return CompletableFuture.failedFuture(new PublishRejectedException(topic, "cannot publish to topic '"
					+ topic + "': the " + this.transport + " event bus is closed; publish to a bus that is open", null));
		}
		Envelope<?> sourced = (envelope.source() != null) ? envelope
				: envelope.toBuilder().source(this.settings.source()).build();
		if (this.settings.observationRegistry().isNoop()) {
			return send(topic, this.settings.codec().encode(sourced, this.headerStyle), sourced.eventId());
		}
		return observedPublish(topic, sourced);
	}

	/**
	 * The publish as an observation: it starts before encoding, so the propagator injects the producer
	 * span's context into the carrier; those headers join the message's, the CloudEvents
	 * {@code traceparent} (when the envelope has none) is that context, and the observation stops
	 * when the broker acknowledges or the publish fails.
	 */
	private CompletableFuture<PublishReceipt> observedPublish(String topic, Envelope<?> sourced) {
		PublishObservationContext context = new PublishObservationContext(this.transport, topic, sourced.eventType(),
				sourced.eventId());
		Observation observation = EventBusObservationDocumentation.PUBLISH
			.observation(this.settings.publishObservationConvention(), DefaultPublishObservationConvention.INSTANCE,
					() -> context, this.settings.observationRegistry())
			.start();
		CompletableFuture<PublishReceipt> sent;
		try (Observation.Scope scope = observation.openScope()) {
			Envelope<?> traced = sourced;
			String creation = (sourced.traceparent() == null) ? context.creationTraceparent() : null;
			if (creation != null) {
				traced = sourced.toBuilder().traceparent(creation).build();
			}
			WireMessage encoded = this.settings.codec().encode(traced, this.headerStyle);
			sent = send(topic, withPropagationHeaders(encoded, context.propagationHeaders()), traced.eventId());
		}
		catch (RuntimeException | Error ex) {
			context.outcome("failure");
			observation.error(ex);
			observation.stop();
			throw ex;
		}
		sent.whenComplete((receipt, error) -> {
			if (error != null) {
				context.outcome("failure");
				observation.error(EventBusException.unwrap(error));
			}
			else {
				context.outcome("success");
			}
			observation.stop();
		});
		return sent;
	}

	/** The propagator's headers join the message's; a header the codec wrote is never replaced. */
	private static WireMessage withPropagationHeaders(WireMessage message, Map<String, String> propagation) {
		if (propagation.isEmpty()) {
			return message;
		}
		Map<String, String> headers = new LinkedHashMap<>(message.headers());
		propagation.forEach(headers::putIfAbsent);
		return new WireMessage(message.key(), Collections.unmodifiableMap(headers), message.payload());
	}

	@Override
	public final <T> Subscription subscribe(Collection<String> topics, Class<T> payloadType,
			SubscriptionOptions options, EventListener<? super T> listener) {
		requireArgument(payloadType, "payloadType");
		requireArgument(options, "options");
		requireArgument(listener, "listener");
		List<String> names = Topics.validateAll(topics);
		if (options.deadLetter()) {
			names.forEach(this::checkDeadLetterTopic);
		}
		if (isClosed()) {
			throw new IllegalStateException(
					"cannot subscribe to " + names + ": the " + this.transport + " event bus is closed");
		}
		String id = options.group() + "/" + String.join(",", names);
		reserve(options.group(), names, id);
		AbstractSubscription subscription;
		try {
			SubscriptionDispatcher<T> dispatcher = new SubscriptionDispatcher<>(this.transport, id, payloadType,
					options, listener, executor(), this.settings.codec(), this.headerStyle, this::sendDeadLetter,
					retryScheduler(), this.settings.observer(), this.settings.observationRegistry(),
					this.settings.handleObservationConvention());
			subscription = open(new SubscriptionRequest<>(this.transport, id, names, options, dispatcher,
					this.settings.shutdownTimeout(), this::forget));
		}
		catch (RuntimeException | Error ex) {
			release(options.group(), names, id);
			throw ex;
		}
		this.subscriptions.put(id, subscription);
		if (isClosed()) {
			subscription.close(Duration.ZERO);
			throw new IllegalStateException(
					"cannot subscribe to " + names + ": the " + this.transport + " event bus was closed meanwhile");
		}
		return subscription;
	}

	/**
	 * The duplicate rule: reserves every (group, topic) of a new subscription, or none of them when one
	 * is held by another subscription already.
	 */
	private void reserve(String group, List<String> topics, String id) {
		List<String> reserved = new ArrayList<>(topics.size());
		for (String topic : topics) {
			String existing = this.reservedIds.putIfAbsent(new GroupTopic(group, topic), id);
			if (existing != null) {
				release(group, reserved, id);
				throw new DuplicateSubscriptionException(this.transport, existing, group, topic);
			}
			reserved.add(topic);
		}
	}

	private void release(String group, List<String> topics, String id) {
		for (String topic : topics) {
			this.reservedIds.remove(new GroupTopic(group, topic), id);
		}
	}

	private record GroupTopic(String group, String topic) {
	}

	private static void requireArgument(@Nullable Object value, String name) {
		if (value == null) {
			throw new InvalidEnvelopeException(name, name + " must not be null");
		}
	}

	private void checkDeadLetterTopic(String topic) {
		String deadLetterTopic = deadLetterTopic(topic);
		try {
			Topics.validate(deadLetterTopic);
		}
		catch (InvalidEnvelopeException ex) {
			throw new InvalidEnvelopeException("topics", "topic '" + topic + "' cannot be dead-lettered: its "
					+ "dead-letter topic '" + deadLetterTopic + "' is invalid (" + ex.getMessage() + "); use a topic name "
					+ (deadLetterTopic.length() - topic.length()) + " characters shorter than the limit of "
					+ Topics.MAX_LENGTH + ", or subscribe with dead-lettering off");
		}
	}

	private void forget(AbstractSubscription subscription) {
		if (this.subscriptions.remove(subscription.id(), subscription)) {
			release(subscription.group(), subscription.topics(), subscription.id());
		}
		try {
			this.settings.observer().subscriptionClosed(this.transport, subscription);
		}
		catch (RuntimeException ex) {
			logger.warn("The observer failed on the close of {} subscription '{}'", this.transport, subscription.id(), ex);
		}
	}

	@Override
	public final List<Subscription> subscriptions() {
		return List.copyOf(this.subscriptions.values());
	}

	/**
	 * Sends a message that was already encoded (or a dead letter) to the broker.
	 * @param topic destination topic, validated
	 * @param message key, headers and payload
	 * @param eventId the event id (for de-duplication and the receipt; empty when the message has none)
	 * @return completes with the receipt once the broker has it, or exceptionally with an
	 * {@link dev.eventbus.core.api.EventBusException}; never throws for broker failures
	 */
	protected abstract CompletableFuture<PublishReceipt> send(String topic, WireMessage message, String eventId);

	/**
	 * Starts a consumer loop for the request's group and topics, feeding its dispatcher.
	 * @param request the checked arguments, the id and the dispatcher
	 * @return the running subscription
	 * @throws dev.eventbus.core.api.EventBusException if the broker refuses (nothing was fetched)
	 */
	protected abstract AbstractSubscription open(SubscriptionRequest<?> request);

	/**
	 * Flushes publishes and releases the clients, by the deadline; subscriptions are closed already.
	 * @param deadline {@link System#nanoTime()} by which close should be done
	 */
	protected abstract void closeTransport(long deadline);

	/**
	 * Stores a dead letter in {@link #deadLetterTopic(String) the dead-letter topic} of its original.
	 * Runs on executor workers; a failed future makes the dispatcher retry (holding the key).
	 * @param deadLetter the dead letter
	 * @return completes once stored
	 */
	protected CompletableFuture<?> sendDeadLetter(DeadLetter deadLetter) {
		WireMessage message = deadLetter.toWireMessage(this.headerStyle);
		String eventId = message.header(this.headerStyle.header("id"));
		return send(deadLetterTopic(deadLetter.original().topic()), message, (eventId != null) ? eventId : "");
	}

	/**
	 * The keyed executor handlers run on: the shared one from the settings, or the bus's own, created
	 * at the first call (named {@code eventbus-<transport>-keyed-N}) and shut down on close.
	 * @return the executor
	 */
	protected final synchronized KeyedExecutor executor() {
		KeyedExecutor shared = this.settings.executor();
		if (shared != null) {
			return shared;
		}
		if (this.ownExecutor == null) {
			this.ownExecutor = KeyedExecutor
				.create(KeyedExecutorOptions.builder().threadNamePrefix("eventbus-" + this.transport + "-keyed").build());
		}
		return this.ownExecutor;
	}

	/**
	 * Where retries wait for their backoff. By default one daemon thread of the bus,
	 * {@code eventbus-<transport>-retry}, created at the first call; a transport with a scheduler of
	 * its own may return that instead (and then shuts it down itself).
	 * @return the scheduler
	 */
	protected synchronized ScheduledExecutorService retryScheduler() {
		if (this.ownRetryScheduler == null) {
			String name = "eventbus-" + this.transport + "-retry";
			this.ownRetryScheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
				Thread thread = new Thread(task, name);
				thread.setDaemon(true);
				return thread;
			});
		}
		return this.ownRetryScheduler;
	}

	/**
	 * Closes every subscription in parallel (draining in-flight work and committing it), then the
	 * transport (flushing publishes), then the bus's own executor and threads, all within the one
	 * shutdown timeout. Idempotent.
	 */
	@Override
	public final void close() {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		long deadline = System.nanoTime() + this.settings.shutdownTimeout().toNanos();
		closeSubscriptions(deadline);
		try {
			closeTransport(deadline);
		}
		catch (RuntimeException ex) {
			logger.warn("The {} event bus did not release its clients cleanly", this.transport, ex);
		}
		KeyedExecutor executor;
		synchronized (this) {
			if (this.ownRetryScheduler != null) {
				this.ownRetryScheduler.shutdownNow();
			}
			executor = this.ownExecutor;
		}
		if (executor != null) {
			executor.shutdown(remaining(deadline));
		}
		logger.debug("The {} event bus is closed", this.transport);
	}

	private void closeSubscriptions(long deadline) {
		List<AbstractSubscription> open = List.copyOf(this.subscriptions.values());
		if (open.size() == 1) {
			open.get(0).closeBy(deadline);
			return;
		}
		List<Thread> closers = new ArrayList<>(open.size());
		for (AbstractSubscription subscription : open) {
			Thread closer = new Thread(() -> subscription.closeBy(deadline),
					"eventbus-" + this.transport + "-close-" + subscription.id());
			closer.setDaemon(true);
			closer.start();
			closers.add(closer);
		}
		for (Thread closer : closers) {
			try {
				closer.join(Math.max(1, remaining(deadline).toMillis() + 1000));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	/**
	 * @param deadline a {@link System#nanoTime()} deadline
	 * @return the time left until it, never negative
	 */
	protected static Duration remaining(long deadline) {
		return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
	}

}

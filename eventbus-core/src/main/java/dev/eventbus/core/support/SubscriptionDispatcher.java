package dev.eventbus.core.support;

import java.time.Duration;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import dev.eventbus.core.api.AsyncEventListener;
import dev.eventbus.core.api.DeadLetterRecord;
import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.EventBusException;
import dev.eventbus.core.api.EventContext;
import dev.eventbus.core.api.EventListener;
import dev.eventbus.core.api.Ordering;
import dev.eventbus.core.api.RetryPolicy;
import dev.eventbus.core.api.SerializationException;
import dev.eventbus.core.api.SubscriptionOptions;
import dev.eventbus.core.codec.EnvelopeCodec;
import dev.eventbus.core.codec.HeaderStyle;
import dev.eventbus.core.codec.WireMessage;
import dev.eventbus.core.keyed.KeyedExecutor;
import dev.eventbus.core.metrics.EventBusObserver;
import dev.eventbus.core.observation.DefaultHandleObservationConvention;
import dev.eventbus.core.observation.EventBusObservationDocumentation;
import dev.eventbus.core.observation.HandleObservationContext;
import dev.eventbus.core.observation.HandleObservationConvention;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the consuming half of the delivery contract for one subscription, the same for every
 * transport: dispatch into the shared {@link KeyedExecutor} (lane key = subscription id + aggregate
 * id under {@code Ordering.KEY}, no lane otherwise), decode on the worker, call the listener, retry
 * inside the lane with the subscription's backoff (the lane stays held, no worker is held while
 * waiting), and after the last attempt, or at once for poison, hand the message to the
 * {@link DeadLetterPublisher}. A dead-letter publish that fails is retried (lane held) until it
 * succeeds or the dispatcher is closed, so nothing is committed that is not handled or stored.
 *
 * <p>The aggregate id used as lane key is the message's key, or the CloudEvents {@code subject}
 * header when the message has no key; a message with neither runs without a lane.
 *
 * <p>Poison: a message the codec cannot decode (bad payload, missing or malformed CloudEvents
 * header) or whose event type the subscription does not {@link SubscriptionOptions#accepts accept}
 * is not handed to the listener; it is dead-lettered at once with reason
 * {@link DeadLetter#REASON_POISON} and zero attempts.
 *
 * <p>Fatal: a listener failure the retry policy {@link RetryPolicy#isFatal classifies} as one that
 * retrying cannot fix is not retried; it is dead-lettered after the attempt that threw, with reason
 * {@link DeadLetter#REASON_FATAL}.
 *
 * <p>Asynchronous listeners: an {@link AsyncEventListener} returns a stage, and the attempt ends when
 * the stage completes (a synchronous listener is an attempt whose stage is complete when it returns;
 * {@code null} counts as success). One path handles both: the outcome of an attempt (success, retry,
 * fatal, dead letter, {@link VirtualMachineError}) is decided the same way for a thrown exception and
 * an exceptionally completed stage (its cause unwrapped from {@code CompletionException}). The
 * lane stays held while the stage is open, no worker does: a stage that completes while the worker is
 * still in the attempt is finished by that worker, a later completion hands the rest of the attempt to
 * a worker ({@link KeyedExecutor#workers()}), never running it on the thread that completed the stage.
 * {@link #close()} gives up on stages still open (the message completes exceptionally and is not
 * committed; the stage is not cancelled), so a stage that never completes holds nothing past close.
 *
 * <p>Thread-safe: the transport's fetch thread calls {@link #dispatch}; workers and the retry
 * scheduler run the rest. A message's state (its decoded envelope, attempt count, scheduled retry)
 * is touched by one thread at a time: the worker running its attempt, then the scheduler thread
 * that hands the next attempt back to the workers; {@link #close()} only cancels the scheduled retry.
 *
 * @param <T> payload type
 */
public final class SubscriptionDispatcher<T> {

	private static final Logger logger = LoggerFactory.getLogger(SubscriptionDispatcher.class);

	/** Handle observation outcome of an attempt after which the event is retried. */
	static final String OUTCOME_RETRY = "retry";

	/** Handle observation outcome of an attempt ended by a {@link VirtualMachineError}: the subscription stops. */
	static final String OUTCOME_STOPPED = "stopped";

	/** Handle observation outcome of an attempt left unfinished (close, or a failure of the bus itself). */
	static final String OUTCOME_ABANDONED = "abandoned";

	private final String transport;

	private final String subscriptionId;

	private final Class<T> payloadType;

	private final SubscriptionOptions options;

	private final EventListener<T> listener;

	/** The listener when it is asynchronous, else null. */
	private final @Nullable AsyncEventListener<T> asyncListener;

	private final KeyedExecutor executor;

	private final EnvelopeCodec codec;

	private final HeaderStyle headerStyle;

	private final DeadLetterPublisher deadLetters;

	private final ScheduledExecutorService retryScheduler;

	private final EventBusObserver observer;

	private final ObservationRegistry observationRegistry;

	private final @Nullable HandleObservationConvention observationConvention;

	/** Messages dispatched and not finished; added by the fetch thread, removed on completion. */
	private final Set<Delivery> inFlight = ConcurrentHashMap.newKeySet();

	private final AtomicLong pending = new AtomicLong();

	private volatile boolean closed;

	/** Set once by {@link #stop(Throwable)}: the subscription failed; nothing more is started. */
	private volatile @Nullable Throwable stoppedBy;

	private volatile Consumer<Throwable> fatalHandler = (error) -> {
	};

	/**
	 * @param transport transport name for contexts and meters
	 * @param subscriptionId unique id of the subscription (part of the lane key)
	 * @param payloadType type the payload is decoded to
	 * @param options group, ordering, retry, dead-letter, accepted types
	 * @param listener the application's listener
	 * @param executor the shared keyed executor
	 * @param codec envelope codec
	 * @param headerStyle header naming of the transport
	 * @param deadLetters dead-letter publisher of the transport
	 * @param retryScheduler schedules retries after their backoff
	 * @param observer meters
	 */
	public SubscriptionDispatcher(String transport, String subscriptionId, Class<T> payloadType,
			SubscriptionOptions options, EventListener<? super T> listener, KeyedExecutor executor,
			EnvelopeCodec codec, HeaderStyle headerStyle, DeadLetterPublisher deadLetters,
			ScheduledExecutorService retryScheduler, EventBusObserver observer) {
		this(transport, subscriptionId, payloadType, options, listener, executor, codec, headerStyle, deadLetters,
				retryScheduler, observer, ObservationRegistry.NOOP, null);
	}

	/**
	 * @param transport transport name for contexts and meters
	 * @param subscriptionId unique id of the subscription (part of the lane key)
	 * @param payloadType type the payload is decoded to
	 * @param options group, ordering, retry, dead-letter, accepted types
	 * @param listener the application's listener
	 * @param executor the shared keyed executor
	 * @param codec envelope codec
	 * @param headerStyle header naming of the transport
	 * @param deadLetters dead-letter publisher of the transport
	 * @param retryScheduler schedules retries after their backoff
	 * @param observer meters
	 * @param observationRegistry where each handler attempt is observed (NOOP: not at all)
	 * @param observationConvention naming of the handle observation, or null for the default
	 */
	@SuppressWarnings("unchecked")
	public SubscriptionDispatcher(String transport, String subscriptionId, Class<T> payloadType,
			SubscriptionOptions options, EventListener<? super T> listener, KeyedExecutor executor,
			EnvelopeCodec codec, HeaderStyle headerStyle, DeadLetterPublisher deadLetters,
			ScheduledExecutorService retryScheduler, EventBusObserver observer,
			ObservationRegistry observationRegistry, @Nullable HandleObservationConvention observationConvention) {
		this.transport = Objects.requireNonNull(transport, "transport must not be null");
		this.subscriptionId = Objects.requireNonNull(subscriptionId, "subscriptionId must not be null");
		this.payloadType = Objects.requireNonNull(payloadType, "payloadType must not be null");
		this.options = Objects.requireNonNull(options, "options must not be null");
		// The listener only reads the envelope, so a listener of a supertype can take an Envelope<T>.
		this.listener = (EventListener<T>) Objects.requireNonNull(listener, "listener must not be null");
		this.asyncListener = (listener instanceof AsyncEventListener<?> async) ? (AsyncEventListener<T>) async : null;
		this.executor = Objects.requireNonNull(executor, "executor must not be null");
		this.codec = Objects.requireNonNull(codec, "codec must not be null");
		this.headerStyle = Objects.requireNonNull(headerStyle, "headerStyle must not be null");
		this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters must not be null");
		this.retryScheduler = Objects.requireNonNull(retryScheduler, "retryScheduler must not be null");
		this.observer = Objects.requireNonNull(observer, "observer must not be null");
		this.observationRegistry = Objects.requireNonNull(observationRegistry, "observationRegistry must not be null");
		this.observationConvention = observationConvention;
	}

	/**
	 * Hands a message to the executor. Never blocks longer than {@code maxWait} for room.
	 * @param message the fetched message
	 * @param maxWait longest wait for room in the executor
	 * @return completes with the outcome when the message may be committed/acked; completes
	 * exceptionally only if the dispatcher was closed before the message finished (then it must
	 * not be committed); the exception is the cause itself, typically a
	 * {@link java.util.concurrent.CancellationException}, never a {@code CompletionException} wrapper.
	 * The executor discarding the task at its shutdown also completes it exceptionally.
	 * @throws java.util.concurrent.RejectedExecutionException if the executor had no room in time
	 */
	public CompletableFuture<Outcome> dispatch(InboundMessage message, Duration maxWait) {
		return dispatch(message, maxWait, () -> false);
	}

	/**
	 * Hands a message to the executor with a revocation check: when {@code revoked} is true at the
	 * moment the message's turn comes (or before a retry), the message is not started and its future
	 * completes exceptionally with a {@link java.util.concurrent.CancellationException}. Kafka uses
	 * it to drop queued work of revoked partitions.
	 * @param message the fetched message
	 * @param maxWait longest wait for room in the executor
	 * @param revoked polled before each attempt
	 * @return as {@link #dispatch(InboundMessage, Duration)}
	 */
	public CompletableFuture<Outcome> dispatch(InboundMessage message, Duration maxWait, BooleanSupplier revoked) {
		Objects.requireNonNull(message, "message must not be null");
		Objects.requireNonNull(maxWait, "maxWait must not be null");
		Objects.requireNonNull(revoked, "revoked must not be null");
		if (this.closed || this.stoppedBy != null) {
			return CompletableFuture.failedFuture(cancellation("dispatcher of subscription '"
					+ this.subscriptionId + "' is " + (this.closed ? "closed" : "stopped after a failure")
					+ "; message at " + describe(message) + " not started", this.stoppedBy));
		}
		Delivery delivery = new Delivery(message, revoked, System.nanoTime());
		this.inFlight.add(delivery);
		this.pending.incrementAndGet();
		CompletableFuture<Outcome> laneCompletion;
		try {
			laneCompletion = this.executor.submitAsync(laneKey(message.wire()), delivery::start, maxWait);
		}
		catch (RuntimeException ex) {
			finished(delivery);
			throw ex;
		}
		CompletableFuture<Outcome> result = new CompletableFuture<>();
		laneCompletion.whenComplete((outcome, error) -> {
			finished(delivery);
			if (outcome != null) {
				long nanos = System.nanoTime() - delivery.dispatchedAt;
				observe(() -> this.observer.consumed(this.transport, message.topic(), this.options.group(),
						outcome.tag(), nanos, delivery.lastError));
				result.complete(outcome);
			}
			else {
				Throwable cause = unwrap(error);
				if (logger.isDebugEnabled()) {
					logger.debug("Message at {} of subscription '{}' was not finished and must not be committed: {}",
							describe(message), this.subscriptionId, String.valueOf(cause));
				}
				result.completeExceptionally(cause);
			}
		});
		return result;
	}

	/**
	 * Sets who learns of a fatal handler failure: a {@link VirtualMachineError} thrown by the
	 * listener. The dispatcher has stopped by then ({@link #stop(Throwable)}); the handler (the
	 * subscription) stops fetching and reports FAILED. Called once, before the first dispatch.
	 * @param handler called with the error, on the worker that caught it
	 */
	public void onFatal(Consumer<Throwable> handler) {
		this.fatalHandler = Objects.requireNonNull(handler, "handler must not be null");
	}

	/**
	 * Stops for good after a failure: no attempt starts any more (queued and retrying messages
	 * complete exceptionally when their turn comes, so they are neither handled nor committed, and
	 * later events of a key never overtake the one that failed). Running attempts finish. Idempotent.
	 * @param cause why
	 */
	public void stop(Throwable cause) {
		if (this.stoppedBy == null) {
			this.stoppedBy = cause;
		}
		for (Delivery delivery : this.inFlight) {
			delivery.cancelScheduledRetry();
		}
	}

	/** @return messages dispatched and not finished */
	public long pending() {
		return this.pending.get();
	}

	/**
	 * Stops starting new attempts: queued messages of this dispatcher complete exceptionally with a
	 * {@link java.util.concurrent.CancellationException} when their turn comes, pending retries are
	 * cancelled. Running attempts finish; attempts waiting for an {@link AsyncEventListener}'s stage
	 * are given up (exceptionally, so they are not committed; the stage is not cancelled, its outcome
	 * is ignored). The subscription calls it after waiting for in-flight work up to its close deadline.
	 * Idempotent.
	 */
	public void close() {
		this.closed = true;
		for (Delivery delivery : this.inFlight) {
			delivery.cancelScheduledRetry();
			delivery.abandonStage();
		}
	}

	private void finished(Delivery delivery) {
		if (this.inFlight.remove(delivery)) {
			this.pending.decrementAndGet();
		}
	}

	private @Nullable Object laneKey(WireMessage wire) {
		if (this.options.ordering() != Ordering.KEY) {
			return null;
		}
		String aggregateId = wire.key();
		if (aggregateId == null) {
			aggregateId = wire.header(this.headerStyle.header("subject"));
		}
		return (aggregateId != null) ? new LaneKey(this.subscriptionId, aggregateId) : null;
	}

	private static String describe(InboundMessage message) {
		StringBuilder where = new StringBuilder(message.topic());
		if (message.partition() != null) {
			where.append('-').append(message.partition());
		}
		if (message.offset() != null) {
			where.append('@').append(message.offset());
		}
		if (message.streamSequence() != null) {
			where.append("#").append(message.streamSequence());
		}
		return where.toString();
	}

	private static CancellationException cancellation(String message, @Nullable Throwable cause) {
		CancellationException cancellation = new CancellationException(message);
		if (cause != null) {
			cancellation.initCause(cause);
		}
		return cancellation;
	}

	private static Throwable unwrap(@Nullable Throwable error) {
		return (error != null) ? EventBusException.unwrap(error)
				: new IllegalStateException("completed without outcome or error");
	}

	private static String messageOf(Throwable error) {
		String message = error.getMessage();
		return (message != null) ? message : "";
	}

	private void observe(Runnable call) {
		try {
			call.run();
		}
		catch (RuntimeException ex) {
			logger.warn("EventBusObserver failed; the measurement is lost", ex);
		}
	}

	/**
	 * Lane key: the subscription and the aggregate, so two subscriptions never share a lane. Built and
	 * hashed by the fetch thread for every message, so {@code equals} and {@code hashCode} are written out
	 * (a record's generated ones go through method handles, which showed in the fetch thread's profile).
	 */
	private record LaneKey(String subscriptionId, String aggregateId) {

		@Override
		public boolean equals(@Nullable Object other) {
			return (other instanceof LaneKey key) && this.aggregateId.equals(key.aggregateId)
					&& this.subscriptionId.equals(key.subscriptionId);
		}

		@Override
		public int hashCode() {
			return 31 * this.subscriptionId.hashCode() + this.aggregateId.hashCode();
		}

	}

	/**
	 * One dispatched message from its turn in the lane to its outcome. Touched by one thread at a
	 * time (see the class javadoc); {@link #scheduled} is volatile because {@link #close()} cancels it.
	 */
	private final class Delivery {

		private final InboundMessage message;

		private final BooleanSupplier revoked;

		private final long dispatchedAt;

		/** Completing it releases the key's lane. */
		private final CompletableFuture<Outcome> done = new CompletableFuture<>();

		private @Nullable Envelope<T> envelope;

		private @Nullable EventContext context;

		private volatile @Nullable Throwable lastError;

		private volatile @Nullable Future<?> scheduled;

		/** The handle observation of the running attempt until its outcome is known; holds null when none. */
		private final AtomicReference<@Nullable Observation> observation = new AtomicReference<>();

		/** Phase of the stage an attempt waits for (see {@code awaitStage}); null when none is open. */
		private volatile @Nullable AtomicInteger awaiting;

		Delivery(InboundMessage message, BooleanSupplier revoked, long dispatchedAt) {
			this.message = message;
			this.revoked = revoked;
			this.dispatchedAt = dispatchedAt;
		}

		/** Runs on a worker when the message's turn in its lane comes; the lane is held until {@link #done}. */
		CompletableFuture<Outcome> start() {
			try {
				attempt(1);
			}
			catch (Throwable ex) {
				fail(ex);
			}
			return this.done;
		}

		private void attempt(int attempt) {
			if (stopped("attempt", attempt)) {
				return;
			}
			if (this.envelope == null && !decode()) {
				return;
			}
			Envelope<T> decoded = Objects.requireNonNull(this.envelope);
			EventContext attemptContext = Objects.requireNonNull(this.context).withAttempt(attempt);
			Throwable failure = null;
			CompletionStage<?> stage = null;
			long startedAt = System.nanoTime();
			Observation attemptObservation = startObservation(decoded.eventType(), decoded.eventId(), attempt);
			try (Observation.Scope scope = attemptObservation.openScope()) {
				stage = invoke(decoded, attemptContext);
			}
			catch (Throwable ex) {
				failure = ex;
			}
			clearStrayInterrupt(decoded, attempt);
			if (stage != null) {
				awaitStage(stage, decoded, attempt, startedAt);
				return;
			}
			attempted(decoded, attempt, startedAt, failure);
		}

		/** Calls the listener: a synchronous one has finished when it returns (no stage). */
		private @Nullable CompletionStage<?> invoke(Envelope<T> decoded, EventContext attemptContext) throws Exception {
			AsyncEventListener<T> async = SubscriptionDispatcher.this.asyncListener;
			if (async != null) {
				return async.onEventAsync(decoded, attemptContext);
			}
			SubscriptionDispatcher.this.listener.onEvent(decoded, attemptContext);
			return null;
		}

		/**
		 * Waits, holding the lane but not the worker, for an asynchronous listener's stage. {@code stagePhase}
		 * settles who goes on: 0 while this worker registers the callback; a completion during that sets
		 * 2 and this worker goes on with the outcome; otherwise the worker leaves (1) and the completion
		 * hands the outcome to a worker.
		 */
		private void awaitStage(CompletionStage<?> stage, Envelope<T> decoded, int attempt, long startedAt) {
			AtomicInteger stagePhase = new AtomicInteger();
			Throwable[] inline = new Throwable[1];
			this.awaiting = stagePhase;
			stage.whenComplete((result, error) -> {
				Throwable failure = (error != null) ? EventBusException.unwrap(error) : null;
				if (stagePhase.compareAndSet(0, 2)) {
					inline[0] = failure;
					return;
				}
				if (!stagePhase.compareAndSet(1, 3)) {
					return; // completed twice (a misbehaving stage), or given up by close
				}
				this.awaiting = null;
				try {
					SubscriptionDispatcher.this.executor.workers().execute(() -> {
						try {
							attempted(decoded, attempt, startedAt, failure);
						}
						catch (Throwable ex) {
							fail(ex);
						}
					});
				}
				catch (RejectedExecutionException ex) {
					fail(ex);
				}
			});
			if (!stagePhase.compareAndSet(0, 1)) {
				this.awaiting = null;
				// completed while registering (or at once): the phase-2 write happened before the failed CAS
				attempted(decoded, attempt, startedAt, inline[0]);
			}
			else if (SubscriptionDispatcher.this.closed) {
				abandonStage();
			}
		}

		/**
		 * Called by {@link SubscriptionDispatcher#close()}: an attempt still waiting for its stage is given
		 * up; the message completes exceptionally, so it is not committed, and the stage's outcome is ignored.
		 */
		void abandonStage() {
			AtomicInteger stagePhase = this.awaiting;
			if (stagePhase != null && stagePhase.compareAndSet(1, 4)) {
				this.awaiting = null;
				endObservation(OUTCOME_ABANDONED, null);
				this.done.completeExceptionally(cancellation("dispatcher of subscription '"
						+ SubscriptionDispatcher.this.subscriptionId + "' closed while the handler of event " + eventId()
						+ " at " + describe(this.message) + " had not completed its stage; it must be redelivered",
						this.lastError));
			}
		}

		/** The rest of an attempt once the listener returned, threw, or its stage completed. */
		private void attempted(Envelope<T> decoded, int attempt, long startedAt, @Nullable Throwable failure) {
			long nanos = System.nanoTime() - startedAt;
			Throwable error = failure;
			observe(() -> SubscriptionDispatcher.this.observer.handled(SubscriptionDispatcher.this.transport,
					this.message.topic(), SubscriptionDispatcher.this.options.group(), nanos, error));
			if (failure == null) {
				endObservation(Outcome.SUCCESS.tag(), null);
				succeed(Outcome.SUCCESS, null);
				return;
			}
			if (failure instanceof VirtualMachineError vmError) {
				endObservation(OUTCOME_STOPPED, vmError);
				// Stop first, so that the next event of this key, started when the lane is released
				// below, is not handled either: nothing overtakes the event that failed.
				SubscriptionDispatcher.this.stop(vmError);
				fail(vmError);
				SubscriptionDispatcher.this.fatalHandler.accept(vmError);
				return;
			}
			this.lastError = failure;
			RetryPolicy retry = SubscriptionDispatcher.this.options.retryPolicy();
			if (retry.isFatal(failure)) {
				// Retrying cannot fix it: dead-letter now, told apart from exhausted retries by the reason.
				giveUp(DeadLetterRecord.REASON_FATAL, failure, attempt);
			}
			else if (retry.hasAttemptAfter(attempt)) {
				endObservation(OUTCOME_RETRY, failure);
				Duration backoff = retry.backoffAfter(attempt);
				if (logger.isDebugEnabled()) {
					logger.debug("Event {} at {} failed attempt {} of {} in subscription '{}'; retrying in {}: {}",
							decoded.eventId(), describe(this.message), attempt, retry.maxAttempts(),
							SubscriptionDispatcher.this.subscriptionId, backoff, failure.toString());
				}
				later(backoff, () -> attempt(attempt + 1));
			}
			else {
				giveUp(DeadLetterRecord.REASON_FAILED, failure, attempt);
			}
		}

		/**
		 * A handler that returned (or threw) with its thread's interrupt flag set would make what
		 * follows on this worker fail: the acknowledgement (jnats drops an ack written by an
		 * interrupted thread, so the broker redelivers the event after every ack-wait, forever), the
		 * dead-letter publish, the retry hand-off. The interrupt was meant for the handler, which has
		 * ended; clear it, so the outcome is recorded once like any other. Kept while the executor shuts
		 * down: then the interrupt is the executor's own, ending its workers.
		 */
		private void clearStrayInterrupt(Envelope<T> decoded, int attempt) {
			if (!SubscriptionDispatcher.this.executor.isShutdown() && Thread.interrupted()) {
				logger.warn("The handler of subscription '{}' left its thread interrupted after event {} at {} "
						+ "(attempt {}); the interrupt was cleared and the outcome is recorded as usual. Restore "
						+ "the flag only where you also stop the work, and do not leave it set when returning",
						SubscriptionDispatcher.this.subscriptionId, decoded.eventId(), describe(this.message), attempt);
			}
		}

		/**
		 * Starts the handle observation of an attempt (or of a poison message): a consumer span continuing
		 * the trace the producer put into the headers. NOOP when observations are off.
		 */
		private Observation startObservation(String eventType, String eventId, int attempt) {
			SubscriptionDispatcher<T> dispatcher = SubscriptionDispatcher.this;
			if (dispatcher.observationRegistry.isNoop()) {
				return Observation.NOOP;
			}
			HandleObservationContext context = new HandleObservationContext(dispatcher.transport,
					this.message.topic(), dispatcher.options.group(), this.message.wire().headers(), eventType, eventId,
					attempt);
			Observation started = EventBusObservationDocumentation.HANDLE
				.observation(dispatcher.observationConvention, DefaultHandleObservationConvention.INSTANCE,
						() -> context, dispatcher.observationRegistry)
				.start();
			this.observation.set(started);
			return started;
		}

		/** Records the outcome of the observed attempt and stops its observation; nothing when none is open. */
		private void endObservation(String outcome, @Nullable Throwable error) {
			Observation open = this.observation.getAndSet(null);
			if (open == null) {
				return;
			}
			try {
				if (open.getContext() instanceof HandleObservationContext context) {
					context.outcome(outcome);
				}
				if (error != null) {
					open.error(error);
				}
				open.stop();
			}
			catch (RuntimeException ex) {
				logger.warn("The handle observation of subscription '{}' failed; it is lost",
						SubscriptionDispatcher.this.subscriptionId, ex);
			}
		}

		private String poisonType() {
			String type = this.message.wire().header(SubscriptionDispatcher.this.headerStyle.header("type"));
			return (type != null && !type.isBlank()) ? type : "unknown";
		}

		/** @return whether the envelope was decoded and accepted; otherwise the message was given up as poison */
		private boolean decode() {
			SubscriptionDispatcher<T> dispatcher = SubscriptionDispatcher.this;
			WireMessage wire = this.message.wire();
			Envelope<T> decoded;
			try {
				decoded = dispatcher.codec.decode(wire, dispatcher.headerStyle, dispatcher.payloadType);
			}
			catch (RuntimeException ex) {
				giveUp(DeadLetterRecord.REASON_POISON, ex, 0);
				return false;
			}
			if (!dispatcher.options.accepts(decoded.eventType())) {
				giveUp(DeadLetterRecord.REASON_POISON, new SerializationException("event type '" + decoded.eventType()
						+ "' is not accepted by subscription '" + dispatcher.subscriptionId + "' (accepted types: "
						+ dispatcher.options.eventTypes() + "); add it to the subscription's event types or "
						+ "publish it to another topic"), 0);
				return false;
			}
			this.envelope = decoded;
			this.context = new EventContext(decoded, dispatcher.transport, this.message.topic(),
					dispatcher.options.group(), 1, this.message.partition(), this.message.offset(),
					this.message.streamSequence(), Collections.unmodifiableMap(wire.headers()));
			return true;
		}

		/** After the last attempt or for poison: dead-letter, or log and skip when dead-lettering is off. */
		private void giveUp(String reason, Throwable error, int attempts) {
			this.lastError = error;
			Outcome outcome = DeadLetterRecord.REASON_POISON.equals(reason) ? Outcome.POISON : Outcome.DEAD_LETTERED;
			SubscriptionDispatcher<T> dispatcher = SubscriptionDispatcher.this;
			if (outcome == Outcome.POISON) {
				startObservation(poisonType(), eventId(), 0);
			}
			endObservation(dispatcher.options.deadLetter() ? outcome.tag() : Outcome.SKIPPED.tag(), error);
			if (!dispatcher.options.deadLetter()) {
				logger.warn("Skipping event {} at {} in subscription '{}' ({} after {} attempt(s): {}); "
						+ "dead-lettering is off, so it is committed without being handled",
						eventId(), describe(this.message), dispatcher.subscriptionId, reason, attempts,
						causeChain(error));
				logger.debug("Stack trace of skipped event {}", eventId(), error);
				succeed(Outcome.SKIPPED, error);
				return;
			}
			// one line per dead letter; the stack trace only at DEBUG (a poison burst would flood the log)
			logger.warn("Dead-lettering event {} at {} in subscription '{}' ({} after {} attempt(s): {})", eventId(),
					describe(this.message), dispatcher.subscriptionId, reason, attempts, causeChain(error));
			logger.debug("Stack trace of dead-lettered event {}", eventId(), error);
			DeadLetter deadLetter = new DeadLetter(this.message, reason, error.getClass().getName(), messageOf(error),
					attempts, dispatcher.options.group());
			publishDeadLetter(deadLetter, outcome, 1);
		}

		private void publishDeadLetter(DeadLetter deadLetter, Outcome outcome, int publishAttempt) {
			if (publishAttempt > 1 && stopped("dead-letter publish", publishAttempt)) {
				return;
			}
			CompletableFuture<?> stored;
			try {
				stored = Objects.requireNonNull(SubscriptionDispatcher.this.deadLetters.publish(deadLetter),
						"DeadLetterPublisher returned null");
			}
			catch (Throwable ex) {
				stored = CompletableFuture.failedFuture(ex);
			}
			stored.whenComplete((result, error) -> {
				if (error == null) {
					succeed(outcome, this.lastError);
					return;
				}
				Duration backoff = SubscriptionDispatcher.this.options.retryPolicy().backoffAfter(publishAttempt);
				logger.warn("Could not store event {} at {} in the dead-letter destination (try {}); "
						+ "retrying in {} and holding its key until it is stored", eventId(), describe(this.message),
						publishAttempt, backoff, error);
				later(backoff, () -> publishDeadLetter(deadLetter, outcome, publishAttempt + 1));
			});
		}

		/** Schedules a step after a delay, then runs it on the executor's workers; the lane stays held. */
		private void later(Duration delay, Runnable step) {
			Runnable onWorker = () -> {
				try {
					step.run();
				}
				catch (Throwable ex) {
					fail(ex);
				}
			};
			try {
				Future<?> future = SubscriptionDispatcher.this.retryScheduler.schedule(() -> {
					try {
						SubscriptionDispatcher.this.executor.workers().execute(onWorker);
					}
					catch (RejectedExecutionException ex) {
						fail(ex);
					}
				}, delay.toNanos(), TimeUnit.NANOSECONDS);
				this.scheduled = future;
				if (SubscriptionDispatcher.this.closed) {
					cancelScheduledRetry();
				}
			}
			catch (RejectedExecutionException ex) {
				fail(ex);
			}
		}

		/** Called by {@link SubscriptionDispatcher#close()} and {@code stop}: a retry waiting for its backoff is dropped. */
		void cancelScheduledRetry() {
			Future<?> future = this.scheduled;
			if (future != null && future.cancel(false)) {
				this.done.completeExceptionally(cancellation("dispatcher of subscription '"
						+ SubscriptionDispatcher.this.subscriptionId + "' closed while event " + eventId() + " at "
						+ describe(this.message) + " waited for a retry; it must be redelivered", this.lastError));
			}
		}

		/** @return true (and completes exceptionally) when the dispatcher is closed or the message revoked */
		private boolean stopped(String step, int number) {
			boolean revokedNow;
			try {
				revokedNow = this.revoked.getAsBoolean();
			}
			catch (RuntimeException ex) {
				fail(ex);
				return true;
			}
			Throwable stoppedBy = SubscriptionDispatcher.this.stoppedBy;
			if (SubscriptionDispatcher.this.closed || revokedNow || stoppedBy != null) {
				String why = revokedNow ? "revoked"
						: "dispatcher of subscription '" + SubscriptionDispatcher.this.subscriptionId
								+ ((stoppedBy != null) ? "' stopped after a failure" : "' closed");
				this.done.completeExceptionally(cancellation(why + " before " + step + " " + number + " of the message at "
						+ describe(this.message) + "; it must be redelivered",
						(stoppedBy != null) ? stoppedBy : this.lastError));
				return true;
			}
			return false;
		}

		private void succeed(Outcome outcome, @Nullable Throwable error) {
			this.lastError = error;
			this.done.complete(outcome);
		}

		/** An unexpected failure of the machinery itself: the message is not finished and must be redelivered. */
		private void fail(Throwable error) {
			endObservation(OUTCOME_ABANDONED, error);
			if (this.done.completeExceptionally(error)) {
				logger.error("Delivery of the message at {} in subscription '{}' failed unexpectedly; "
						+ "it will not be committed", describe(this.message), SubscriptionDispatcher.this.subscriptionId,
						error);
			}
		}

		private String eventId() {
			Envelope<T> decoded = this.envelope;
			if (decoded != null) {
				return decoded.eventId();
			}
			String id = this.message.wire().header(SubscriptionDispatcher.this.headerStyle.header("id"));
			return (id != null) ? id : "<no id>";
		}

	}

	/**
	 * @param error a failure
	 * @return its cause chain on one line, {@code Type: message <- Type: message}, at most five links
	 */
	static String causeChain(Throwable error) {
		StringBuilder chain = new StringBuilder();
		Throwable link = error;
		for (int depth = 0; link != null && depth < 5; depth++) {
			if (depth > 0) {
				chain.append(" <- ");
			}
			chain.append(link.getClass().getName());
			if (link.getMessage() != null) {
				chain.append(": ").append(link.getMessage().replace('\n', ' ').replace('\r', ' '));
			}
			link = (link.getCause() != link) ? link.getCause() : null;
		}
		if (link != null) {
			chain.append(" <- ...");
		}
		return chain.toString();
	}

}

package dev.eventbus.test.recording;

import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.eventbus.core.api.AsyncEventListener;
import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.api.EventBusException;
import dev.eventbus.core.api.EventContext;
import dev.eventbus.core.api.EventListener;
import dev.eventbus.core.api.PublishReceipt;
import dev.eventbus.core.api.RetryPolicy;
import dev.eventbus.core.api.Subscription;
import dev.eventbus.core.api.SubscriptionOptions;
import dev.eventbus.core.support.ForwardingEventBus;
import dev.eventbus.test.recording.HandlingAttempt.Outcome;

import org.jspecify.annotations.Nullable;

/**
 * The bus {@link EventBusRecorder#wrap(EventBus)} returns: records each acknowledged publish, and wraps
 * each subscribed listener so that every attempt is recorded (and may be failed by {@link EventFailures}).
 * An {@link AsyncEventListener} stays asynchronous: its attempt is recorded when its stage completes,
 * before the bus sees the completion.
 * Publishing threads and handler workers call it; all state is in the thread-safe recorder.
 */
final class RecordingEventBus extends ForwardingEventBus {

	private final EventBusRecorder recorder;

	RecordingEventBus(EventBus delegate, EventBusRecorder recorder) {
		super(delegate);
		this.recorder = recorder;
	}

	EventBusRecorder recorder() {
		return this.recorder;
	}

	@Override
	public CompletableFuture<PublishReceipt> publish(String topic, Envelope<?> envelope) {
		CompletableFuture<PublishReceipt> sent = delegate().publish(topic, envelope);
		// A new future completed after recording, with the delegate's own result or exception (not wrapped
		// in a CompletionException as a dependent stage would be): whoever continues on it, for example a
		// controller answering the request, finds the event recorded.
		CompletableFuture<PublishReceipt> recorded = new CompletableFuture<>();
		sent.whenComplete((receipt, error) -> {
			if (error != null) {
				recorded.completeExceptionally(error);
				return;
			}
			try {
				this.recorder.recordPublished(new PublishedEvent(topic, envelope, receipt));
			}
			finally {
				recorded.complete(receipt);
			}
		});
		return recorded;
	}

	@Override
	public <T> Subscription subscribe(Collection<String> topics, Class<T> payloadType, SubscriptionOptions options,
			EventListener<? super T> listener) {
		if (options == null || listener == null) {
			// the bus's own checks name the argument
			return delegate().subscribe(topics, payloadType, options, listener);
		}
		Subscription subscription = delegate().subscribe(topics, payloadType, options,
				recording(options, listener));
		this.recorder.recordSubscribed(options.group(), topics);
		return subscription;
	}

	@SuppressWarnings("unchecked")
	private <T> EventListener<T> recording(SubscriptionOptions options, EventListener<? super T> listener) {
		// an Envelope<T> only hands out T, so a listener of a supertype can take it
		EventListener<T> target = (EventListener<T>) listener;
		String group = options.group();
		if (target instanceof AsyncEventListener<T> async) {
			AsyncEventListener<T> recordingAsync = (envelope, context) -> {
				Exception injected = this.recorder.failures().take(group, envelope, context.attempt());
				if (injected != null) {
					record(options, envelope, context, injected, true);
					throw injected;
				}
				CompletionStage<?> stage;
				try {
					stage = async.onEventAsync(envelope, context);
				}
				catch (Exception | Error ex) {
					record(options, envelope, context, ex, false);
					throw ex;
				}
				if (stage == null) {
					record(options, envelope, context, null, false);
					return null;
				}
				return stage.whenComplete((result, error) -> record(options, envelope, context,
						(error != null) ? EventBusException.unwrap(error) : null, false));
			};
			return recordingAsync;
		}
		return (envelope, context) -> {
			Exception injected = this.recorder.failures().take(group, envelope, context.attempt());
			Throwable failure = injected;
			try {
				if (injected != null) {
					throw injected;
				}
				target.onEvent(envelope, context);
			}
			catch (Exception | Error ex) {
				failure = ex;
				throw ex;
			}
			finally {
				record(options, envelope, context, failure, failure != null && failure == injected);
			}
		};
	}

	private void record(SubscriptionOptions options, Envelope<?> envelope, EventContext context,
			@Nullable Throwable failure, boolean injected) {
		if (failure instanceof VirtualMachineError) {
			return;
		}
		RetryPolicy retry = options.retryPolicy();
		Outcome outcome;
		if (failure == null) {
			outcome = Outcome.HANDLED;
		}
		else if (!retry.isFatal(failure) && retry.hasAttemptAfter(context.attempt())) {
			outcome = Outcome.RETRYING;
		}
		else {
			outcome = options.deadLetter() ? Outcome.DEAD_LETTERED : Outcome.SKIPPED;
		}
		this.recorder.recordAttempt(new HandlingAttempt(options.group(), context.topic(), envelope.eventId(),
				envelope.aggregateId(), envelope.eventType(), context.attempt(), outcome, failure, injected,
				envelope.payload()));
	}

}

package dev.eventbus.core.support;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.eventbus.core.api.AsyncEventListener;
import dev.eventbus.core.api.DeadLetterRecord;
import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.EventContext;
import dev.eventbus.core.api.EventListener;
import dev.eventbus.core.api.Ordering;
import dev.eventbus.core.api.RetryPolicy;
import dev.eventbus.core.api.SerializationException;
import dev.eventbus.core.api.SubscriptionOptions;
import dev.eventbus.core.codec.EnvelopeCodec;
import dev.eventbus.core.codec.HeaderStyle;
import dev.eventbus.core.codec.JsonPayloadCodec;
import dev.eventbus.core.codec.WireMessage;
import dev.eventbus.core.keyed.KeyedExecutor;
import dev.eventbus.core.keyed.KeyedExecutorOptions;
import dev.eventbus.core.metrics.EventBusObserver;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class SubscriptionDispatcherTest {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static final Duration MAX_WAIT = Duration.ofSeconds(5);

	private static final String TOPIC = "orders";

	private final EnvelopeCodec codec = new EnvelopeCodec(new JsonPayloadCodec());

	private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "eventbus-test-retry");
		thread.setDaemon(true);
		return thread;
	});

	private final RecordingDeadLetters deadLetters = new RecordingDeadLetters();

	private final RecordingObserver observer = new RecordingObserver();

	private final AtomicLong offsets = new AtomicLong();

	private @Nullable KeyedExecutor executor;

	record Step(String aggregate, int n) {
	}

	@AfterEach
	void shutDown() {
		if (this.executor != null) {
			this.executor.shutdown(Duration.ofSeconds(5));
		}
		this.scheduler.shutdownNow();
	}

	@Test
	void aFailingKeyIsRetriedInsideItsLaneWhileOtherKeysProceedOnTheOnlyWorker() {
		List<String> handled = new CopyOnWriteArrayList<>();
		AtomicBoolean lastOfBHandled = new AtomicBoolean();
		SubscriptionDispatcher<Step> dispatcher = dispatcher(1, options(50, Duration.ofMillis(20)), (envelope, context) -> {
			Step step = envelope.payload();
			handled.add(step.aggregate() + step.n() + "#" + context.attempt());
			if (step.aggregate().equals("b") && step.n() == 3) {
				lastOfBHandled.set(true);
			}
			// a1 can only succeed once every event of b was handled, which needs the one worker
			// to be free while a1 backs off.
			if (step.aggregate().equals("a") && step.n() == 1 && !lastOfBHandled.get()) {
				throw new IllegalStateException("b not done yet");
			}
		});
		List<CompletableFuture<Outcome>> results = new ArrayList<>();
		for (int n = 1; n <= 3; n++) {
			results.add(dispatcher.dispatch(message(step("a", n)), MAX_WAIT));
			results.add(dispatcher.dispatch(message(step("b", n)), MAX_WAIT));
		}
		for (CompletableFuture<Outcome> result : results) {
			assertThat(result).succeedsWithin(TIMEOUT).isEqualTo(Outcome.SUCCESS);
		}
		List<String> ofA = handled.stream().filter((entry) -> entry.startsWith("a")).toList();
		assertThat(ofA.size()).isGreaterThanOrEqualTo(4);
		assertThat(ofA.subList(0, ofA.size() - 2)).allMatch((entry) -> entry.startsWith("a1#"));
		assertThat(ofA.subList(ofA.size() - 2, ofA.size())).containsExactly("a2#1", "a3#1");
		assertThat(handled.indexOf("b3#1")).isLessThan(handled.indexOf(ofA.get(ofA.size() - 3)));
		assertThat(this.deadLetters.stored).isEmpty();
		assertThat(dispatcher.pending()).isZero();
		assertThat(this.observer.consumed).hasSize(6).allMatch((outcome) -> outcome.equals("success"));
	}

	@Test
	void anEventThatFailsEveryAttemptIsDeadLetteredWithTheFailureInItsHeaders() {
		List<EventContext> contexts = new CopyOnWriteArrayList<>();
		SubscriptionDispatcher<Step> dispatcher = dispatcher(2, options(3, Duration.ofMillis(10)), (envelope, context) -> {
			contexts.add(context);
			throw new IllegalStateException("payment declined\nfor a1");
		});
		InboundMessage message = message(step("a", 1));

		assertThat(dispatcher.dispatch(message, MAX_WAIT)).succeedsWithin(TIMEOUT).isEqualTo(Outcome.DEAD_LETTERED);

		assertThat(contexts).extracting(EventContext::attempt).containsExactly(1, 2, 3);
		assertThat(contexts.get(0).topic()).isEqualTo(TOPIC);
		assertThat(contexts.get(0).group()).isEqualTo("billing");
		assertThat(contexts.get(0).offset()).isEqualTo(message.offset());
		assertThat(contexts.get(0).transport()).isEqualTo("test");
		assertThat(contexts.get(0).transportHeaders()).containsEntry("ce_subject", "a");
		assertThat(this.deadLetters.stored).hasSize(1);
		DeadLetter deadLetter = this.deadLetters.stored.get(0);
		assertThat(deadLetter.original()).isSameAs(message);
		Map<String, String> headers = deadLetter.toWireMessage(HeaderStyle.KAFKA).headers();
		assertThat(headers).containsEntry(DeadLetterRecord.HEADER_ORIGINAL_TOPIC, TOPIC)
			.containsEntry(DeadLetterRecord.HEADER_ORIGINAL_OFFSET, String.valueOf(message.offset()))
			.containsEntry(DeadLetterRecord.HEADER_EXCEPTION_CLASS, IllegalStateException.class.getName())
			.containsEntry(DeadLetterRecord.HEADER_EXCEPTION_MESSAGE, "payment declined for a1")
			.containsEntry(DeadLetterRecord.HEADER_ATTEMPTS, "3")
			.containsEntry(DeadLetterRecord.HEADER_REASON, DeadLetterRecord.REASON_FAILED)
			.containsEntry(DeadLetterRecord.HEADER_GROUP, "billing")
			.containsEntry("ce_id", message.wire().header("ce_id"));
		assertThat(this.observer.handledErrors).hasSize(3);
		assertThat(this.observer.consumed).containsExactly("dead_lettered");
	}

	@Test
	void anUndecodablePayloadIsDeadLetteredAtOnceAsPoison() {
		AtomicInteger calls = new AtomicInteger();
		SubscriptionDispatcher<Step> dispatcher = dispatcher(2, options(3, Duration.ofMillis(10)),
				(envelope, context) -> calls.incrementAndGet());
		WireMessage good = message(step("a", 1)).wire();
		WireMessage bad = new WireMessage(good.key(), good.headers(), "{not json".getBytes(StandardCharsets.UTF_8));

		assertThat(dispatcher.dispatch(inbound(bad), MAX_WAIT)).succeedsWithin(TIMEOUT).isEqualTo(Outcome.POISON);

		assertPoison(SerializationException.class);
		assertThat(calls).hasValue(0);
	}

	@Test
	void anEventOfATypeTheSubscriptionDoesNotAcceptIsDeadLetteredAtOnceAsPoison() {
		AtomicInteger calls = new AtomicInteger();
		SubscriptionOptions onlySteps = SubscriptionOptions.builder("billing")
			.retryPolicy(retry(3, Duration.ofMillis(10)))
			.eventTypes(Set.of("StepTaken"))
			.build();
		SubscriptionDispatcher<Step> dispatcher = dispatcher(2, onlySteps, (envelope, context) -> calls.incrementAndGet());
		Envelope<Step> other = Envelope.builder("StepUndone", new Step("a", 1)).aggregateId("a").build();

		assertThat(dispatcher.dispatch(message(other), MAX_WAIT)).succeedsWithin(TIMEOUT).isEqualTo(Outcome.POISON);
		assertThat(dispatcher.dispatch(message(step("a", 2)), MAX_WAIT)).succeedsWithin(TIMEOUT)
			.isEqualTo(Outcome.SUCCESS);

		DeadLetter deadLetter = assertPoison(SerializationException.class);
		assertThat(deadLetter.exceptionMessage()).contains("StepUndone");
		assertThat(calls).hasValue(1);
	}

	@Test
	void aMessageWithoutTheCloudEventsIdHeaderIsDeadLetteredAtOnceAsPoison() {
		AtomicInteger calls = new AtomicInteger();
		SubscriptionDispatcher<Step> dispatcher = dispatcher(2, options(3, Duration.ofMillis(10)),
				(envelope, context) -> calls.incrementAndGet());
		WireMessage good = message(step("a", 1)).wire();
		Map<String, String> headers = new LinkedHashMap<>(good.headers());
		headers.remove("ce_id");

		assertThat(dispatcher.dispatch(inbound(new WireMessage(good.key(), headers, good.payload())), MAX_WAIT))
			.succeedsWithin(TIMEOUT)
			.isEqualTo(Outcome.POISON);

		DeadLetter deadLetter = assertPoison(SerializationException.class);
		assertThat(deadLetter.exceptionMessage()).contains("ce_id");
		assertThat(calls).hasValue(0);
	}

	@Test
	void aFailedDeadLetterPublishIsRetriedWhileLaterEventsOfTheKeyWait() {
		List<String> log = this.deadLetters.log;
		this.deadLetters.failuresLeft.set(2);
		SubscriptionDispatcher<Step> dispatcher = dispatcher(2, options(1, Duration.ofMillis(10)), (envelope, context) -> {
			log.add("handled a" + envelope.payload().n());
			if (envelope.payload().n() == 1) {
				throw new IllegalArgumentException("bad order");
			}
		});

		CompletableFuture<Outcome> first = dispatcher.dispatch(message(step("a", 1)), MAX_WAIT);
		CompletableFuture<Outcome> second = dispatcher.dispatch(message(step("a", 2)), MAX_WAIT);

		assertThat(first).succeedsWithin(TIMEOUT).isEqualTo(Outcome.DEAD_LETTERED);
		assertThat(second).succeedsWithin(TIMEOUT).isEqualTo(Outcome.SUCCESS);
		assertThat(log).containsExactly("handled a1", "dead letter failed", "dead letter failed",
				"dead letter stored", "handled a2");
		assertThat(this.deadLetters.stored).singleElement()
			.satisfies((deadLetter) -> assertThat(deadLetter.attempts()).isEqualTo(1));
	}

	@Test
	void withDeadLetteringOffAFailedEventIsSkipped() {
		SubscriptionOptions noDeadLetter = SubscriptionOptions.builder("billing")
			.retryPolicy(retry(2, Duration.ofMillis(10)))
			.deadLetter(false)
			.build();
		SubscriptionDispatcher<Step> dispatcher = dispatcher(2, noDeadLetter, (envelope, context) -> {
			throw new IllegalStateException("nope");
		});

		assertThat(dispatcher.dispatch(message(step("a", 1)), MAX_WAIT)).succeedsWithin(TIMEOUT)
			.isEqualTo(Outcome.SKIPPED);

		assertThat(this.deadLetters.publishCalls).hasValue(0);
		assertThat(this.observer.handledErrors).hasSize(2);
		assertThat(this.observer.consumed).containsExactly("skipped");
	}

	@Test
	void aRevokedMessageIsNotStartedAndNotRetried() {
		AtomicInteger calls = new AtomicInteger();
		SubscriptionDispatcher<Step> dispatcher = dispatcher(2, options(5, Duration.ofMillis(50)), (envelope, context) -> {
			calls.incrementAndGet();
			throw new IllegalStateException("fails");
		});

		CompletableFuture<Outcome> revokedAtOnce = dispatcher.dispatch(message(step("a", 1)), MAX_WAIT, () -> true);
		assertThat(revokedAtOnce).failsWithin(TIMEOUT)
			.withThrowableThat()
			.isInstanceOf(CancellationException.class);
		assertThat(calls).hasValue(0);

		AtomicBoolean revoked = new AtomicBoolean();
		CompletableFuture<Outcome> revokedLater = dispatcher.dispatch(message(step("b", 1)), MAX_WAIT, revoked::get);
		await().atMost(TIMEOUT).until(() -> calls.get() >= 1);
		revoked.set(true);
		assertThat(revokedLater).failsWithin(TIMEOUT)
			.withThrowableThat()
			.isInstanceOf(CancellationException.class);
		int attempts = calls.get();
		assertThat(attempts).isLessThan(5);
		assertThat(this.deadLetters.publishCalls).hasValue(0);
		assertThat(this.observer.consumed).isEmpty();
		await().atMost(TIMEOUT).until(() -> dispatcher.pending() == 0);
	}

	@Test
	void closeCancelsAWaitingRetryAndQueuedEventsOfTheLane() {
		AtomicInteger calls = new AtomicInteger();
		SubscriptionDispatcher<Step> dispatcher = dispatcher(2, options(3, Duration.ofMinutes(5)), (envelope, context) -> {
			calls.incrementAndGet();
			throw new IllegalStateException("fails");
		});
		CompletableFuture<Outcome> waitingForRetry = dispatcher.dispatch(message(step("a", 1)), MAX_WAIT);
		CompletableFuture<Outcome> queuedBehind = dispatcher.dispatch(message(step("a", 2)), MAX_WAIT);
		await().atMost(TIMEOUT).until(() -> calls.get() == 1);
		assertThat(dispatcher.pending()).isEqualTo(2);

		dispatcher.close();

		assertThat(waitingForRetry).failsWithin(TIMEOUT)
			.withThrowableThat()
			.isInstanceOf(CancellationException.class);
		assertThat(queuedBehind).failsWithin(TIMEOUT)
			.withThrowableThat()
			.isInstanceOf(CancellationException.class);
		assertThat(calls).hasValue(1);
		assertThat(dispatcher.pending()).isZero();
		assertThat(this.deadLetters.publishCalls).hasValue(0);
		assertThat(dispatcher.dispatch(message(step("a", 3)), MAX_WAIT)).failsWithin(TIMEOUT)
			.withThrowableThat()
			.isInstanceOf(CancellationException.class);
	}

	@Test
	void withoutKeyOrderingEventsOfOneAggregateRunInParallel() {
		CountDownLatch bothRunning = new CountDownLatch(2);
		SubscriptionOptions unordered = SubscriptionOptions.builder("billing").ordering(Ordering.NONE).build();
		SubscriptionDispatcher<Step> dispatcher = dispatcher(2, unordered, (envelope, context) -> {
			bothRunning.countDown();
			if (!bothRunning.await(20, TimeUnit.SECONDS)) {
				throw new IllegalStateException("the other event of the aggregate did not run in parallel");
			}
		});

		CompletableFuture<Outcome> first = dispatcher.dispatch(message(step("a", 1)), MAX_WAIT);
		CompletableFuture<Outcome> second = dispatcher.dispatch(message(step("a", 2)), MAX_WAIT);

		assertThat(first).succeedsWithin(TIMEOUT).isEqualTo(Outcome.SUCCESS);
		assertThat(second).succeedsWithin(TIMEOUT).isEqualTo(Outcome.SUCCESS);
	}

	@Test
	void withKeyOrderingEventsOfOneAggregateNeverOverlapAcrossWorkers() {
		AtomicInteger running = new AtomicInteger();
		AtomicInteger overlaps = new AtomicInteger();
		List<Integer> order = new CopyOnWriteArrayList<>();
		SubscriptionDispatcher<Step> dispatcher = dispatcher(4, options(1, Duration.ZERO), (envelope, context) -> {
			if (running.incrementAndGet() > 1) {
				overlaps.incrementAndGet();
			}
			order.add(envelope.payload().n());
			Thread.yield();
			running.decrementAndGet();
		});
		List<CompletableFuture<Outcome>> results = new ArrayList<>();
		for (int n = 0; n < 200; n++) {
			results.add(dispatcher.dispatch(message(step("a", n)), MAX_WAIT));
		}
		CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).join();

		assertThat(overlaps).hasValue(0);
		assertThat(order).isSorted().hasSize(200);
	}

	@Test
	void anAsyncListenerHoldsItsKeysLaneButNotTheWorkerUntilItsStageCompletesAndItsOutcomeIsFinishedOnAWorker() {
		Map<String, CompletableFuture<Void>> stages = new ConcurrentHashMap<>();
		List<String> started = new CopyOnWriteArrayList<>();
		// one worker: b1 can only run while a1's stage is open if the worker was given back
		SubscriptionDispatcher<Step> dispatcher = asyncDispatcher(1, options(3, Duration.ofMillis(10)),
				(envelope, context) -> {
					String name = envelope.payload().aggregate() + envelope.payload().n();
					started.add(name);
					return stages.computeIfAbsent(name, (key) -> new CompletableFuture<>());
				});
		CompletableFuture<Outcome> a1 = dispatcher.dispatch(message(step("a", 1)), MAX_WAIT);
		CompletableFuture<Outcome> a2 = dispatcher.dispatch(message(step("a", 2)), MAX_WAIT);
		CompletableFuture<Outcome> b1 = dispatcher.dispatch(message(step("b", 1)), MAX_WAIT);
		await().atMost(TIMEOUT).until(() -> started.contains("b1"));
		stages.get("b1").complete(null);
		assertThat(b1).succeedsWithin(TIMEOUT).isEqualTo(Outcome.SUCCESS);

		assertThat(started).containsExactly("a1", "b1");
		assertThat(a1).isNotDone();
		assertThat(a2).isNotDone();
		assertThat(dispatcher.pending()).isEqualTo(2);

		stages.get("a1").complete(null); // on this (test) thread
		assertThat(a1).succeedsWithin(TIMEOUT).isEqualTo(Outcome.SUCCESS);
		// b1 finished on the worker; a1's outcome was handed to a worker too, not run on this thread
		assertThat(this.observer.consumedOn).containsExactly("eventbus-test-keyed-0", "eventbus-test-keyed-0");
		await().atMost(TIMEOUT).until(() -> started.contains("a2"));
		stages.get("a2").complete(null);
		assertThat(a2).succeedsWithin(TIMEOUT).isEqualTo(Outcome.SUCCESS);
		assertThat(started).containsExactly("a1", "b1", "a2");
		assertThat(dispatcher.pending()).isZero();
		assertThat(this.observer.consumed).containsExactly("success", "success", "success");
	}

	@Test
	void anExceptionallyCompletedStageIsRetriedInsideTheLaneThenDeadLetteredWithTheUnwrappedCause() {
		List<String> attempts = new CopyOnWriteArrayList<>();
		SubscriptionDispatcher<Step> dispatcher = asyncDispatcher(2, options(3, Duration.ofMillis(10)),
				(envelope, context) -> {
					Step step = envelope.payload();
					attempts.add(step.aggregate() + step.n() + "#" + context.attempt());
					if (step.n() == 2) {
						return CompletableFuture.completedFuture("fine");
					}
					// completed later, on another thread, wrapped the way supplyAsync wraps it
					return CompletableFuture.supplyAsync(() -> {
						throw new IllegalStateException("remote call failed for " + step.aggregate() + step.n());
					}, CompletableFuture.delayedExecutor(5, TimeUnit.MILLISECONDS));
				});
		CompletableFuture<Outcome> first = dispatcher.dispatch(message(step("a", 1)), MAX_WAIT);
		CompletableFuture<Outcome> second = dispatcher.dispatch(message(step("a", 2)), MAX_WAIT);

		assertThat(first).succeedsWithin(TIMEOUT).isEqualTo(Outcome.DEAD_LETTERED);
		assertThat(second).succeedsWithin(TIMEOUT).isEqualTo(Outcome.SUCCESS);
		assertThat(attempts).containsExactly("a1#1", "a1#2", "a1#3", "a2#1");
		assertThat(this.deadLetters.stored).hasSize(1);
		DeadLetter deadLetter = this.deadLetters.stored.get(0);
		assertThat(deadLetter.reason()).isEqualTo(DeadLetterRecord.REASON_FAILED);
		assertThat(deadLetter.attempts()).isEqualTo(3);
		assertThat(deadLetter.exceptionClass()).isEqualTo(IllegalStateException.class.getName());
		assertThat(deadLetter.exceptionMessage()).isEqualTo("remote call failed for a1");
		assertThat(this.observer.handledErrors).hasSize(3).allMatch(IllegalStateException.class::isInstance);
		assertThat(this.observer.consumed).containsExactly("dead_lettered", "success");
	}

	@Test
	void aStageFailingWithAFatalExceptionIsDeadLetteredAfterItsFirstAttemptAndAThrowingAsyncListenerCountsTheSame() {
		SubscriptionOptions options = SubscriptionOptions.builder("billing")
			.retryPolicy(retry(5, Duration.ofMillis(10)).toBuilder().addFatalException(UnsupportedOperationException.class).build())
			.build();
		AtomicInteger calls = new AtomicInteger();
		SubscriptionDispatcher<Step> dispatcher = asyncDispatcher(2, options, (envelope, context) -> {
			calls.incrementAndGet();
			if (envelope.payload().n() == 1) {
				return CompletableFuture.failedFuture(new UnsupportedOperationException("never billable"));
			}
			throw new UnsupportedOperationException("thrown before any stage");
		});

		assertThat(dispatcher.dispatch(message(step("a", 1)), MAX_WAIT)).succeedsWithin(TIMEOUT)
			.isEqualTo(Outcome.DEAD_LETTERED);
		assertThat(dispatcher.dispatch(message(step("a", 2)), MAX_WAIT)).succeedsWithin(TIMEOUT)
			.isEqualTo(Outcome.DEAD_LETTERED);
		assertThat(calls).hasValue(2);
		assertThat(this.deadLetters.stored).extracting(DeadLetter::reason)
			.containsExactly(DeadLetterRecord.REASON_FATAL, DeadLetterRecord.REASON_FATAL);
		assertThat(this.deadLetters.stored).extracting(DeadLetter::attempts).containsExactly(1, 1);
	}

	@Test
	void aNullStageCountsAsSuccess() {
		SubscriptionDispatcher<Step> dispatcher = asyncDispatcher(1, options(3, Duration.ofMillis(10)),
				(envelope, context) -> null);

		assertThat(dispatcher.dispatch(message(step("a", 1)), MAX_WAIT)).succeedsWithin(TIMEOUT)
			.isEqualTo(Outcome.SUCCESS);
		assertThat(this.deadLetters.stored).isEmpty();
		assertThat(this.observer.handledErrors).isEmpty();
	}

	@Test
	void aStageCompletingWithAVirtualMachineErrorStopsTheDispatcherLikeAThrownOne() {
		List<Throwable> fatal = new CopyOnWriteArrayList<>();
		CompletableFuture<Void> stage = new CompletableFuture<>();
		AtomicInteger calls = new AtomicInteger();
		SubscriptionDispatcher<Step> dispatcher = asyncDispatcher(2, options(3, Duration.ofMillis(10)),
				(envelope, context) -> {
					calls.incrementAndGet();
					return stage;
				});
		dispatcher.onFatal(fatal::add);
		CompletableFuture<Outcome> first = dispatcher.dispatch(message(step("a", 1)), MAX_WAIT);
		CompletableFuture<Outcome> second = dispatcher.dispatch(message(step("a", 2)), MAX_WAIT);
		await().atMost(TIMEOUT).until(() -> calls.get() == 1);

		stage.completeExceptionally(new InternalError("out of native memory"));

		assertThat(first).failsWithin(TIMEOUT).withThrowableThat().havingCause().isInstanceOf(InternalError.class);
		assertThat(second).failsWithin(TIMEOUT).withThrowableThat().isInstanceOf(CancellationException.class);
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(fatal).singleElement().isInstanceOf(InternalError.class));
		assertThat(calls).hasValue(1);
		assertThat(this.deadLetters.publishCalls).hasValue(0);
	}

	@Test
	void closeGivesUpOnAStageThatNeverCompletesSoTheLaneIsFreedAndNothingIsCommitted() {
		AtomicInteger calls = new AtomicInteger();
		SubscriptionDispatcher<Step> dispatcher = asyncDispatcher(2, options(3, Duration.ofMillis(10)),
				(envelope, context) -> {
					calls.incrementAndGet();
					return new CompletableFuture<Void>();
				});
		CompletableFuture<Outcome> open = dispatcher.dispatch(message(step("a", 1)), MAX_WAIT);
		CompletableFuture<Outcome> queuedBehind = dispatcher.dispatch(message(step("a", 2)), MAX_WAIT);
		await().atMost(TIMEOUT).until(() -> calls.get() == 1);
		assertThat(dispatcher.pending()).isEqualTo(2);

		dispatcher.close();

		// the failure itself, not get()'s view of it: from Java 23 get() wraps a CancellationException in a new one
		await().atMost(TIMEOUT).until(() -> open.isDone() && queuedBehind.isDone());
		assertThat(open.handle((outcome, error) -> error).join()).isInstanceOf(CancellationException.class)
			.hasMessageContaining("had not completed its stage");
		assertThat(queuedBehind.handle((outcome, error) -> error).join()).isInstanceOf(CancellationException.class);
		assertThat(calls).hasValue(1);
		assertThat(dispatcher.pending()).isZero();
		assertThat(this.observer.consumed).isEmpty();
	}

	private DeadLetter assertPoison(Class<? extends Throwable> exceptionClass) {
		assertThat(this.deadLetters.stored).hasSize(1);
		DeadLetter deadLetter = this.deadLetters.stored.get(0);
		assertThat(deadLetter.reason()).isEqualTo(DeadLetterRecord.REASON_POISON);
		assertThat(deadLetter.attempts()).isZero();
		assertThat(deadLetter.exceptionClass()).isEqualTo(exceptionClass.getName());
		assertThat(deadLetter.toWireMessage(HeaderStyle.KAFKA).headers()).containsEntry(DeadLetterRecord.HEADER_REASON, "poison");
		assertThat(this.observer.consumed).contains("poison");
		return deadLetter;
	}

	private SubscriptionDispatcher<Step> dispatcher(int workers, SubscriptionOptions options,
			EventListener<Step> listener) {
		this.executor = KeyedExecutor.create(KeyedExecutorOptions.builder()
			.workers(workers)
			.maxPending(1_000)
			.threadNamePrefix("eventbus-test-keyed")
			.build());
		return new SubscriptionDispatcher<>("test", "billing/" + TOPIC, Step.class, options, listener, this.executor,
				this.codec, HeaderStyle.KAFKA, this.deadLetters, this.scheduler, this.observer);
	}

	private SubscriptionDispatcher<Step> asyncDispatcher(int workers, SubscriptionOptions options,
			AsyncEventListener<Step> listener) {
		return dispatcher(workers, options, listener);
	}

	private static SubscriptionOptions options(int maxAttempts, Duration backoff) {
		return SubscriptionOptions.builder("billing").retryPolicy(retry(maxAttempts, backoff)).build();
	}

	private static RetryPolicy retry(int maxAttempts, Duration backoff) {
		return RetryPolicy.builder()
			.maxAttempts(maxAttempts)
			.initialBackoff(backoff)
			.maxBackoff(backoff.multipliedBy(4))
			.build();
	}

	private static Envelope<Step> step(String aggregate, int n) {
		return Envelope.of(aggregate, "StepTaken", new Step(aggregate, n));
	}

	private InboundMessage message(Envelope<?> envelope) {
		return inbound(this.codec.encode(envelope.toBuilder().source("test").build(), HeaderStyle.KAFKA));
	}

	private InboundMessage inbound(WireMessage wire) {
		return new InboundMessage(TOPIC, wire, null, this.offsets.getAndIncrement(), null);
	}

	/** Stores dead letters in a list; fails the first {@link #failuresLeft} publishes. */
	static final class RecordingDeadLetters implements DeadLetterPublisher {

		final List<DeadLetter> stored = new CopyOnWriteArrayList<>();

		final AtomicInteger failuresLeft = new AtomicInteger();

		final AtomicInteger publishCalls = new AtomicInteger();

		final List<String> log = new CopyOnWriteArrayList<>();

		@Override
		public CompletableFuture<?> publish(DeadLetter deadLetter) {
			this.publishCalls.incrementAndGet();
			if (this.failuresLeft.getAndDecrement() > 0) {
				this.log.add("dead letter failed");
				return CompletableFuture.failedFuture(new IllegalStateException("dead-letter topic unavailable"));
			}
			this.stored.add(deadLetter);
			this.log.add("dead letter stored");
			return CompletableFuture.completedFuture(null);
		}

	}

	static final class RecordingObserver implements EventBusObserver {

		final List<String> consumed = new CopyOnWriteArrayList<>();

		final List<String> consumedOn = new CopyOnWriteArrayList<>();

		final List<Throwable> handledErrors = new CopyOnWriteArrayList<>();

		final Map<String, Long> lastNanos = new ConcurrentHashMap<>();

		@Override
		public void handled(String transport, String topic, String group, long nanos, @Nullable Throwable error) {
			if (error != null) {
				this.handledErrors.add(error);
			}
		}

		@Override
		public void consumed(String transport, String topic, String group, String outcome, long nanos,
				@Nullable Throwable error) {
			this.consumed.add(outcome);
			this.consumedOn.add(Thread.currentThread().getName());
			this.lastNanos.put(outcome, nanos);
		}

	}

}

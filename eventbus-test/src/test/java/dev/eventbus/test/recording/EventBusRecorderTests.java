package dev.eventbus.test.recording;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.eventbus.core.api.DeadLetterRecord;
import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.api.InvalidEnvelopeException;
import dev.eventbus.core.api.PublishReceipt;
import dev.eventbus.core.api.PublishRejectedException;
import dev.eventbus.core.api.RetryPolicy;
import dev.eventbus.core.api.SubscriptionOptions;
import dev.eventbus.core.keyed.KeyedExecutor;
import dev.eventbus.core.keyed.KeyedExecutorOptions;
import dev.eventbus.core.memory.MemoryEventBus;
import dev.eventbus.core.memory.MemoryOptions;
import dev.eventbus.core.support.ForwardingEventBus;
import dev.eventbus.test.recording.HandlingAttempt.Outcome;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/** The recorder around a real memory bus: what it records, how its waits end, what its failures do. */
class EventBusRecorderTests {

	record OrderPlaced(String orderId, String customer) {
	}

	record OrderInvoiced(String orderId, String invoice) {
	}

	private final EventBusRecorder recorder = new EventBusRecorder();

	private MemoryEventBus memory;

	private EventBus bus;

	private String orders;

	@BeforeEach
	void createBus() {
		this.memory = MemoryEventBus.builder(MemoryOptions.builder().build()).shutdownTimeout(Duration.ofSeconds(5)).build();
		this.bus = this.recorder.wrap(this.memory);
		this.orders = "orders-" + UUID.randomUUID().toString().substring(0, 8);
	}

	@AfterEach
	void closeBus() {
		this.bus.close();
	}

	private static SubscriptionOptions retrying(String group, int maxAttempts) {
		return SubscriptionOptions.builder(group)
			.retryPolicy(RetryPolicy.builder()
				.maxAttempts(maxAttempts)
				.initialBackoff(Duration.ofMillis(10))
				.maxBackoff(Duration.ofMillis(50))
				.build())
			.build();
	}

	@Test
	void publishesOfEveryFormAreRecordedAndQueriedByTopicTypeAggregateAndPayload() {
		this.bus.publishEvent(this.orders, "o-1", new OrderPlaced("o-1", "alice")).join();
		this.bus.publish(this.orders, Envelope.of("o-2", "OrderPlaced", new OrderPlaced("o-2", "bob"))).join();
		this.bus.publish("invoices", "OrderInvoiced", new OrderInvoiced("o-1", "INV-1")).join();

		PublishedEvents published = this.recorder.published();
		assertThat(published).hasSize(3);
		assertThat(published.ofTopic(this.orders).ofType("OrderPlaced").eventTypes())
			.containsExactly("OrderPlaced", "OrderPlaced");
		PublishedEvent alice = published.ofTopic(this.orders).withAggregateId("o-1").single();
		assertThat(alice.payload(OrderPlaced.class).customer()).isEqualTo("alice");
		assertThat(alice.receipt().topic()).isEqualTo(this.orders);
		assertThat(alice.receipt().offset()).isNotNull();
		assertThat(published.withPayload(OrderPlaced.class, (placed) -> placed.customer().equals("bob")).single()
			.aggregateId()).isEqualTo("o-2");
		assertThat(published.ofTopic("invoices").single().aggregateId()).isNull();
		assertThat(published.ofTopic(this.orders).payloads(OrderPlaced.class)).extracting(OrderPlaced::customer)
			.containsExactly("alice", "bob");
		assertThat(published.withPayloadOfType(OrderInvoiced.class).eventIds()).hasSize(1);
	}

	@Test
	void singleFailsListingTheQueryAndWhatWasPublished() {
		this.bus.publishEvent(this.orders, "o-1", new OrderPlaced("o-1", "alice")).join();

		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> this.recorder.published().ofTopic(this.orders).withAggregateId("o-9").single())
			.withMessageContaining("published().ofTopic(\"" + this.orders + "\").withAggregateId(\"o-9\")")
			.withMessageContaining("0 matched")
			.withMessageContaining("OrderPlaced")
			.withMessageContaining("of aggregate 'o-1'");
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> this.recorder.published().single().payload(OrderInvoiced.class))
			.withMessageContaining("is a " + OrderPlaced.class.getName() + ", not a " + OrderInvoiced.class.getName());
	}

	@Test
	void aFailedPublishIsNotRecordedAndTheCallerSeesTheBusOwnException() {
		this.memory.close();

		Throwable failure = this.bus.publishEvent(this.orders, "o-1", new OrderPlaced("o-1", "alice"))
			.handle((receipt, error) -> error)
			.join();

		assertThat(failure).isInstanceOf(PublishRejectedException.class);
		assertThat(this.recorder.published()).isEmpty();
		assertThatExceptionOfType(InvalidEnvelopeException.class)
			.isThrownBy(() -> this.bus.publishEvent(this.orders, " ", new OrderPlaced("o-1", "alice")));
	}

	@Test
	void aPublishIsRecordedBeforeTheCallersContinuationRuns() {
		CompletableFuture<PublishReceipt> acknowledgement = new CompletableFuture<>();
		EventBus awaitingTheBroker = this.recorder.wrap(new ForwardingEventBus(this.memory) {

			@Override
			public CompletableFuture<PublishReceipt> publish(String topic, Envelope<?> envelope) {
				return acknowledgement;
			}

		});
		CompletableFuture<Integer> recordedWhenTheCallerContinued = awaitingTheBroker
			.publishEvent(this.orders, "o-1", new OrderPlaced("o-1", "alice"))
			.thenApply((receipt) -> this.recorder.published().size());
		assertThat(this.recorder.published()).isEmpty();

		acknowledgement.complete(new PublishReceipt(this.orders, "id", null, 0L, null, false));

		assertThat(recordedWhenTheCallerContinued.join()).isEqualTo(1);
	}

	@Test
	void handledByReturnsTheSuccessfulAttemptOfTheGroup() {
		List<String> invoiced = new CopyOnWriteArrayList<>();
		this.bus.subscribe(this.orders, OrderPlaced.class, SubscriptionOptions.of("billing"),
				(envelope, context) -> invoiced.add(envelope.payload().orderId()));
		Envelope<OrderPlaced> placed = Envelope.ofEvent("o-1", new OrderPlaced("o-1", "alice"));
		this.bus.publish(this.orders, placed).join();

		HandlingAttempt attempt = this.recorder.await().handledBy("billing", placed.eventId());

		assertThat(attempt.outcome()).isEqualTo(Outcome.HANDLED);
		assertThat(attempt.attempt()).isEqualTo(1);
		assertThat(attempt.topic()).isEqualTo(this.orders);
		assertThat(attempt.aggregateId()).isEqualTo("o-1");
		assertThat(attempt.eventType()).isEqualTo("OrderPlaced");
		assertThat(attempt.payload()).isEqualTo(new OrderPlaced("o-1", "alice"));
		assertThat(attempt.error()).isNull();
		assertThat(invoiced).containsExactly("o-1");
	}

	@Test
	void failNextFailsThatManyAttemptsWithoutCallingTheHandlerThenTheRetrySucceeds() {
		List<Integer> handlerAttempts = new CopyOnWriteArrayList<>();
		this.bus.subscribe(this.orders, OrderPlaced.class, retrying("billing", 3),
				(envelope, context) -> handlerAttempts.add(context.attempt()));
		this.bus.subscribe(this.orders, OrderPlaced.class, SubscriptionOptions.of("audit"), (envelope, context) -> {
		});
		Envelope<OrderPlaced> placed = Envelope.ofEvent("o-1", new OrderPlaced("o-1", "alice"));
		this.recorder.failures().failNext("billing", placed.eventId(), 2);
		this.bus.publish(this.orders, placed).join();

		HandlingAttempt handled = this.recorder.await().handledBy("billing", placed.eventId());

		assertThat(handled.attempt()).isEqualTo(3);
		assertThat(handlerAttempts).containsExactly(3);
		List<HandlingAttempt> attempts = this.recorder.attempts("billing", placed.eventId());
		assertThat(attempts).extracting(HandlingAttempt::outcome)
			.containsExactly(Outcome.RETRYING, Outcome.RETRYING, Outcome.HANDLED);
		assertThat(attempts).extracting(HandlingAttempt::injected).containsExactly(true, true, false);
		assertThat(attempts.get(0).error()).isInstanceOf(InjectedFailureException.class)
			.hasMessageContaining("attempt 1 of group 'billing' at event " + placed.eventId());
		// another group's attempts are not failed
		assertThat(this.recorder.await().handledBy("audit", placed.eventId()).attempt()).isEqualTo(1);
		assertThat(this.recorder.failures().pending()).isEmpty();
	}

	@Test
	void anAsyncListenerStaysAsyncAndItsAttemptsAreRecordedWhenTheirStagesComplete() {
		// one worker: another key's event runs while the stage is open only if no worker waits for it
		KeyedExecutor oneWorker = KeyedExecutor.create(KeyedExecutorOptions.builder().workers(1).build());
		EventBus bus = this.recorder.wrap(MemoryEventBus.builder(MemoryOptions.builder().build())
			.executor(oneWorker)
			.shutdownTimeout(Duration.ofSeconds(5))
			.build());
		try {
			CompletableFuture<Void> openStage = new CompletableFuture<>();
			List<String> handlerAttempts = new CopyOnWriteArrayList<>();
			bus.subscribeAsync(this.orders, OrderPlaced.class, retrying("shipping", 3), (envelope, context) -> {
				handlerAttempts.add(envelope.aggregateId() + "#" + context.attempt());
				if (!"o-1".equals(envelope.aggregateId())) {
					return null;
				}
				return (context.attempt() == 2) ? openStage
						: CompletableFuture.failedFuture(new IllegalStateException("carrier down"));
			});
			Envelope<OrderPlaced> placed = Envelope.ofEvent("o-1", new OrderPlaced("o-1", "alice"));
			bus.publish(this.orders, placed).join();
			await().atMost(Duration.ofSeconds(20)).until(() -> handlerAttempts.contains("o-1#2"));
			Envelope<OrderPlaced> other = Envelope.ofEvent("o-2", new OrderPlaced("o-2", "bob"));
			bus.publish(this.orders, other).join();
			this.recorder.await().handledBy("shipping", other.eventId());
			// attempt 2's stage is still open: nothing is recorded for it yet
			assertThat(this.recorder.attempts("shipping", placed.eventId())).extracting(HandlingAttempt::outcome)
				.containsExactly(Outcome.RETRYING);

			openStage.complete(null);

			HandlingAttempt handled = this.recorder.await().handledBy("shipping", placed.eventId());
			assertThat(handled.attempt()).isEqualTo(2);
			assertThat(this.recorder.attempts("shipping", placed.eventId()).get(0).error())
				.isInstanceOf(IllegalStateException.class)
				.hasMessage("carrier down");
			assertThat(handlerAttempts).containsExactly("o-1#1", "o-1#2", "o-2#1");
		}
		finally {
			bus.close();
			oneWorker.shutdown(Duration.ofSeconds(5));
		}
	}

	@Test
	void failingEveryAttemptDeadLettersTheEventToTheDeadLetterTopic() {
		this.bus.subscribe(this.orders, OrderPlaced.class, retrying("billing", 2), (envelope, context) -> {
		});
		List<DeadLetterRecord> deadLetters = new CopyOnWriteArrayList<>();
		this.bus.subscribe(this.bus.deadLetterTopic(this.orders), byte[].class,
				SubscriptionOptions.builder("dead-letters").retryPolicy(RetryPolicy.none()).deadLetter(false).build(),
				(envelope, context) -> DeadLetterRecord.from(context).ifPresent(deadLetters::add));
		Envelope<OrderPlaced> placed = Envelope.ofEvent("o-1", new OrderPlaced("o-1", "alice"));
		this.recorder.failures().failNext("billing", placed.eventId(), 2);
		this.bus.publish(this.orders, placed).join();

		HandlingAttempt last = this.recorder.await().deadLetteredBy("billing", placed.eventId());

		assertThat(last.attempt()).isEqualTo(2);
		assertThat(this.recorder.attempts("billing", placed.eventId())).extracting(HandlingAttempt::outcome)
			.containsExactly(Outcome.RETRYING, Outcome.DEAD_LETTERED);
		this.recorder.await().handledBy("dead-letters", placed.eventId());
		assertThat(deadLetters).singleElement().satisfies((dead) -> {
			assertThat(dead.group()).isEqualTo("billing");
			assertThat(dead.attempts()).isEqualTo(2);
			assertThat(dead.exceptionClass()).isEqualTo(InjectedFailureException.class.getName());
		});
	}

	@Test
	void aFatalExceptionAskedForIsDeadLetteredAfterOneAttempt() {
		this.bus.subscribe(this.orders, OrderPlaced.class, retrying("billing", 5), (envelope, context) -> {
		});
		Envelope<OrderPlaced> placed = Envelope.ofEvent("o-1", new OrderPlaced("o-1", "alice"));
		this.recorder.failures().failNext("billing", placed.eventId(), 1,
				() -> new InvalidEnvelopeException("payload", "rejected by the test"));
		this.bus.publish(this.orders, placed).join();

		HandlingAttempt dead = this.recorder.await().deadLetteredBy("billing", placed.eventId());

		assertThat(dead.attempt()).isEqualTo(1);
		assertThat(dead.error()).isInstanceOf(InvalidEnvelopeException.class).hasMessageContaining("rejected by the test");
	}

	@Test
	void failNextOfAggregateFailsTheAggregatesEventsOnlyAndSkipsWhenDeadLetteringIsOff() {
		this.bus.subscribe(this.orders, OrderPlaced.class,
				SubscriptionOptions.builder("billing").retryPolicy(RetryPolicy.none()).deadLetter(false).build(),
				(envelope, context) -> {
				});
		this.recorder.failures().failNextOfAggregate("billing", "o-1", 1, null);
		String first = this.bus.publishEvent(this.orders, "o-1", new OrderPlaced("o-1", "alice")).join().eventId();
		String other = this.bus.publishEvent(this.orders, "o-2", new OrderPlaced("o-2", "bob")).join().eventId();
		String second = this.bus.publishEvent(this.orders, "o-1", new OrderPlaced("o-1", "alice")).join().eventId();

		assertThat(this.recorder.await().attemptsBy("billing", first, 1)).extracting(HandlingAttempt::outcome)
			.containsExactly(Outcome.SKIPPED);
		assertThat(this.recorder.await().handledBy("billing", other).injected()).isFalse();
		assertThat(this.recorder.await().handledBy("billing", second).attempt()).isEqualTo(1);
	}

	@Test
	void handledByFailsAtOnceWhenTheGroupGaveTheEventUp() {
		this.bus.subscribe(this.orders, OrderPlaced.class, retrying("billing", 1), (envelope, context) -> {
		});
		Envelope<OrderPlaced> placed = Envelope.ofEvent("o-1", new OrderPlaced("o-1", "alice"));
		this.recorder.failures().failNext("billing", placed.eventId(), 1);
		this.bus.publish(this.orders, placed).join();
		this.recorder.await().deadLetteredBy("billing", placed.eventId());

		// not the timeout's message ("was not handled ... within"): it did not wait for the bound
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> this.recorder.await().atMost(Duration.ofMinutes(5)).handledBy("billing", placed.eventId()))
			.withMessageContaining("the group gave it up")
			.withMessageContaining("DEAD_LETTERED")
			.withMessageContaining("failed on purpose")
			.withMessageNotContaining("within");
	}

	@Test
	void aWaitThatTimesOutListsWhatWasSeen() {
		this.bus.subscribe(this.orders, OrderPlaced.class, SubscriptionOptions.of("billing"), (envelope, context) -> {
		});
		Envelope<OrderPlaced> placed = Envelope.ofEvent("o-1", new OrderPlaced("o-1", "alice"));
		this.bus.publish(this.orders, placed).join();
		this.recorder.await().handledBy("billing", placed.eventId());

		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> this.recorder.await().atMost(Duration.ofMillis(100)).handledBy("shipping", placed.eventId()))
			.withMessageContaining("event " + placed.eventId() + " was not handled by group 'shipping' within PT0.1S")
			.withMessageContaining("no subscription of group 'shipping'")
			.withMessageContaining("group 'billing' attempt 1 at OrderPlaced " + placed.eventId())
			.withMessageContaining("was published through the recording bus")
			.withMessageContaining("billing=[" + this.orders + "]");
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> this.recorder.await().atMost(Duration.ofMillis(100)).published((events) -> events.ofTopic("shipments")))
			.withMessageContaining("expected 1 event(s) of published().ofTopic(\"shipments\")")
			.withMessageContaining("0 matched")
			.withMessageContaining("of aggregate 'o-1'");
	}

	@Test
	void awaitPublishedReturnsWhatAHandlerPublished() {
		this.bus.subscribe(this.orders, OrderPlaced.class, SubscriptionOptions.of("billing"),
				(envelope, context) -> this.bus
					.publishEvent("invoices", envelope.aggregateId(), new OrderInvoiced(envelope.payload().orderId(), "INV-1"))
					.join());
		this.bus.publishEvent(this.orders, "o-1", new OrderPlaced("o-1", "alice")).join();

		PublishedEvents invoices = this.recorder.await()
			.published((events) -> events.ofTopic("invoices").withAggregateId("o-1"));

		assertThat(invoices.single().payload(OrderInvoiced.class).invoice()).isEqualTo("INV-1");
	}

	@Test
	void wrappingTwiceKeepsOneRecorderLayerAndUnwrapReachesTheTransport() {
		assertThat(this.recorder.wrap(this.bus)).isSameAs(this.bus);
		assertThat(ForwardingEventBus.unwrap(this.bus)).isSameAs(this.memory);
		assertThat(this.bus.transport()).isEqualTo("memory");
	}

	@Test
	void clearForgetsRecordsAndFailureRules() {
		this.bus.publishEvent(this.orders, "o-1", new OrderPlaced("o-1", "alice")).join();
		this.recorder.failures().failNext("billing", "some-id", 1);

		this.recorder.clear();

		assertThat(this.recorder.published()).isEmpty();
		assertThat(this.recorder.attempts()).isEmpty();
		assertThat(this.recorder.failures().pending()).isEmpty();
	}

	@Test
	void badArgumentsAreRejectedNamingThem() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.recorder.failures().failNext("billing", "id", 0))
			.withMessage("attempts must be at least 1 but was 0");
		assertThatIllegalArgumentException().isThrownBy(() -> this.recorder.failures().failNext(" ", "id", 1))
			.withMessageContaining("group must not be blank");
		assertThatIllegalArgumentException().isThrownBy(() -> this.recorder.await().atMost(Duration.ZERO))
			.withMessage("timeout must be positive but was PT0S");
		assertThatIllegalArgumentException().isThrownBy(() -> this.recorder.await().attemptsBy("billing", "id", 0))
			.withMessage("count must be at least 1 but was 0");
	}

}

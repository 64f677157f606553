package dev.eventbus.test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.eventbus.core.api.AsyncEventListener;
import dev.eventbus.core.api.DeadLetterRecord;
import dev.eventbus.core.api.DuplicateSubscriptionException;
import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.api.EventBusException;
import dev.eventbus.core.api.EventContext;
import dev.eventbus.core.api.EventListener;
import dev.eventbus.core.api.InvalidEnvelopeException;
import dev.eventbus.core.api.PublishReceipt;
import dev.eventbus.core.api.PublishRejectedException;
import dev.eventbus.core.api.RetryPolicy;
import dev.eventbus.core.api.Subscription;
import dev.eventbus.core.api.SubscriptionOptions;
import dev.eventbus.core.keyed.KeyedExecutorOptions;
import dev.eventbus.core.support.AbstractEventBus;
import dev.eventbus.core.support.ForwardingEventBus;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.assertj.core.api.ThrowableAssertAlternative;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The delivery contract every {@link EventBus} transport promises, asserted the same way on each
 * (the pattern of Micrometer's {@code MeterRegistryCompatibilityKit}). A transport's test class
 * extends it, starts its broker once (for example in a {@code @BeforeAll}) and implements the hooks:
 * <pre>{@code
 * class MyTransportEventBusContractTests extends EventBusContractTests {
 *
 *     static MyBroker broker = MyBroker.start();
 *
 *     protected EventBus createBus() {            // a new bus on the shared broker
 *         return MyEventBus.builder(broker.options()).build();
 *     }
 *
 *     protected String newTopic(String prefix) {  // unique; with its dead-letter destination
 *         return broker.createTopic(prefix);
 *     }
 *
 *     protected void publishForeign(String topic, String key, byte[] body) throws Exception {
 *         broker.rawClient().send(topic, key, body); // no CloudEvents headers
 *     }
 * }
 * }</pre>
 *
 * <p>The hooks:
 * <ul>
 * <li>{@link #createBus()}: a new bus connected to the shared broker. A test may create several:
 * they are instances of one service (subscriptions of one group on them share its events). The kit
 * closes every bus it created after each test; do not close them yourself. Give buses a shutdown
 * timeout of a few seconds and settings that make redelivery of an abandoned event take seconds,
 * not minutes (for example a short ack-wait), since the kit waits for it.</li>
 * <li>{@link #newTopic(String)}: a topic no other test uses, provisioned where the transport needs it
 * together with its dead-letter destination ({@link EventBus#deadLetterTopic(String)}). The kit
 * subscribes to a topic before it calls {@link #publishForeign} for it.</li>
 * <li>{@link #publishForeign(String, String, byte[])}: writes a record with the raw client, the way a
 * producer that does not use the bus would: a key, a body and <em>no</em> CloudEvents headers.</li>
 * <li>{@link #createBusThatCannotConnect()}, optional: a bus that the broker refuses for good (wrong
 * credentials). The transport either refuses to build it (throw the {@link EventBusException} of the
 * builder) or builds it and its subscriptions go {@code FAILED}. Return null (the default) where the
 * transport has nothing of the kind; the case is then skipped.</li>
 * <li>{@link #timeout()}, optional: the bound of every wait of the kit (default 60 s, for a loaded
 * two-core machine).</li>
 * </ul>
 * Every wait is an Awaitility wait bounded by {@link #timeout()}; nothing sleeps for a result. Each
 * case uses its own topics and groups.
 */
public abstract class EventBusContractTests {

	/** Event type of the kit's events. */
	protected static final String STEP = "Step";

	private final List<EventBus> buses = new CopyOnWriteArrayList<>();

	private final List<CountDownLatch> blockers = new CopyOnWriteArrayList<>();

	/**
	 * The payload of the kit's events: the aggregate it belongs to and its number within it.
	 * @param key the aggregate id
	 * @param n position of the event within its aggregate, from 0
	 */
	public record Step(String key, int n) {
	}

	/**
	 * @return a new bus connected to the shared broker; the kit closes it
	 */
	protected abstract EventBus createBus();

	/**
	 * @param prefix a readable prefix
	 * @return a topic name no other test uses, provisioned with its dead-letter destination
	 */
	protected abstract String newTopic(String prefix);

	/**
	 * Writes a record without CloudEvents headers with the transport's raw client.
	 * @param topic the topic (the kit subscribed to it already)
	 * @param key the record key (Kafka key; on NATS it may go into a non-CloudEvents header or nowhere)
	 * @param body the payload
	 * @throws Exception if the write failed
	 */
	protected abstract void publishForeign(String topic, String key, byte[] body) throws Exception;

	/**
	 * @return a bus the broker refuses for good (wrong credentials), or null to skip that case
	 * @throws EventBusException if the transport checks the credentials while building the bus
	 */
	protected @Nullable EventBus createBusThatCannotConnect() {
		return null;
	}

	/** @return the bound of every wait of the kit */
	protected Duration timeout() {
		return Duration.ofSeconds(60);
	}

	/** @return a new bus from {@link #createBus()}, closed after the test */
	protected final EventBus bus() {
		EventBus bus = createBus();
		this.buses.add(bus);
		return bus;
	}

	@AfterEach
	void closeBusesOfTheKit() {
		this.blockers.forEach(CountDownLatch::countDown);
		List<EventBus> open = new ArrayList<>(this.buses);
		Collections.reverse(open);
		this.buses.clear();
		for (EventBus bus : open) {
			bus.close();
		}
	}

	// ---------------------------------------------------------------- ordering and groups

	@Test
	@Timeout(value = 5, unit = TimeUnit.MINUTES)
	void eventsOfOneKeyAreHandledOneAtATimeInPublishOrderWhileManyKeysRunInParallel() throws Exception {
		String topic = newTopic("order");
		int keys = 200;
		int perKey = 20;
		EventBus bus = bus();
		Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
		Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
		AtomicInteger overlaps = new AtomicInteger();
		AtomicInteger maxParallel = new AtomicInteger();
		AtomicInteger parallel = new AtomicInteger();
		AtomicInteger handled = new AtomicInteger();
		bus.subscribe(topic, Step.class, SubscriptionOptions.of("order"), (envelope, context) -> {
			Step step = envelope.payload();
			AtomicInteger active = running.computeIfAbsent(step.key(), (key) -> new AtomicInteger());
			if (active.incrementAndGet() > 1) {
				overlaps.incrementAndGet();
			}
			maxParallel.accumulateAndGet(parallel.incrementAndGet(), Math::max);
			try {
				seen.computeIfAbsent(step.key(), (key) -> new CopyOnWriteArrayList<>()).add(step.n());
				if (step.n() % 5 == 0) {
					Thread.sleep(1); // let other keys overtake, so that order is really at stake
				}
			}
			finally {
				parallel.decrementAndGet();
				active.decrementAndGet();
				handled.incrementAndGet();
			}
		});
		// Four publishing threads, each owning a quarter of the keys: publish order per key is defined.
		int publishers = 4;
		List<CompletableFuture<?>> receipts = new CopyOnWriteArrayList<>();
		List<Thread> threads = new ArrayList<>();
		for (int p = 0; p < publishers; p++) {
			int first = p;
			Thread thread = new Thread(() -> {
				for (int n = 0; n < perKey; n++) {
					for (int k = first; k < keys; k += publishers) {
						String key = "key-" + k;
						receipts.add(bus.publish(topic, Envelope.of(key, STEP, new Step(key, n))));
					}
				}
			}, "contract-publisher-" + p);
			thread.start();
			threads.add(thread);
		}
		for (Thread thread : threads) {
			thread.join(timeout().toMillis());
		}
		CompletableFuture.allOf(receipts.toArray(CompletableFuture[]::new)).get(timeout().toMillis(), TimeUnit.MILLISECONDS);

		await().atMost(timeout()).untilAsserted(() -> assertThat(handled.get()).isEqualTo(keys * perKey));
		List<Integer> expected = new ArrayList<>();
		for (int n = 0; n < perKey; n++) {
			expected.add(n);
		}
		assertThat(seen).hasSize(keys);
		seen.forEach((key, steps) -> assertThat(steps).as("events of %s in handling order", key).isEqualTo(expected));
		assertThat(overlaps).as("events of one key handled at the same time").hasValue(0);
		assertThat(maxParallel.get()).as("keys handled in parallel").isGreaterThan(1);
	}

	@Test
	void everyGroupGetsEveryEvent() throws Exception {
		String topic = newTopic("groups");
		EventBus bus = bus();
		EventBus otherService = bus();
		Set<Integer> billing = ConcurrentHashMap.newKeySet();
		Set<Integer> shipping = ConcurrentHashMap.newKeySet();
		Set<Integer> audit = ConcurrentHashMap.newKeySet();
		bus.subscribe(topic, Step.class, SubscriptionOptions.of("billing"), (e, c) -> billing.add(e.payload().n()));
		bus.subscribe(topic, Step.class, SubscriptionOptions.of("shipping"), (e, c) -> shipping.add(e.payload().n()));
		otherService.subscribe(topic, Step.class, SubscriptionOptions.of("audit"), (e, c) -> audit.add(e.payload().n()));
		Set<Integer> all = new HashSet<>();
		for (int n = 0; n < 50; n++) {
			publish(bus, topic, "k" + (n % 7), n);
			all.add(n);
		}
		await().atMost(timeout()).untilAsserted(() -> {
			assertThat(billing).as("group billing").isEqualTo(all);
			assertThat(shipping).as("group shipping").isEqualTo(all);
			assertThat(audit).as("group audit on another bus").isEqualTo(all);
		});
	}

	@Test
	@Timeout(value = 5, unit = TimeUnit.MINUTES)
	void instancesOfOneGroupHandleEachEventOnceAndTheLastInstanceGetsTheRestWhenTheOtherCloses() throws Exception {
		String topic = newTopic("instances");
		EventBus first = bus();
		EventBus second = bus();
		Map<Integer, AtomicInteger> times = new ConcurrentHashMap<>();
		Map<Integer, String> where = new ConcurrentHashMap<>();
		Subscription firstSubscription = first.subscribe(topic, Step.class, SubscriptionOptions.of("instances"),
				(e, c) -> {
					times.computeIfAbsent(e.payload().n(), (n) -> new AtomicInteger()).incrementAndGet();
					where.put(e.payload().n(), "first");
				});
		second.subscribe(topic, Step.class, SubscriptionOptions.of("instances"), (e, c) -> {
			times.computeIfAbsent(e.payload().n(), (n) -> new AtomicInteger()).incrementAndGet();
			where.put(e.payload().n(), "second");
		});
		for (int n = 0; n < 100; n++) {
			publish(first, topic, "key-" + (n % 20), n);
		}
		await().atMost(timeout()).untilAsserted(() -> assertThat(times).hasSize(100));
		// Not asserted: that both instances received events. NATS consumes a group through one active
		// instance at a time (a single-active lease, the others stand by) until issue 12 partitions
		// it; Kafka and memory spread the keys. What every transport promises is "once per group".
		firstSubscription.close();
		for (int n = 100; n < 200; n++) {
			publish(second, topic, "key-" + (n % 20), n);
		}
		await().atMost(timeout()).untilAsserted(() -> assertThat(times).hasSize(200));
		assertThat(times).allSatisfy((n, count) -> assertThat(count.get()).as("deliveries of event %d", n).isEqualTo(1));
		for (int n = 100; n < 200; n++) {
			assertThat(where.get(n)).as("instance that handled event %d, after the first closed", n).isEqualTo("second");
		}
	}

	@Test
	void aSubscriptionToSeveralTopicsSeesEachEventAsPublishedWithItsContext() throws Exception {
		String orders = newTopic("context-orders");
		String payments = newTopic("context-payments");
		EventBus bus = bus();
		Map<String, EventContext> contexts = new ConcurrentHashMap<>();
		Subscription subscription = bus.subscribe(List.of(orders, payments), Step.class,
				SubscriptionOptions.of("context"), (envelope, context) -> contexts.put(envelope.eventId(), context));
		assertThat(subscription.id()).isEqualTo("context/" + orders + "," + payments);
		assertThat(subscription.topics()).containsExactly(orders, payments);
		assertThat(subscription.group()).isEqualTo("context");
		assertThat(subscription.state()).isEqualTo(Subscription.State.RUNNING);
		assertThat(bus.subscriptions()).containsExactly(subscription);
		Envelope<Step> full = Envelope.builder(STEP, new Step("order-1", 0))
			.aggregateId("order-1")
			.eventVersion(2)
			.source("contract-tests")
			.correlationId("correlation-1")
			.tenantId("tenant-1")
			.header("origin", "kit")
			.build();
		PublishReceipt fullReceipt = bus.publish(orders, full).get(timeout().toMillis(), TimeUnit.MILLISECONDS);
		PublishReceipt plainReceipt = publish(bus, payments, "payment-1", 0);
		assertThat(fullReceipt.topic()).isEqualTo(orders);
		assertThat(fullReceipt.eventId()).isEqualTo(full.eventId());
		assertThat(plainReceipt.topic()).isEqualTo(payments);

		await().atMost(timeout()).untilAsserted(() -> assertThat(contexts).hasSize(2));
		EventContext first = contexts.get(full.eventId());
		assertThat(first).as("context of the event published to %s", orders).isNotNull();
		assertThat(first.transport()).isEqualTo(bus.transport());
		assertThat(first.topic()).isEqualTo(orders);
		assertThat(first.group()).isEqualTo("context");
		assertThat(first.attempt()).isEqualTo(1);
		Envelope<?> received = first.envelope();
		assertThat(received.eventId()).isEqualTo(full.eventId());
		assertThat(received.aggregateId()).isEqualTo("order-1");
		assertThat(received.eventType()).isEqualTo(STEP);
		assertThat(received.eventVersion()).isEqualTo(2);
		assertThat(received.source()).isEqualTo("contract-tests");
		assertThat(received.correlationId()).isEqualTo("correlation-1");
		assertThat(received.tenantId()).isEqualTo("tenant-1");
		assertThat(received.headers()).containsEntry("origin", "kit");
		assertThat(received.payload()).isEqualTo(new Step("order-1", 0));
		EventContext second = contexts.get(plainReceipt.eventId());
		assertThat(second).as("context of the event published to %s", payments).isNotNull();
		assertThat(second.topic()).isEqualTo(payments);
		assertThat(second.envelope().source()).as("default source filled in by the bus").isNotBlank();
	}

	@Test
	@Timeout(value = 5, unit = TimeUnit.MINUTES)
	void aggregateIdsAndExceptionMessagesOfAnyTextArriveAsWritten() throws Exception {
		String topic = newTopic("text");
		EventBus bus = bus();
		List<String> keys = List.of("müller", "line\u2028break", "日本", "100% sure", "emoji 😀");
		String failure = "Zahlung für Müller abgelehnt ✓";
		Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
		List<DeadLetterRecord> deadLetters = new CopyOnWriteArrayList<>();
		bus.subscribe(topic, Step.class, SubscriptionOptions.builder("text").retryPolicy(RetryPolicy.none()).build(),
				(envelope, context) -> {
					seen.computeIfAbsent(envelope.aggregateId(), (key) -> new CopyOnWriteArrayList<>())
						.add(envelope.payload().n());
					if (envelope.payload().n() == 1 && envelope.aggregateId().equals("müller")) {
						throw new IllegalStateException(failure);
					}
				});
		bus.subscribe(bus.deadLetterTopic(topic), byte[].class, SubscriptionOptions.of("text-dead-letters"),
				(envelope, context) -> DeadLetterRecord.from(context).ifPresent(deadLetters::add));
		for (int n = 0; n < 3; n++) {
			for (String key : keys) {
				publish(bus, topic, key, n);
			}
		}
		await().atMost(timeout()).untilAsserted(() -> {
			assertThat(seen).containsOnlyKeys(keys);
			seen.forEach((key, steps) -> assertThat(steps).as("events of %s", key).containsExactly(0, 1, 2));
			assertThat(deadLetters).hasSize(1);
		});
		assertThat(deadLetters.get(0).exceptionMessage()).isEqualTo(failure);
	}

	// ---------------------------------------------------------------- retry, dead letters, poison

	@Test
	void anEventOfATypeTheSubscriptionDoesNotAcceptIsDeadLetteredAsPoison() throws Exception {
		String topic = newTopic("types");
		EventBus bus = bus();
		List<Integer> handled = new CopyOnWriteArrayList<>();
		bus.subscribe(topic, Step.class, SubscriptionOptions.builder("types").eventTypes(Set.of(STEP)).build(),
				(envelope, context) -> handled.add(envelope.payload().n()));
		List<DeadLetterSeen> dead = new CopyOnWriteArrayList<>();
		bus.subscribe(bus.deadLetterTopic(topic), byte[].class, SubscriptionOptions.of("types-dlt"),
				(envelope, context) -> dead.add(new DeadLetterSeen(envelope, context)));
		publish(bus, topic, "k", 1);
		bus.publish(topic, Envelope.of("k", "StepShredded", new Step("k", 2))).get(timeout().toMillis(),
				TimeUnit.MILLISECONDS);
		publish(bus, topic, "k", 3);

		await().atMost(timeout()).untilAsserted(() -> assertThat(handled).containsExactly(1, 3));
		await().atMost(timeout()).untilAsserted(() -> assertThat(dead).hasSize(1));
		DeadLetterRecord record = DeadLetterRecord.from(dead.get(0).context()).orElseThrow();
		assertThat(record.reason()).isEqualTo(DeadLetterRecord.REASON_POISON);
		assertThat(record.attempts()).isZero();
		assertThat(record.exceptionMessage()).contains("StepShredded");
		assertThat(dead.get(0).context().eventType()).isEqualTo("StepShredded");
	}

	@Test
	@Timeout(value = 5, unit = TimeUnit.MINUTES)
	void withDeadLetteringOffAnEventThatFailsEveryAttemptIsSkippedAndNotDeliveredAgain() throws Exception {
		String topic = newTopic("skip");
		EventBus first = bus();
		List<String> attempts = new CopyOnWriteArrayList<>();
		SubscriptionOptions options = SubscriptionOptions.builder("skip")
			.deadLetter(false)
			.retryPolicy(RetryPolicy.builder().maxAttempts(2).initialBackoff(Duration.ofMillis(50)).build())
			.build();
		Subscription subscription = first.subscribe(topic, Step.class, options, (envelope, context) -> {
			attempts.add(envelope.payload().n() + "@" + context.attempt());
			if (envelope.payload().n() == 0) {
				throw new IllegalStateException("always fails");
			}
		});
		List<Object> dead = new CopyOnWriteArrayList<>();
		first.subscribe(first.deadLetterTopic(topic), byte[].class, SubscriptionOptions.of("skip-dlt"),
				(envelope, context) -> dead.add(envelope));
		publish(first, topic, "k", 0);
		publish(first, topic, "k", 1);
		await().atMost(timeout()).untilAsserted(() -> assertThat(attempts).containsExactly("0@1", "0@2", "1@1"));
		await().atMost(timeout()).until(() -> subscription.pending() == 0);
		subscription.close();

		publish(first, topic, "k", 2);
		List<Integer> next = new CopyOnWriteArrayList<>();
		bus().subscribe(topic, Step.class, options, (envelope, context) -> next.add(envelope.payload().n()));
		await().atMost(timeout()).until(() -> next.contains(2));
		assertThat(next).as("events the closed instance had skipped or handled, delivered again").containsExactly(2);
		assertThat(dead).as("dead letters with dead-lettering off").isEmpty();
	}

	@Test
	void aFailingEventIsRetriedInsideItsKeysLaneThenDeadLetteredWithHeadersReadableThroughTheBus() throws Exception {
		String topic = newTopic("retry");
		EventBus bus = bus();
		List<String> bad = new CopyOnWriteArrayList<>();
		Map<String, List<Integer>> others = new ConcurrentHashMap<>();
		RetryPolicy retry = RetryPolicy.builder()
			.maxAttempts(3)
			.initialBackoff(Duration.ofMillis(100))
			.maxBackoff(Duration.ofMillis(100))
			.build();
		bus.subscribe(topic, Step.class, SubscriptionOptions.builder("billing").retryPolicy(retry).build(),
				(envelope, context) -> {
					Step step = envelope.payload();
					if (step.key().equals("bad")) {
						bad.add(step.n() + "@" + context.attempt());
						if (step.n() == 1) {
							throw new IllegalStateException("cannot bill step 1\nsecond line");
						}
					}
					else {
						others.computeIfAbsent(step.key(), (key) -> new CopyOnWriteArrayList<>()).add(step.n());
					}
				});
		List<DeadLetterSeen> dead = new CopyOnWriteArrayList<>();
		bus.subscribe(bus.deadLetterTopic(topic), byte[].class, SubscriptionOptions.of("dlt-reader"),
				(envelope, context) -> dead.add(new DeadLetterSeen(envelope, context)));
		PublishReceipt failing = null;
		for (int n = 0; n < 3; n++) {
			PublishReceipt receipt = publish(bus, topic, "bad", n);
			if (n == 1) {
				failing = receipt;
			}
			for (int k = 0; k < 5; k++) {
				publish(bus, topic, "good-" + k, n);
			}
		}

		await().atMost(timeout()).untilAsserted(() -> assertThat(bad).hasSize(5));
		// Step 2 of the key waited until step 1 had used its three attempts and was dead-lettered.
		assertThat(bad).containsExactly("0@1", "1@1", "1@2", "1@3", "2@1");
		await().atMost(timeout())
			.untilAsserted(() -> assertThat(others).hasSize(5)
				.allSatisfy((key, steps) -> assertThat(steps).as(key).containsExactly(0, 1, 2)));
		await().atMost(timeout()).untilAsserted(() -> assertThat(dead).hasSize(1));
		DeadLetterSeen seen = dead.get(0);
		DeadLetterRecord record = DeadLetterRecord.from(seen.context()).orElseThrow();
		assertThat(record.reason()).isEqualTo(DeadLetterRecord.REASON_FAILED);
		assertThat(record.attempts()).isEqualTo(3);
		assertThat(record.exceptionClass()).isEqualTo(IllegalStateException.class.getName());
		assertThat(record.exceptionMessage()).isEqualTo("cannot bill step 1 second line");
		assertThat(record.originalTopic()).isEqualTo(topic);
		assertThat(record.group()).isEqualTo("billing");
		assertSamePosition(record, failing);
		assertThat(seen.context().aggregateId()).isEqualTo("bad");
		assertThat(seen.context().eventType()).isEqualTo(STEP);
		assertThat(new String(seen.envelope().payload(), StandardCharsets.UTF_8)).contains("\"n\":1");
	}

	@Test
	void aFatalFailureIsDeadLetteredAfterOneAttemptWhileOthersAreRetried() throws Exception {
		String topic = newTopic("fatal-failure");
		EventBus bus = bus();
		List<String> attempts = new CopyOnWriteArrayList<>();
		RetryPolicy retry = RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ofMillis(10)).build();
		bus.subscribe(topic, Step.class, SubscriptionOptions.builder("billing").retryPolicy(retry).build(),
				(envelope, context) -> {
					attempts.add(envelope.aggregateId() + "#" + context.attempt());
					if (envelope.aggregateId().equals("fatal")) {
						// a default fatal exception (RetryPolicy) deep in the cause chain: retrying cannot fix it
						throw new IllegalStateException("wrapped", new ClassCastException("not a step"));
					}
					throw new IllegalStateException("transient");
				});
		Map<String, DeadLetterRecord> dead = new ConcurrentHashMap<>();
		bus.subscribe(bus.deadLetterTopic(topic), byte[].class, SubscriptionOptions.of("fatal-dlt"),
				(envelope, context) -> dead.put(envelope.aggregateId(), DeadLetterRecord.from(context).orElseThrow()));
		publish(bus, topic, "fatal", 0);
		publish(bus, topic, "transient", 0);

		await().atMost(timeout()).untilAsserted(() -> assertThat(dead).containsOnlyKeys("fatal", "transient"));
		assertThat(dead.get("fatal").reason()).isEqualTo(DeadLetterRecord.REASON_FATAL);
		assertThat(dead.get("fatal").attempts()).isEqualTo(1);
		assertThat(dead.get("transient").reason()).isEqualTo(DeadLetterRecord.REASON_FAILED);
		assertThat(dead.get("transient").attempts()).isEqualTo(3);
		assertThat(attempts).containsOnlyOnce("fatal#1")
			.doesNotContain("fatal#2")
			.contains("transient#1", "transient#2", "transient#3");
	}

	@Test
	void anUndecodableEventIsDeadLetteredAtOnceWithoutReachingTheHandlerAndLaterEventsOfItsKeyFlow() throws Exception {
		String topic = newTopic("poison");
		EventBus bus = bus();
		List<Integer> handled = new CopyOnWriteArrayList<>();
		AtomicInteger handlerCallsWithoutStep = new AtomicInteger();
		bus.subscribe(topic, Step.class, SubscriptionOptions.of("poison"), (envelope, context) -> {
			if (envelope.payload() == null) {
				handlerCallsWithoutStep.incrementAndGet();
			}
			handled.add(envelope.payload().n());
		});
		List<DeadLetterRecord> dead = new CopyOnWriteArrayList<>();
		bus.subscribe(bus.deadLetterTopic(topic), byte[].class, SubscriptionOptions.of("poison-dlt"),
				(envelope, context) -> dead.add(DeadLetterRecord.from(context).orElseThrow()));
		publish(bus, topic, "k", 1);
		// A well-formed event whose payload is not a Step: undecodable for this subscription.
		PublishReceipt wrongPayload = bus.publish(topic, Envelope.of("k", STEP, "not a step"))
			.get(timeout().toMillis(), TimeUnit.MILLISECONDS);
		publish(bus, topic, "k", 2);

		await().atMost(timeout()).untilAsserted(() -> assertThat(handled).containsExactly(1, 2));
		await().atMost(timeout()).untilAsserted(() -> assertThat(dead).hasSize(1));
		DeadLetterRecord record = dead.get(0);
		assertThat(record.reason()).isEqualTo(DeadLetterRecord.REASON_POISON);
		assertThat(record.attempts()).isZero();
		assertThat(record.exceptionClass()).isNotBlank();
		assertThat(record.originalTopic()).isEqualTo(topic);
		assertSamePosition(record, wrongPayload);
		assertThat(handlerCallsWithoutStep).hasValue(0);
	}

	@Test
	void aForeignRecordWithoutCloudEventsHeadersIsPoisonAndItsDeadLetterIsReadableThroughTheBusWithoutBeingPoisonedAgain()
			throws Exception {
		String topic = newTopic("foreign");
		EventBus bus = bus();
		List<Integer> handled = new CopyOnWriteArrayList<>();
		bus.subscribe(topic, Step.class, SubscriptionOptions.of("foreign"),
				(envelope, context) -> handled.add(envelope.payload().n()));
		List<DeadLetterSeen> dead = new CopyOnWriteArrayList<>();
		String deadLetterTopic = bus.deadLetterTopic(topic);
		bus.subscribe(deadLetterTopic, byte[].class, SubscriptionOptions.of("foreign-dlt"),
				(envelope, context) -> dead.add(new DeadLetterSeen(envelope, context)));
		List<Object> poisonedAgain = new CopyOnWriteArrayList<>();
		bus.subscribe(bus.deadLetterTopic(deadLetterTopic), byte[].class,
				SubscriptionOptions.builder("foreign-dlt-dlt").deadLetter(false).build(),
				(envelope, context) -> poisonedAgain.add(envelope));
		byte[] body = "legacy,order,42".getBytes(StandardCharsets.UTF_8);

		publishForeign(topic, "legacy-key", body);
		publish(bus, topic, "k", 7);

		await().atMost(timeout()).untilAsserted(() -> assertThat(handled).containsExactly(7));
		await().atMost(timeout()).untilAsserted(() -> assertThat(dead).hasSize(1));
		DeadLetterSeen seen = dead.get(0);
		DeadLetterRecord record = DeadLetterRecord.from(seen.context()).orElseThrow();
		assertThat(record.reason()).isEqualTo(DeadLetterRecord.REASON_POISON);
		assertThat(record.attempts()).isZero();
		assertThat(record.originalTopic()).isEqualTo(topic);
		assertThat(record.group()).isEqualTo("foreign");
		assertThat(seen.envelope().payload()).as("payload of the dead letter").isEqualTo(body);
		assertThat(seen.context().attempt()).isEqualTo(1);
		// The dead-letter reader handled it: it was not poison for it, so nothing went on to <dlt>'s own
		// dead-letter topic. Publish a marker there to prove the watcher reads that topic.
		publish(bus, bus.deadLetterTopic(deadLetterTopic), "marker", 0);
		await().atMost(timeout()).untilAsserted(() -> assertThat(poisonedAgain).hasSize(1));
	}

	@Test
	@Timeout(value = 5, unit = TimeUnit.MINUTES)
	void anAsyncHandlerCompletingLaterOnAnotherThreadKeepsKeyOrderAndHandlesEveryEventOfEveryKey() throws Exception {
		String topic = newTopic("async-order");
		int keys = 40;
		int perKey = 10;
		EventBus bus = bus();
		Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
		Map<String, AtomicInteger> inProgress = new ConcurrentHashMap<>();
		AtomicInteger overlaps = new AtomicInteger();
		AtomicInteger handled = new AtomicInteger();
		Set<String> completedOn = ConcurrentHashMap.newKeySet();
		AsyncEventListener<Step> listener = (envelope, context) -> {
			Step step = envelope.payload();
			AtomicInteger active = inProgress.computeIfAbsent(step.key(), (key) -> new AtomicInteger());
			if (active.incrementAndGet() > 1) {
				overlaps.incrementAndGet();
			}
			String handlerThread = Thread.currentThread().getName();
			// completes on another thread after a non-blocking delay: the event is in progress until then
			return CompletableFuture.runAsync(() -> {
				if (!Thread.currentThread().getName().equals(handlerThread)) {
					completedOn.add("other thread");
				}
				seen.computeIfAbsent(step.key(), (key) -> new CopyOnWriteArrayList<>()).add(step.n());
				active.decrementAndGet();
				handled.incrementAndGet();
			}, CompletableFuture.delayedExecutor(1 + (step.n() % 3), TimeUnit.MILLISECONDS));
		};
		bus.subscribeAsync(topic, Step.class, SubscriptionOptions.of("async-order"), listener);
		List<CompletableFuture<PublishReceipt>> receipts = new ArrayList<>();
		for (int n = 0; n < perKey; n++) {
			for (int k = 0; k < keys; k++) {
				String key = "key-" + k;
				receipts.add(bus.publish(topic, Envelope.of(key, STEP, new Step(key, n))));
			}
		}
		CompletableFuture.allOf(receipts.toArray(CompletableFuture[]::new)).get(timeout().toMillis(), TimeUnit.MILLISECONDS);

		await().atMost(timeout()).untilAsserted(() -> assertThat(handled.get()).isEqualTo(keys * perKey));
		List<Integer> expected = new ArrayList<>();
		for (int n = 0; n < perKey; n++) {
			expected.add(n);
		}
		assertThat(seen).hasSize(keys);
		seen.forEach((key, steps) -> assertThat(steps).as("events of %s in completion order", key).isEqualTo(expected));
		assertThat(overlaps).as("events of one key in progress at the same time").hasValue(0);
		assertThat(completedOn).as("stages completed off the handler's thread").containsExactly("other thread");
	}

	@Test
	void anAsyncHandlersExceptionallyCompletedStageIsRetriedInsideItsKeysLaneThenDeadLettered() throws Exception {
		String topic = newTopic("async-retry");
		EventBus bus = bus();
		List<String> attempts = new CopyOnWriteArrayList<>();
		RetryPolicy retry = RetryPolicy.builder()
			.maxAttempts(3)
			.initialBackoff(Duration.ofMillis(100))
			.maxBackoff(Duration.ofMillis(100))
			.build();
		bus.subscribeAsync(topic, Step.class, SubscriptionOptions.builder("async-billing").retryPolicy(retry).build(),
				(envelope, context) -> {
					Step step = envelope.payload();
					attempts.add(step.n() + "@" + context.attempt());
					return CompletableFuture.supplyAsync(() -> {
						if (step.n() == 1) {
							throw new IllegalStateException("remote billing refused step 1");
						}
						return "billed";
					}, CompletableFuture.delayedExecutor(10, TimeUnit.MILLISECONDS));
				});
		List<DeadLetterSeen> dead = new CopyOnWriteArrayList<>();
		bus.subscribe(bus.deadLetterTopic(topic), byte[].class, SubscriptionOptions.of("async-dlt-reader"),
				(envelope, context) -> dead.add(new DeadLetterSeen(envelope, context)));
		PublishReceipt failing = null;
		for (int n = 0; n < 3; n++) {
			PublishReceipt receipt = publish(bus, topic, "async-bad", n);
			if (n == 1) {
				failing = receipt;
			}
		}

		await().atMost(timeout()).untilAsserted(() -> assertThat(attempts).hasSize(5));
		// Step 2 waited in the lane until step 1's stage had failed three times and was dead-lettered.
		assertThat(attempts).containsExactly("0@1", "1@1", "1@2", "1@3", "2@1");
		await().atMost(timeout()).untilAsserted(() -> assertThat(dead).hasSize(1));
		DeadLetterRecord record = DeadLetterRecord.from(dead.get(0).context()).orElseThrow();
		assertThat(record.reason()).isEqualTo(DeadLetterRecord.REASON_FAILED);
		assertThat(record.attempts()).isEqualTo(3);
		// the stage's cause, not the CompletionException it travelled in
		assertThat(record.exceptionClass()).isEqualTo(IllegalStateException.class.getName());
		assertThat(record.exceptionMessage()).isEqualTo("remote billing refused step 1");
		assertThat(record.originalTopic()).isEqualTo(topic);
		assertThat(record.group()).isEqualTo("async-billing");
		assertSamePosition(record, failing);
	}

	// ---------------------------------------------------------------- lifecycle

	@Test
	void pauseStopsDeliveriesAndResumeRestartsThem() throws Exception {
		String topic = newTopic("pause");
		EventBus bus = bus();
		List<Integer> handled = new CopyOnWriteArrayList<>();
		Subscription subscription = bus.subscribe(topic, Step.class, SubscriptionOptions.of("pause"),
				(envelope, context) -> handled.add(envelope.payload().n()));
		publish(bus, topic, "k", 0);
		await().atMost(timeout()).untilAsserted(() -> assertThat(handled).containsExactly(0));

		subscription.pause();
		assertThat(subscription.state()).isEqualTo(Subscription.State.PAUSED);
		subscription.pause();
		assertThat(subscription.state()).isEqualTo(Subscription.State.PAUSED);
		for (int n = 1; n <= 5; n++) {
			publish(bus, topic, "k", n);
		}
		// A negative: nothing arrives while paused (observed for a while, bounded).
		await().during(Duration.ofSeconds(2)).atMost(timeout())
			.untilAsserted(() -> assertThat(handled).containsExactly(0));
		assertThat(subscription.state()).isEqualTo(Subscription.State.PAUSED);

		subscription.resume();
		assertThat(subscription.state()).isEqualTo(Subscription.State.RUNNING);
		await().atMost(timeout()).untilAsserted(() -> assertThat(handled).containsExactly(0, 1, 2, 3, 4, 5));
		await().atMost(timeout()).untilAsserted(() -> assertThat(subscription.lag()).as("lag once all is handled").isZero());
		assertThat(subscription.pending()).isZero();
	}

	@Test
	void closeWaitsForInFlightWorkAndTheNextInstanceGetsWhatWasNotFetched() throws Exception {
		String topic = newTopic("drain");
		EventBus first = bus();
		Set<Integer> started = ConcurrentHashMap.newKeySet();
		Set<Integer> finished = ConcurrentHashMap.newKeySet();
		Subscription subscription = first.subscribe(topic, Step.class, SubscriptionOptions.of("drain"),
				(envelope, context) -> {
					started.add(envelope.payload().n());
					Thread.sleep(200);
					finished.add(envelope.payload().n());
				});
		for (int n = 0; n < 10; n++) {
			publish(first, topic, "k" + (n % 3), n);
		}
		await().atMost(timeout()).until(() -> !started.isEmpty());

		subscription.close(timeout());

		assertThat(subscription.state()).isEqualTo(Subscription.State.CLOSED);
		assertThat(first.subscriptions()).doesNotContain(subscription);
		Set<Integer> startedAtClose = Set.copyOf(started);
		assertThat(Set.copyOf(finished)).as("events finished when close returned").isEqualTo(startedAtClose);
		Map<Integer, AtomicInteger> next = new ConcurrentHashMap<>();
		EventBus second = bus();
		second.subscribe(topic, Step.class, SubscriptionOptions.of("drain"),
				(envelope, context) -> next.computeIfAbsent(envelope.payload().n(), (n) -> new AtomicInteger())
					.incrementAndGet());
		Set<Integer> all = new HashSet<>();
		for (int n = 0; n < 10; n++) {
			all.add(n);
		}
		await().atMost(timeout()).untilAsserted(() -> {
			Set<Integer> union = new HashSet<>(finished);
			union.addAll(next.keySet());
			assertThat(union).isEqualTo(all);
		});
		assertThat(next.keySet()).as("events the closed instance had finished, delivered again").doesNotContainAnyElementsOf(startedAtClose);
	}

	@Test
	void closingTheBusDrainsTheInFlightWorkOfEverySubscriptionAndTheNextInstanceGetsTheRestOnce() throws Exception {
		String topic = newTopic("bus-close");
		EventBus first = bus();
		Map<String, Set<Integer>> started = new ConcurrentHashMap<>();
		Map<String, Set<Integer>> finished = new ConcurrentHashMap<>();
		List<Subscription> subscriptions = new ArrayList<>();
		for (String group : List.of("bus-close-a", "bus-close-b")) {
			started.put(group, ConcurrentHashMap.newKeySet());
			finished.put(group, ConcurrentHashMap.newKeySet());
			subscriptions.add(first.subscribe(topic, Step.class, SubscriptionOptions.of(group), (envelope, context) -> {
				started.get(group).add(envelope.payload().n());
				Thread.sleep(200);
				finished.get(group).add(envelope.payload().n());
			}));
		}
		for (int n = 0; n < 8; n++) {
			publish(first, topic, "k" + (n % 2), n);
		}
		await().atMost(timeout()).until(() -> started.values().stream().noneMatch(Set::isEmpty));

		first.close();

		assertThat(subscriptions).allSatisfy((subscription) -> assertThat(subscription.state())
			.isEqualTo(Subscription.State.CLOSED));
		assertThat(first.subscriptions()).isEmpty();
		Map<String, Set<Integer>> startedAtClose = new HashMap<>();
		started.forEach((group, events) -> startedAtClose.put(group, Set.copyOf(events)));
		finished.forEach((group, events) -> assertThat(Set.copyOf(events)).as("events of %s finished at close", group)
			.isEqualTo(startedAtClose.get(group)));
		EventBus second = bus();
		Set<Integer> all = new HashSet<>();
		for (int n = 0; n < 8; n++) {
			all.add(n);
		}
		Map<String, List<Integer>> next = new ConcurrentHashMap<>();
		for (String group : List.of("bus-close-a", "bus-close-b")) {
			next.put(group, new CopyOnWriteArrayList<>());
			second.subscribe(topic, Step.class, SubscriptionOptions.of(group),
					(envelope, context) -> next.get(group).add(envelope.payload().n()));
		}
		await().atMost(timeout()).untilAsserted(() -> next.forEach((group, events) -> {
			Set<Integer> union = new HashSet<>(finished.get(group));
			union.addAll(events);
			assertThat(union).as("events of %s across both instances", group).isEqualTo(all);
		}));
		next.forEach((group, events) -> assertThat(events).as("events of %s delivered again", group)
			.doesNotContainAnyElementsOf(startedAtClose.get(group))
			.doesNotHaveDuplicates());
	}

	@Test
	@Timeout(value = 5, unit = TimeUnit.MINUTES)
	void anEventNotFinishedWhenCloseTimesOutIsDeliveredAgainToTheNextInstance() throws Exception {
		String topic = newTopic("unfinished");
		EventBus first = bus();
		CountDownLatch blocker = blocker();
		List<Integer> firstSaw = new CopyOnWriteArrayList<>();
		Subscription subscription = first.subscribe(topic, Step.class, SubscriptionOptions.of("unfinished"),
				(envelope, context) -> {
					firstSaw.add(envelope.payload().n());
					blocker.await();
				});
		publish(first, topic, "stuck", 0);
		await().atMost(timeout()).untilAsserted(() -> assertThat(firstSaw).containsExactly(0));

		subscription.close(Duration.ofMillis(200));

		assertThat(subscription.state()).isEqualTo(Subscription.State.CLOSED);
		publish(first, topic, "stuck", 1);
		List<Integer> secondSaw = new CopyOnWriteArrayList<>();
		EventBus second = bus();
		second.subscribe(topic, Step.class, SubscriptionOptions.of("unfinished"),
				(envelope, context) -> secondSaw.add(envelope.payload().n()));
		await().atMost(timeout()).untilAsserted(() -> assertThat(secondSaw).containsExactly(0, 1));
		assertThat(firstSaw).containsExactly(0);
	}

	@Test
	@Timeout(value = 5, unit = TimeUnit.MINUTES)
	void closeReturnsWithinItsTimeoutWhenAHandlerIgnoresInterrupts() throws Exception {
		String topic = newTopic("stubborn");
		EventBus bus = bus();
		CountDownLatch blocker = blocker();
		CountDownLatch started = new CountDownLatch(1);
		Subscription subscription = bus.subscribe(topic, Step.class, SubscriptionOptions.of("stubborn"),
				ignoringInterrupts(started, blocker));
		publish(bus, topic, "stubborn", 0);
		assertThat(started.await(timeout().toMillis(), TimeUnit.MILLISECONDS)).isTrue();
		Duration timeout = Duration.ofSeconds(1);
		long start = System.nanoTime();
		subscription.close(timeout);
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		// one deadline for the drain and the release; the slack is for a loaded machine, far below 2x
		assertThat(took).as("close(%s) took", timeout).isLessThan(timeout.multipliedBy(2).plusMillis(500));
		assertThat(subscription.state()).isEqualTo(Subscription.State.CLOSED);

		// the whole bus: one shutdown timeout for the subscriptions, the clients and the own executor
		EventBus whole = bus();
		assumeTrue(ForwardingEventBus.unwrap(whole) instanceof AbstractEventBus, "the bus is built on the frame");
		Duration shutdownTimeout = ((AbstractEventBus) ForwardingEventBus.unwrap(whole)).settings().shutdownTimeout();
		CountDownLatch wholeStarted = new CountDownLatch(1);
		whole.subscribe(topic, Step.class, SubscriptionOptions.of("stubborn-bus"), ignoringInterrupts(wholeStarted, blocker));
		publish(whole, topic, "stubborn", 1);
		assertThat(wholeStarted.await(timeout().toMillis(), TimeUnit.MILLISECONDS)).isTrue();
		start = System.nanoTime();
		whole.close();
		took = Duration.ofNanos(System.nanoTime() - start);
		assertThat(took).as("close of a bus with shutdown timeout %s took", shutdownTimeout)
			.isLessThan(shutdownTimeout.plus(shutdownTimeout.dividedBy(2)).plusSeconds(1));
	}

	@Test
	@Timeout(value = 5, unit = TimeUnit.MINUTES)
	void anAsyncHandlersStageHoldsItsKeysLaneUntilItCompletesAndItsCompletionCommitsTheEvent() throws Exception {
		String topic = newTopic("async-lane");
		EventBus first = bus();
		Map<String, CompletableFuture<Void>> stages = new ConcurrentHashMap<>();
		List<String> started = new CopyOnWriteArrayList<>();
		Subscription subscription = first.subscribeAsync(topic, Step.class, SubscriptionOptions.of("async-lane"),
				(envelope, context) -> {
					String name = envelope.payload().key() + "-" + envelope.payload().n();
					started.add(name);
					CompletableFuture<Void> stage = stages.computeIfAbsent(name, (key) -> new CompletableFuture<>());
					return name.startsWith("held") ? stage : CompletableFuture.completedFuture(null);
				});
		publish(first, topic, "held", 0);
		await().atMost(timeout()).untilAsserted(() -> assertThat(started).containsExactly("held-0"));
		publish(first, topic, "held", 1);
		publish(first, topic, "free", 0);

		// The other key runs (no worker is held) and the later event of the held key is dispatched...
		await().atMost(timeout()).until(() -> started.contains("free-0") && subscription.pending() == 2);
		// ...but waits in the lane as long as the stage of held-0 is open.
		await().during(Duration.ofMillis(300)).atMost(timeout()).until(() -> !started.contains("held-1"));

		stages.get("held-0").complete(null); // from this thread, not a worker
		await().atMost(timeout()).until(() -> started.contains("held-1"));
		stages.get("held-1").complete(null);
		await().atMost(timeout()).until(() -> subscription.pending() == 0);
		assertThat(started).containsExactly("held-0", "free-0", "held-1");
		subscription.close();

		// The completions committed (acknowledged) the events: the next instance starts after them.
		publish(first, topic, "held", 2);
		List<String> next = new CopyOnWriteArrayList<>();
		bus().subscribe(topic, Step.class, SubscriptionOptions.of("async-lane"),
				(envelope, context) -> next.add(envelope.payload().key() + "-" + envelope.payload().n()));
		await().atMost(timeout()).until(() -> next.contains("held-2"));
		assertThat(next).containsExactly("held-2");
	}

	@Test
	@Timeout(value = 5, unit = TimeUnit.MINUTES)
	void openStagesOfAnAsyncHandlerHoldNoWorkerSoMoreKeysThanWorkersAreInProgressAtOnce() throws Exception {
		String topic = newTopic("async-wide");
		// twice the default worker count: all can be in progress at once only if none holds a worker
		int keys = 2 * KeyedExecutorOptions.DEFAULT_WORKERS;
		EventBus bus = bus();
		CompletableFuture<Void> release = new CompletableFuture<>();
		Set<String> inProgress = ConcurrentHashMap.newKeySet();
		AtomicInteger completed = new AtomicInteger();
		Subscription subscription = bus.subscribeAsync(topic, Step.class, SubscriptionOptions.of("async-wide"),
				(envelope, context) -> {
					inProgress.add(envelope.payload().key());
					return release.thenRun(completed::incrementAndGet);
				});
		List<CompletableFuture<PublishReceipt>> receipts = new ArrayList<>();
		for (int k = 0; k < keys; k++) {
			String key = "wide-" + k;
			receipts.add(bus.publish(topic, Envelope.of(key, STEP, new Step(key, 0))));
		}
		CompletableFuture.allOf(receipts.toArray(CompletableFuture[]::new)).get(timeout().toMillis(), TimeUnit.MILLISECONDS);

		await().atMost(timeout()).untilAsserted(() -> assertThat(inProgress).hasSize(keys));
		assertThat(completed).hasValue(0);

		release.complete(null);
		await().atMost(timeout()).until(() -> completed.get() == keys && subscription.pending() == 0);
	}

	@Test
	@Timeout(value = 5, unit = TimeUnit.MINUTES)
	void anAsyncHandlersStageThatNeverCompletesDoesNotHoldCloseBeyondItsTimeoutAndTheEventIsDeliveredAgain()
			throws Exception {
		String topic = newTopic("async-never");
		EventBus first = bus();
		List<Integer> firstSaw = new CopyOnWriteArrayList<>();
		Subscription subscription = first.subscribeAsync(topic, Step.class, SubscriptionOptions.of("async-never"),
				(envelope, context) -> {
					firstSaw.add(envelope.payload().n());
					return new CompletableFuture<Void>(); // never completes
				});
		publish(first, topic, "never", 0);
		await().atMost(timeout()).untilAsserted(() -> assertThat(firstSaw).containsExactly(0));

		Duration timeout = Duration.ofMillis(500);
		long start = System.nanoTime();
		subscription.close(timeout);
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		assertThat(took).as("close(%s) took", timeout).isLessThan(timeout.multipliedBy(2).plusMillis(500));
		assertThat(subscription.state()).isEqualTo(Subscription.State.CLOSED);
		assertThat(subscription.pending()).isZero();

		publish(first, topic, "never", 1);
		List<Integer> secondSaw = new CopyOnWriteArrayList<>();
		bus().subscribe(topic, Step.class, SubscriptionOptions.of("async-never"),
				(envelope, context) -> secondSaw.add(envelope.payload().n()));
		await().atMost(timeout()).untilAsserted(() -> assertThat(secondSaw).containsExactly(0, 1));
		assertThat(firstSaw).containsExactly(0);
	}

	@Test
	void aSecondSubscriptionOfTheSameGroupAndTopicsIsRejectedNamingThemUntilTheFirstIsClosed() {
		String topic = newTopic("duplicate");
		String other = newTopic("duplicate-other");
		EventBus bus = bus();
		EventListener<Step> ignore = (envelope, context) -> {
		};
		Subscription first = bus.subscribe(List.of(topic, other), Step.class, SubscriptionOptions.of("dup"), ignore);

		assertThatExceptionOfType(DuplicateSubscriptionException.class)
			.isThrownBy(() -> bus.subscribe(List.of(topic, other), Step.class, SubscriptionOptions.of("dup"), ignore))
			.withMessageContaining("dup")
			.withMessageContaining(topic)
			.withMessageContaining(other)
			.satisfies((ex) -> assertThat(ex.subscriptionId()).isEqualTo(first.id()));
		assertThatExceptionOfType(DuplicateSubscriptionException.class)
			.as("the same topics in another order")
			.isThrownBy(() -> bus.subscribe(List.of(other, topic), Step.class, SubscriptionOptions.of("dup"), ignore));
		assertThat(bus.subscriptions()).containsExactly(first);
		assertThat(bus.subscribe(List.of(topic, other), Step.class, SubscriptionOptions.of("another-group"), ignore)
			.state()).isEqualTo(Subscription.State.RUNNING);

		first.close();
		assertThat(bus.subscribe(List.of(topic, other), Step.class, SubscriptionOptions.of("dup"), ignore).state())
			.isEqualTo(Subscription.State.RUNNING);
	}

	@Test
	void aSubscriptionSharingOneTopicWithAnotherOfItsGroupIsRejectedNamingTheTopicAndTheFirst() throws Exception {
		String a = newTopic("overlap-a");
		String b = newTopic("overlap-b");
		String c = newTopic("overlap-c");
		EventBus bus = bus();
		List<Integer> firstSaw = new CopyOnWriteArrayList<>();
		Subscription first = bus.subscribe(List.of(a, b), Step.class, SubscriptionOptions.of("overlap"),
				(envelope, context) -> firstSaw.add(envelope.payload().n()));

		assertThatExceptionOfType(DuplicateSubscriptionException.class)
			.isThrownBy(() -> bus.subscribe(List.of(c, b), Step.class, SubscriptionOptions.of("overlap"),
					(envelope, context) -> {
					}))
			.withMessageContaining("'" + b + "'")
			.withMessageContaining("'overlap'")
			.withMessageContaining(first.id())
			.satisfies((ex) -> {
				assertThat(ex.subscriptionId()).isEqualTo(first.id());
				assertThat(ex.topic()).isEqualTo(b);
				assertThat(ex.group()).isEqualTo("overlap");
			});
		assertThat(bus.subscriptions()).containsExactly(first);

		// Nothing of the refused subscription stays reserved: its other topic is free for the group.
		List<Integer> cSaw = new CopyOnWriteArrayList<>();
		Subscription onlyC = bus.subscribe(c, Step.class, SubscriptionOptions.of("overlap"),
				(envelope, context) -> cSaw.add(envelope.payload().n()));
		assertThat(onlyC.state()).isEqualTo(Subscription.State.RUNNING);

		// The first subscription still gets every event of its topics, the new one every event of its own.
		publish(bus, b, "key", 1);
		publish(bus, a, "key", 2);
		publish(bus, c, "key", 3);
		await().atMost(timeout()).untilAsserted(() -> {
			assertThat(firstSaw).containsExactlyInAnyOrder(1, 2);
			assertThat(cSaw).containsExactly(3);
		});

		first.close();
		EventListener<Step> ignore = (envelope, context) -> {
		};
		assertThatExceptionOfType(DuplicateSubscriptionException.class).as("c is still held by the second")
			.isThrownBy(() -> bus.subscribe(List.of(b, c), Step.class, SubscriptionOptions.of("overlap"), ignore))
			.satisfies((ex) -> assertThat(ex.topic()).isEqualTo(c));
		assertThat(bus.subscribe(b, Step.class, SubscriptionOptions.of("overlap"), ignore).state())
			.as("b is free again once the first is closed")
			.isEqualTo(Subscription.State.RUNNING);
	}

	@Test
	void everyArgumentMistakeThrowsInvalidEnvelopeExceptionNamingTheArgument() {
		String topic = newTopic("arguments");
		EventBus bus = bus();
		EventListener<Step> ignore = (envelope, context) -> {
		};
		SubscriptionOptions options = SubscriptionOptions.of("arguments");
		Envelope<Step> envelope = Envelope.of("k", STEP, new Step("k", 0));

		assertInvalid("topic", () -> bus.publish(null, envelope));
		assertInvalid("topic", () -> bus.publish("", envelope));
		assertInvalid("topic", () -> bus.publish("no spaces allowed", envelope)).withMessageContaining("no spaces allowed");
		assertInvalid("topic", () -> bus.publish("a..b", envelope)).withMessageContaining("a..b");
		assertInvalid("envelope", () -> bus.publish(topic, null));
		assertInvalid("topic", () -> bus.subscribe((String) null, Step.class, options, ignore));
		assertInvalid("topic", () -> bus.subscribe(Arrays.asList(topic, null), Step.class, options, ignore));
		assertInvalid("topic", () -> bus.subscribe("bad/topic", Step.class, options, ignore))
			.withMessageContaining("bad/topic");
		assertInvalid("topics", () -> bus.subscribe(List.of(), Step.class, options, ignore));
		assertInvalid("topics", () -> bus.subscribe((List<String>) null, Step.class, options, ignore));
		assertInvalid("payloadType", () -> bus.subscribe(topic, null, options, ignore));
		assertInvalid("options", () -> bus.subscribe(topic, Step.class, null, ignore));
		assertInvalid("listener", () -> bus.subscribe(topic, Step.class, options, null));
		assertThat(bus.subscriptions()).isEmpty();
	}

	@Test
	void aTopicWhoseDeadLetterTopicWouldBeInvalidIsRejectedAtSubscribeWhileDeadLetteringIsOn() {
		EventBus bus = bus();
		String longest = "t".repeat(249);
		assertThat(bus.deadLetterTopic(longest).length()).isGreaterThan(249);

		assertInvalid("topics", () -> bus.subscribe(longest, Step.class, SubscriptionOptions.of("long"), (e, c) -> {
		})).withMessageContaining(bus.deadLetterTopic(longest)).withMessageContaining("249");
		assertThat(bus.subscriptions()).isEmpty();
	}

	@Test
	void publishAndSubscribeAfterCloseFailTheSameWayOnEveryTransport() {
		String topic = newTopic("closed");
		EventBus bus = bus();
		Subscription subscription = bus.subscribe(topic, Step.class, SubscriptionOptions.of("closed"), (e, c) -> {
		});
		bus.close();
		bus.close();

		assertThat(subscription.state()).isEqualTo(Subscription.State.CLOSED);
		assertThat(bus.subscriptions()).isEmpty();
		assertThatIllegalStateException()
			.isThrownBy(() -> bus.subscribe(topic, Step.class, SubscriptionOptions.of("late"), (e, c) -> {
			}))
			.withMessageContaining("closed")
			.withMessageContaining(topic);
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> bus.publish(topic, Envelope.of("k", STEP, new Step("k", 0)))
				.get(timeout().toMillis(), TimeUnit.MILLISECONDS))
			.havingCause()
			.isInstanceOf(PublishRejectedException.class)
			.withMessageContaining(topic)
			.withMessageContaining("closed");
		// Argument mistakes are still reported as such.
		assertInvalid("envelope", () -> bus.publish(topic, null));
	}

	// ---------------------------------------------------------------- failures of the handler or the transport

	@Test
	@Timeout(value = 5, unit = TimeUnit.MINUTES)
	void aHandlerThrowingAVirtualMachineErrorFailsTheSubscriptionAndNoLaterEventOfItsKeyRunsThere()
			throws Exception {
		String topic = newTopic("fatal");
		EventBus failingBus = bus();
		List<Integer> first = new CopyOnWriteArrayList<>();
		Subscription failing = failingBus.subscribe(topic, Step.class, SubscriptionOptions.of("fatal"),
				(envelope, context) -> {
					first.add(envelope.payload().n());
					if (envelope.payload().n() == 1) {
						throw new InternalError("boom");
					}
				});
		for (int n = 0; n < 3; n++) {
			publish(failingBus, topic, "k", n);
		}

		await().atMost(timeout()).until(() -> failing.state() == Subscription.State.FAILED);
		assertThat(failing.failure()).isInstanceOf(InternalError.class).hasMessage("boom");
		assertThat(failingBus.subscriptions()).contains(failing);
		await().during(Duration.ofMillis(500)).atMost(timeout())
			.untilAsserted(() -> assertThat(first).containsExactly(0, 1));
		failing.resume();
		assertThat(failing.state()).isEqualTo(Subscription.State.FAILED);

		// What it had not finished is left for redelivery: another instance of the group gets it.
		failing.close();
		assertThat(failing.state()).isEqualTo(Subscription.State.CLOSED);
		List<Integer> second = new CopyOnWriteArrayList<>();
		bus().subscribe(topic, Step.class, SubscriptionOptions.of("fatal"),
				(envelope, context) -> second.add(envelope.payload().n()));
		await().atMost(timeout()).untilAsserted(() -> assertThat(second).containsExactly(1, 2));
	}

	@Test
	@Timeout(value = 5, unit = TimeUnit.MINUTES)
	void aHandlerThatReturnsWithItsThreadInterruptedHasItsEventAcknowledgedOnce() throws Exception {
		String topic = newTopic("interrupted");
		EventBus first = bus();
		AtomicInteger calls = new AtomicInteger();
		Subscription subscription = first.subscribe(topic, Step.class, SubscriptionOptions.of("interrupted"),
				(envelope, context) -> {
					calls.incrementAndGet();
					Thread.currentThread().interrupt();
				});
		publish(first, topic, "k", 0);
		await().atMost(timeout()).until(() -> calls.get() == 1);
		await().atMost(timeout()).until(() -> subscription.pending() == 0);
		subscription.close();

		// Event 0 was acknowledged (committed) once: the next instance starts after it.
		publish(first, topic, "k", 1);
		List<Integer> next = new CopyOnWriteArrayList<>();
		bus().subscribe(topic, Step.class, SubscriptionOptions.of("interrupted"),
				(envelope, context) -> next.add(envelope.payload().n()));
		await().atMost(timeout()).until(() -> next.contains(1));
		assertThat(next).containsExactly(1);
		assertThat(calls).hasValue(1);
	}

	@Test
	void aBusTheBrokerRefusesForGoodSaysSoAtBuildOrFailsItsSubscriptionWithTheCause() {
		EventBus refused;
		try {
			refused = createBusThatCannotConnect();
		}
		catch (EventBusException refusedAtBuild) {
			assertThat(refusedAtBuild).hasMessageContaining("credentials");
			return;
		}
		assumeTrue(refused != null, "the transport has no bus that the broker refuses");
		this.buses.add(refused);
		String topic = newTopic("refused");
		Subscription subscription = refused.subscribe(topic, Step.class, SubscriptionOptions.of("refused"),
				(e, c) -> {
				});
		await().atMost(timeout()).until(() -> subscription.state() == Subscription.State.FAILED);
		assertThat(subscription.failure()).isNotNull();
		assertThat(refused.subscriptions()).contains(subscription);
		subscription.close();
		assertThat(subscription.state()).isEqualTo(Subscription.State.CLOSED);
		assertThat(refused.subscriptions()).isEmpty();
	}

	// ---------------------------------------------------------------- helpers

	/**
	 * Publishes a {@link Step} and waits for its receipt.
	 * @param bus the bus
	 * @param topic the topic
	 * @param key the aggregate id
	 * @param n the step number
	 * @return the receipt
	 * @throws Exception if the publish failed
	 */
	protected final PublishReceipt publish(EventBus bus, String topic, String key, int n) throws Exception {
		return bus.publish(topic, Envelope.of(key, STEP, new Step(key, n))).get(timeout().toMillis(),
				TimeUnit.MILLISECONDS);
	}

	/**
	 * A handler that swallows interrupts: it counts {@code started} down, then waits for
	 * {@code release} however often it is interrupted (close must not wait for it twice).
	 */
	private static EventListener<Step> ignoringInterrupts(CountDownLatch started, CountDownLatch release) {
		return (envelope, context) -> {
			started.countDown();
			while (release.getCount() > 0) {
				try {
					release.await();
				}
				catch (InterruptedException ignored) {
					// swallowed on purpose
				}
			}
		};
	}

	private CountDownLatch blocker() {
		CountDownLatch latch = new CountDownLatch(1);
		this.blockers.add(latch);
		return latch;
	}

	private static ThrowableAssertAlternative<InvalidEnvelopeException> assertInvalid(String field,
			ThrowingCallable call) {
		return assertThatExceptionOfType(InvalidEnvelopeException.class).as("argument %s", field)
			.isThrownBy(call)
			.satisfies((ex) -> assertThat(ex.field()).isEqualTo(field))
			.withMessageContaining(field.equals("topics") ? "topic" : field);
	}

	private static void assertSamePosition(DeadLetterRecord record, @Nullable PublishReceipt receipt) {
		assertThat(receipt).isNotNull();
		Map<String, Object> original = new HashMap<>();
		original.put("partition", record.partition());
		original.put("offset", record.offset());
		original.put("streamSequence", record.streamSequence());
		Map<String, Object> published = new HashMap<>();
		published.put("partition", receipt.partition());
		published.put("offset", receipt.offset());
		published.put("streamSequence", receipt.streamSequence());
		assertThat(original).as("position of the original in the dead letter (%s)", record.originalPosition())
			.isEqualTo(published);
		assertThat(original.values()).as("position of the original").anyMatch((value) -> value != null);
	}

	private record DeadLetterSeen(Envelope<byte[]> envelope, EventContext context) {
	}

}

package dev.eventbus.core.memory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.InvalidEnvelopeException;
import dev.eventbus.core.api.PublishReceipt;
import dev.eventbus.core.api.PublishRejectedException;
import dev.eventbus.core.api.PublishTimeoutException;
import dev.eventbus.core.api.RetryPolicy;
import dev.eventbus.core.api.Subscription;
import dev.eventbus.core.api.SubscriptionOptions;
import dev.eventbus.core.keyed.KeyedExecutor;
import dev.eventbus.core.keyed.KeyedExecutorOptions;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Bounded publishing, pause/resume and closing of the memory bus.
 */
class MemoryEventBusLifecycleTest {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final KeyedExecutor executor = KeyedExecutor.create(KeyedExecutorOptions.builder().workers(4).build());

	private @Nullable MemoryEventBus bus;

	private @Nullable MemoryEventBus peer;

	record Order(String id, int seq) {
	}

	@AfterEach
	void close() {
		if (this.peer != null) {
			this.peer.close();
		}
		if (this.bus != null) {
			this.bus.close();
		}
		this.executor.shutdown(Duration.ofSeconds(5));
	}

	@Test
	void aFullTopicMakesThePublisherWaitUpToMaxBlockThenFailsNamingTheTopicAndTheBound() {
		MemoryEventBus bus = bus(MemoryOptions.builder().topicCapacity(5).maxBlock(Duration.ofMillis(300)).build());
		for (int i = 0; i < 5; i++) {
			assertThat(bus.publish("orders-full", order(i))).isCompleted();
		}

		long start = System.nanoTime();
		CompletableFuture<PublishReceipt> sixth = bus.publish("orders-full", order(5));

		assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(300).toNanos());
		assertThat(sixth).isCompletedExceptionally();
		assertThatThrownBy(sixth::join).cause()
			.isInstanceOf(PublishTimeoutException.class)
			.hasMessageContaining("'orders-full'")
			.hasMessageContaining("eventbus.memory.topic-capacity=5")
			.hasMessageContaining("eventbus.memory.max-block=PT0.3S");
	}

	@Test
	void aWaitingPublisherGetsInOnceAGroupConsumes() throws Exception {
		MemoryEventBus bus = bus(MemoryOptions.builder().topicCapacity(3).maxBlock(TIMEOUT).build());
		for (int i = 0; i < 3; i++) {
			bus.publish("orders-wait", order(i)).join();
		}
		CompletableFuture<CompletableFuture<PublishReceipt>> fourth = CompletableFuture
			.supplyAsync(() -> bus.publish("orders-wait", order(3)));
		AtomicInteger handled = new AtomicInteger();

		bus.subscribe("orders-wait", Order.class, SubscriptionOptions.of("billing"),
				(envelope, context) -> handled.incrementAndGet());

		PublishReceipt receipt = fourth.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
		assertThat(receipt.offset()).isEqualTo(3L);
		assertThat(receipt.topic()).isEqualTo("orders-wait");
		await().atMost(TIMEOUT).until(() -> handled.get() == 4);
	}

	@Test
	void aPausedSubscriptionReceivesNothingUntilResumed() {
		MemoryEventBus bus = bus(MemoryOptions.defaults());
		AtomicInteger handled = new AtomicInteger();
		Subscription subscription = bus.subscribe("orders-pause", Order.class, SubscriptionOptions.of("billing"),
				(envelope, context) -> handled.incrementAndGet());
		for (int i = 0; i < 10; i++) {
			bus.publish("orders-pause", order(i));
		}
		await().atMost(TIMEOUT).until(() -> handled.get() == 10);
		assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
			.contains("eventbus-memory-orders-pause-billing");

		subscription.pause();
		for (int i = 10; i < 20; i++) {
			bus.publish("orders-pause", order(i));
		}

		assertThat(subscription.state()).isEqualTo(Subscription.State.PAUSED);
		await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> handled.get() == 10);
		assertThat(subscription.lag()).isEqualTo(10);

		subscription.resume();

		await().atMost(TIMEOUT).until(() -> handled.get() == 20);
		assertThat(subscription.state()).isEqualTo(Subscription.State.RUNNING);
		assertThat(subscription.lag()).isZero();
	}

	@Test
	void closingASubscriptionLetsItsEventsInFlightFinish() throws Exception {
		MemoryEventBus bus = bus(MemoryOptions.defaults());
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger started = new AtomicInteger();
		AtomicInteger finished = new AtomicInteger();
		Subscription subscription = bus.subscribe("orders-drain", Order.class, SubscriptionOptions.of("billing"),
				(envelope, context) -> {
					started.incrementAndGet();
					release.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
					finished.incrementAndGet();
				});
		for (int i = 0; i < 20; i++) {
			bus.publish("orders-drain", Envelope.of("order-" + (i % 2), "OrderPlaced", new Order("order-" + i, i)));
		}
		await().atMost(TIMEOUT).until(() -> subscription.pending() == 20 && started.get() == 2);

		CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> subscription.close(TIMEOUT));
		await().atMost(TIMEOUT).until(() -> subscription.state() == Subscription.State.CLOSED);
		assertThat(closing).isNotDone();
		bus.publish("orders-drain", order(99)).join();
		release.countDown();
		closing.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

		assertThat(finished).hasValue(20);
		assertThat(subscription.pending()).isZero();
		assertThat(subscription.lag()).isEqualTo(1);
		assertThat(bus.subscriptions()).isEmpty();
	}

	@Test
	void eventsAClosedMemberDidNotFinishAreRedeliveredInOrderToAnotherMemberOfTheGroup() {
		MemoryEventBus bus = bus(MemoryOptions.defaults());
		List<String> first = new CopyOnWriteArrayList<>();
		List<String> second = new CopyOnWriteArrayList<>();
		SubscriptionOptions slowRetry = SubscriptionOptions.builder("billing")
			.retryPolicy(RetryPolicy.builder()
				.maxAttempts(3)
				.initialBackoff(Duration.ofMinutes(1))
				.maxBackoff(Duration.ofMinutes(1))
				.build())
			.build();
		Subscription failing = bus.subscribe("orders-handover", Order.class, slowRetry, (envelope, context) -> {
			first.add(envelope.payload().id());
			throw new IllegalStateException("database down");
		});
		bus.publish("orders-handover", Envelope.of("order-1", "OrderPlaced", new Order("order-1-a", 1)));
		bus.publish("orders-handover", Envelope.of("order-1", "OrderPlaced", new Order("order-1-b", 2)));
		await().atMost(TIMEOUT).until(() -> first.size() == 1 && failing.pending() == 2);
		MemoryEventBus peer = MemoryEventBus.builder(MemoryOptions.defaults())
			.executor(this.executor)
			.broker(bus.broker())
			.build();
		this.peer = peer;
		peer.subscribe("orders-handover", Order.class, SubscriptionOptions.of("billing"),
				(envelope, context) -> second.add(envelope.payload().id()));

		failing.close(Duration.ofMillis(100));

		await().atMost(TIMEOUT).until(() -> second.size() == 2);
		assertThat(second).containsExactly("order-1-a", "order-1-b");
		assertThat(first).containsExactly("order-1-a");
		assertThat(failing.pending()).isZero();
		assertThat(bus.subscriptions()).isEmpty();
		assertThat(peer.subscriptions()).hasSize(1);
	}

	@Test
	void closingTheBusDrainsInFlightEventsAndRejectsLaterPublishes() {
		MemoryEventBus bus = bus(MemoryOptions.defaults());
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger finished = new AtomicInteger();
		bus.subscribe("orders-close", Order.class, SubscriptionOptions.of("billing"), (envelope, context) -> {
			release.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
			finished.incrementAndGet();
		});
		for (int i = 0; i < 10; i++) {
			bus.publish("orders-close", order(i));
		}
		await().atMost(TIMEOUT).until(() -> bus.subscriptions().get(0).pending() == 10);
		CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS).execute(release::countDown);

		bus.close();

		assertThat(finished).hasValue(10);
		assertThat(bus.subscriptions()).isEmpty();
		assertThatThrownBy(() -> bus.publish("orders-close", order(10)).join()).cause()
			.isInstanceOf(PublishRejectedException.class)
			.hasMessageContaining("closed");
	}

	@Test
	void invalidTopicsAndOptionsAreRejectedNamingTheCulprit() {
		MemoryEventBus bus = bus(MemoryOptions.defaults());
		assertThatThrownBy(() -> bus.publish("orders/bad", order(1))).isInstanceOf(InvalidEnvelopeException.class)
			.hasMessageContaining("orders/bad");
		assertThatIllegalArgumentException().isThrownBy(() -> MemoryOptions.builder().topicCapacity(0).build())
			.withMessageContaining("topicCapacity");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> MemoryOptions.builder().maxBlock(Duration.ofSeconds(-1)).build())
			.withMessageContaining("maxBlock");
		assertThat(bus.transport()).isEqualTo("memory");
	}

	private static Envelope<Order> order(int seq) {
		return Envelope.of("order-" + seq, "OrderPlaced", new Order("order-" + seq, seq));
	}

	private MemoryEventBus bus(MemoryOptions options) {
		this.bus = MemoryEventBus.builder(options)
			.executor(this.executor)
			.source("memory-test")
			.shutdownTimeout(Duration.ofSeconds(10))
			.build();
		return this.bus;
	}

}

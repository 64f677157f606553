package dev.eventbus.autoconfigure.annotation;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.eventbus.autoconfigure.EventBusAutoConfigurationTests;
import dev.eventbus.autoconfigure.EventBusProperties;
import dev.eventbus.core.api.AsyncEventListener;
import dev.eventbus.core.api.DeadLetterRecord;
import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.api.EventContext;
import dev.eventbus.core.api.EventHandler;
import dev.eventbus.core.api.SubscriptionOptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@code @EventHandler} methods returning a {@code CompletableFuture} or {@code CompletionStage}: their
 * listener is asynchronous (the key's lane is held until the stage completes, an exceptional completion
 * is retried and dead-lettered); a plain {@code Future} is rejected naming the method.
 */
class AsyncEventHandlerTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(EventBusAutoConfigurationTests.EVENTBUS)
		.withPropertyValues("spring.application.name=orders-service", "eventbus.transport=memory",
				"eventbus.executor.workers=2", "eventbus.shutdown-timeout=2s", "eventbus.executor.shutdown-timeout=2s");

	@Test
	@SuppressWarnings("unchecked")
	void aMethodReturningACompletableFutureOrCompletionStageGetsAnAsyncListenerThatReturnsItsStage() throws Exception {
		EventHandlerMethod future = method("returnsCompletableFuture");
		EventHandlerMethod stage = method("returnsCompletionStage");
		EventHandlerMethod plain = method("returnsVoid");
		assertThat(future.isAsync()).isTrue();
		assertThat(stage.isAsync()).isTrue();
		assertThat(plain.isAsync()).isFalse();

		Unit unit = new Unit();
		Envelope<Object> envelope = Envelope.of("order-1", "Placed", (Object) new Placed("order-1"));
		EventContext context = new EventContext(envelope, "memory", "async-orders", "g", 1, null, 0L, null, Map.of());
		assertThat(future.listener(unit)).isInstanceOf(AsyncEventListener.class);
		CompletionStage<?> returned = ((AsyncEventListener<Object>) future.listener(unit)).onEventAsync(envelope, context);
		assertThat(returned).isSameAs(unit.last);
		assertThat(plain.listener(unit)).isNotInstanceOf(AsyncEventListener.class);
	}

	@Test
	void aMethodReturningAFutureThatIsNotACompletionStageIsRejectedNamingItAndTheFix() {
		Method target = find("returnsPlainFuture");
		assertThatExceptionOfType(InvalidEventHandlerException.class)
			.isThrownBy(() -> EventHandlerMethod.of("unit", target, target.getAnnotation(EventHandler.class),
					new EventBusProperties(), "orders-service"))
			.satisfies((ex) -> {
				assertThat(ex.getMessage()).contains("Unit.returnsPlainFuture(")
					.contains("java.util.concurrent.Future")
					.contains("not a CompletionStage");
				assertThat(ex.action()).contains("CompletableFuture");
			});
	}

	@Test
	void anAsyncHandlerHoldsItsKeyUntilItsFutureCompletesAndAFailedFutureIsRetriedThenDeadLettered() {
		this.runner.withUserConfiguration(AsyncHandlers.class).run((context) -> {
			assertThat(context).hasNotFailed();
			AsyncHandlers handlers = context.getBean(AsyncHandlers.class);
			EventBus bus = context.getBean(EventBus.class);
			List<DeadLetterRecord> dead = new CopyOnWriteArrayList<>();
			bus.subscribe(bus.deadLetterTopic("async-orders"), byte[].class, SubscriptionOptions.of("dlt-reader"),
					(envelope, eventContext) -> dead.add(DeadLetterRecord.from(eventContext).orElseThrow()));
			bus.publish("async-orders", Envelope.of("order-1", "Placed", new Placed("order-1"))).join();
			bus.publish("async-orders", Envelope.of("order-1", "Placed", new Placed("order-1-again"))).join();
			bus.publish("async-orders", Envelope.of("order-2", "Placed", new Placed("fail"))).join();

			await().atMost(TIMEOUT).until(() -> handlers.stages.containsKey("order-1"));
			// the second event of order-1 waits in the lane while the first one's future is open
			await().during(Duration.ofMillis(200)).atMost(TIMEOUT)
				.until(() -> !handlers.started.contains("order-1-again"));
			handlers.stages.get("order-1").complete("done");
			await().atMost(TIMEOUT).until(() -> handlers.started.contains("order-1-again"));

			await().atMost(TIMEOUT).untilAsserted(() -> assertThat(dead).hasSize(1));
			assertThat(dead.get(0).attempts()).isEqualTo(2);
			assertThat(dead.get(0).exceptionClass()).isEqualTo(IllegalStateException.class.getName());
			assertThat(dead.get(0).exceptionMessage()).isEqualTo("declined fail");
			assertThat(handlers.started).filteredOn((id) -> id.startsWith("order-1"))
				.containsExactly("order-1", "order-1-again");
			assertThat(handlers.started).filteredOn("fail"::equals).hasSize(2);
		});
	}

	private static EventHandlerMethod method(String name) {
		Method target = find(name);
		return EventHandlerMethod.of("unit", target, target.getAnnotation(EventHandler.class), new EventBusProperties(),
				"orders-service");
	}

	private static Method find(String name) {
		for (Method method : Unit.class.getDeclaredMethods()) {
			if (method.getName().equals(name)) {
				return method;
			}
		}
		throw new IllegalArgumentException(name);
	}

	record Placed(String orderId) {
	}

	static class Unit {

		volatile CompletableFuture<String> last;

		@EventHandler("async-orders")
		CompletableFuture<String> returnsCompletableFuture(Placed event) {
			this.last = new CompletableFuture<>();
			return this.last;
		}

		@EventHandler("async-orders")
		CompletionStage<Void> returnsCompletionStage(Placed event, EventContext context) {
			return CompletableFuture.completedFuture(null);
		}

		@EventHandler("async-orders")
		void returnsVoid(Placed event) {
		}

		@EventHandler("async-orders")
		Future<String> returnsPlainFuture(Placed event) {
			return new FutureTask<>(() -> "never run");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class AsyncHandlers {

		final List<String> started = new CopyOnWriteArrayList<>();

		final Map<String, CompletableFuture<String>> stages = new ConcurrentHashMap<>();

		@EventHandler(topics = "async-orders", maxAttempts = 2, initialBackoff = "20ms", maxBackoff = "20ms")
		CompletableFuture<String> on(Placed event) {
			this.started.add(event.orderId());
			if (event.orderId().equals("fail")) {
				return CompletableFuture.supplyAsync(() -> {
					throw new IllegalStateException("declined " + event.orderId());
				}, CompletableFuture.delayedExecutor(10, TimeUnit.MILLISECONDS));
			}
			if (event.orderId().equals("order-1")) {
				return this.stages.computeIfAbsent("order-1", (key) -> new CompletableFuture<>());
			}
			return CompletableFuture.completedFuture("done");
		}

	}

}

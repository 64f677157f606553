package dev.eventbus.reliability;

import dev.eventbus.test.broker.NatsServerProcess;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.eventbus.core.api.CircuitBreakerOpenException;
import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.api.EventBusException;
import dev.eventbus.core.api.InvalidEnvelopeException;
import dev.eventbus.core.api.PublishReceipt;
import dev.eventbus.core.api.SerializationException;
import dev.eventbus.core.metrics.EventBusObserver;
import dev.eventbus.core.resilience.CircuitBreakerEventBus;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scenario 2, publish side: with the broker process killed, publishes through the publish circuit
 * breaker fail, the breaker opens and then refuses at once with a {@link CircuitBreakerOpenException};
 * after the broker restarts on the same data, trial publishes succeed and the breaker closes. Every
 * publish gets an outcome.
 */
class PublishCircuitBreakerTests {

	@TempDir
	Path dir;

	@ParameterizedTest
	@ValueSource(strings = { "kafka", "nats" })
	void breakerOpensWhileTheBrokerIsDownAndClosesAfterItRestarts(String transport) throws Exception {
		Assumptions.assumeTrue(transport.equals("kafka") || NatsServerProcess.installed(), "nats-server is not installed");
		try (Scenario scenario = new Scenario("publish-breaker", transport, this.dir, 2)) {
			Map<String, String> bounds = transport.equals("kafka")
					? Map.of("maxBlockMs", "1000", "requestTimeoutMs", "1500", "deliveryTimeoutMs", "3000")
					: Map.of("maxBlockMs", "1000", "ackTimeoutMs", "2000");
			CircuitBreaker breaker = CircuitBreaker.of("reliability-publish", CircuitBreakerConfig.custom()
				.slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
				.slidingWindowSize(10)
				.minimumNumberOfCalls(5)
				.failureRateThreshold(50)
				.waitDurationInOpenState(Duration.ofSeconds(3))
				.permittedNumberOfCallsInHalfOpenState(2)
				.ignoreExceptions(InvalidEnvelopeException.class, SerializationException.class)
				.build());
			List<String> transitions = new CopyOnWriteArrayList<>();
			breaker.getEventPublisher().onStateTransition((event) -> transitions.add(event.getStateTransition().name()));
			EventBus bus = CircuitBreakerEventBus.decorate(scenario.extraBus(bounds), breaker, EventBusObserver.NOOP);
			List<CompletableFuture<PublishReceipt>> all = new ArrayList<>();

			for (int i = 0; i < 10; i++) {
				all.add(publish(bus, scenario.topic(), i));
			}
			CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
			assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);

			if (transport.equals("kafka")) {
				scenario.kafka().kill();
			}
			else {
				scenario.nats().kill();
			}
			await("breaker opens while the broker is down").atMost(Duration.ofSeconds(60))
				.pollInterval(Duration.ofMillis(500))
				.until(() -> {
					for (int i = 0; i < 5; i++) {
						all.add(publish(bus, scenario.topic(), 100 + i));
					}
					return breaker.getState() == CircuitBreaker.State.OPEN;
				});
			CompletableFuture<PublishReceipt> refusal = publish(bus, scenario.topic(), 999);
			assertThat(refusal).as("an open breaker refuses at once, without calling the broker").isDone();
			Throwable refused = outcome(refusal);
			assertThat(refused).isInstanceOf(CircuitBreakerOpenException.class);
			assertThat(refused.getMessage()).contains(scenario.topic());

			if (transport.equals("kafka")) {
				scenario.kafka().start();
			}
			else {
				scenario.nats().start();
			}
			await("breaker closes after the broker restarts").atMost(Duration.ofSeconds(90))
				.pollInterval(Duration.ofMillis(500))
				.until(() -> {
					CompletableFuture<PublishReceipt> trial = publish(bus, scenario.topic(), 1000);
					all.add(trial);
					outcome(trial);
					return breaker.getState() == CircuitBreaker.State.CLOSED;
				});

			// No publish vanished: every future completed, successfully or with an EventBusException.
			for (CompletableFuture<PublishReceipt> future : all) {
				Throwable error = outcome(future);
				if (error != null) {
					assertThat(error).isInstanceOf(EventBusException.class);
					assertThat(error.getMessage()).isNotBlank();
				}
			}
			assertThat(transitions).contains("CLOSED_TO_OPEN", "OPEN_TO_HALF_OPEN", "HALF_OPEN_TO_CLOSED");
			System.out.println(transport + " breaker transitions: " + transitions + "; open refusal: " + refused.getMessage());
		}
	}

	private static CompletableFuture<PublishReceipt> publish(EventBus bus, String topic, int seq) {
		try {
			return bus.publish(topic, Envelope.of("k-" + (seq % 7), ReliabilityEvent.TYPE,
					new ReliabilityEvent("k-" + (seq % 7), seq, System.currentTimeMillis(), "")));
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	/** @return null on success, the failure otherwise; waits at most 30 s */
	private static Throwable outcome(CompletableFuture<PublishReceipt> future) throws Exception {
		try {
			future.get(30, TimeUnit.SECONDS);
			return null;
		}
		catch (ExecutionException ex) {
			return ex.getCause();
		}
	}

}

package dev.eventbus.reliability;

import dev.eventbus.test.broker.NatsServerProcess;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.eventbus.autoconfigure.EventBusAutoConfiguration;
import dev.eventbus.autoconfigure.PublishCircuitBreaker;
import dev.eventbus.autoconfigure.health.EventBusHealthAutoConfiguration;
import dev.eventbus.autoconfigure.health.EventBusHealthIndicator;
import dev.eventbus.autoconfigure.kafka.EventBusKafkaAutoConfiguration;
import dev.eventbus.autoconfigure.nats.EventBusNatsAutoConfiguration;
import dev.eventbus.core.api.CircuitBreakerOpenException;
import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.api.EventBusException;
import dev.eventbus.core.api.PublishReceipt;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scenario 2, application side, with the starter's beans: while the broker process is SIGKILLed the
 * {@code eventbus} health indicator goes DOWN and the publish circuit breaker opens (publishes are
 * refused at once with {@link CircuitBreakerOpenException}); after the broker restarts on its data,
 * health is UP again and trial publishes close the breaker.
 */
class BrokerOutageHealthTests {

	@TempDir
	Path dir;

	@ParameterizedTest
	@ValueSource(strings = { "kafka", "nats" })
	void healthGoesDownAndBreakerOpensDuringTheOutageAndBothRecoverAfterTheRestart(String transport) {
		Assumptions.assumeTrue(transport.equals("kafka") || NatsServerProcess.installed(), "nats-server is not installed");
		try (Scenario scenario = new Scenario("outage-health", transport, this.dir, 2)) {
			ApplicationContextRunner runner = new ApplicationContextRunner()
				.withConfiguration(AutoConfigurations.of(EventBusAutoConfiguration.class,
						EventBusKafkaAutoConfiguration.class, EventBusNatsAutoConfiguration.class,
						EventBusHealthAutoConfiguration.class))
				.withPropertyValues("spring.application.name=reliability", "eventbus.transport=" + transport,
						"eventbus.executor.workers=2", "eventbus.health.timeout=1s",
						"eventbus.publish.circuit-breaker.sliding-window-size=10",
						"eventbus.publish.circuit-breaker.minimum-number-of-calls=5",
						"eventbus.publish.circuit-breaker.wait-in-open-state=3s",
						"eventbus.publish.circuit-breaker.permitted-calls-in-half-open-state=2",
						"eventbus.kafka.bootstrap-servers=" + (transport.equals("kafka") ? scenario.servers() : "127.0.0.1:1"),
						"eventbus.kafka.producer.max-block=1s", "eventbus.kafka.producer.request-timeout=1500ms",
						"eventbus.kafka.producer.delivery-timeout=3s",
						"eventbus.nats.servers=" + (transport.equals("nats") ? scenario.servers() : "nats://127.0.0.1:1"),
						"eventbus.nats.reconnect-wait=500ms", "eventbus.nats.publish.ack-timeout=2s");
			runner.run((context) -> {
				assertThat(context).hasNotFailed();
				EventBus bus = context.getBean(EventBus.class);
				EventBusHealthIndicator health = context.getBean("eventbusHealthIndicator", EventBusHealthIndicator.class);
				CircuitBreaker breaker = context.getBean(PublishCircuitBreaker.class).circuitBreaker();
				List<CompletableFuture<PublishReceipt>> all = new ArrayList<>();
				all.add(publish(bus, scenario.topic(), 0));
				outcome(all.get(0));
				assertThat(health.health().getStatus()).isEqualTo(Status.UP);

				kill(scenario, transport);
				await("health DOWN while the broker is down").atMost(Duration.ofSeconds(30))
					.until(() -> health.health().getStatus().equals(Status.DOWN));
				await("breaker opens while the broker is down").atMost(Duration.ofSeconds(60))
					.pollInterval(Duration.ofMillis(500))
					.until(() -> {
						for (int i = 0; i < 5; i++) {
							all.add(publish(bus, scenario.topic(), i));
						}
						return breaker.getState() == CircuitBreaker.State.OPEN;
					});
				CompletableFuture<PublishReceipt> refusal = publish(bus, scenario.topic(), 99);
				assertThat(refusal).as("an open breaker refuses at once").isDone();
				assertThat(outcome(refusal)).isInstanceOf(CircuitBreakerOpenException.class);
				assertThat(health.health().getDetails()).containsKey("circuitBreaker");

				restart(scenario, transport);
				await("health UP after the restart").atMost(Duration.ofSeconds(60))
					.until(() -> health.health().getStatus().equals(Status.UP));
				await("breaker closes after the restart").atMost(Duration.ofSeconds(90))
					.pollInterval(Duration.ofMillis(500))
					.until(() -> {
						CompletableFuture<PublishReceipt> trial = publish(bus, scenario.topic(), 1000);
						all.add(trial);
						outcome(trial);
						return breaker.getState() == CircuitBreaker.State.CLOSED;
					});
				for (CompletableFuture<PublishReceipt> future : all) {
					Throwable error = outcome(future);
					if (error != null) {
						assertThat(error).isInstanceOf(EventBusException.class);
					}
				}
			});
		}
	}

	private static void kill(Scenario scenario, String transport) {
		if (transport.equals("kafka")) {
			scenario.kafka().kill();
		}
		else {
			scenario.nats().kill();
		}
	}

	private static void restart(Scenario scenario, String transport) {
		if (transport.equals("kafka")) {
			scenario.kafka().start();
		}
		else {
			scenario.nats().start();
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

package dev.eventbus.reliability;

import dev.eventbus.test.broker.NatsServerProcess;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.eventbus.core.api.EventBusException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scenario 2: the broker process (Kafka broker, nats-server) is killed with SIGKILL mid-stream and
 * restarted on the same log / store dir while a paced producer keeps publishing and a consumer JVM
 * keeps consuming. Every acknowledged publish must be handled; every other publish must have failed
 * with a clear {@link EventBusException} (none may vanish).
 */
class BrokerKillTests {

	private static final Duration OUTAGE = Duration.ofSeconds(4);

	@TempDir
	Path dir;

	@ParameterizedTest
	@ValueSource(strings = { "kafka", "nats" })
	void brokerKilledAndRestartedLosesNoAcknowledgedPublishAndReportsEveryFailedOne(String transport) {
		Assumptions.assumeTrue(transport.equals("kafka") || NatsServerProcess.installed(), "nats-server is not installed");
		int events = Scenario.scaled(6_000);
		int keys = Scenario.scaled(60);
		try (Scenario scenario = new Scenario("broker-kill", transport, this.dir, 6)) {
			ConsumerProcess consumer = scenario.startConsumer("256m", Map.of("workers", "8", "keys", "" + keys));
			// Publishes during the outage wait at most 2 s for room and fail within 10 s when unacknowledged.
			Map<String, String> bounds = transport.equals("kafka")
					? Map.of("maxBlockMs", "2000", "requestTimeoutMs", "3000", "deliveryTimeoutMs", "10000")
					: Map.of("maxBlockMs", "2000", "ackTimeoutMs", "5000");
			LoadProducer producer = scenario.producer(scenario.producerBus(bounds), events, keys, 200,
					Math.max(500, events / 12));
			CompletableFuture<Void> produced = producer.start();

			await("a third acknowledged before the broker is killed").atMost(Scenario.PROGRESS_TIMEOUT)
				.until(() -> producer.acknowledged() >= events / 3);
			if (transport.equals("kafka")) {
				scenario.kafka().kill();
				await("broker stays down").during(OUTAGE).atMost(OUTAGE.plusSeconds(5))
					.until(() -> !scenario.kafka().isAlive());
				scenario.kafka().start();
			}
			else {
				scenario.nats().kill();
				await("server stays down").during(OUTAGE).atMost(OUTAGE.plusSeconds(5))
					.until(() -> !scenario.nats().isAlive());
				scenario.nats().start();
			}

			scenario.awaitProduced(producer, produced);
			Scenario.failIfDead(consumer);
			Verifier.Report report = scenario.awaitAllHandled(producer);
			scenario.record(report, "Broker process SIGKILLed after " + events / 3 + " acknowledged publishes, down for "
					+ OUTAGE.toSeconds() + " s, restarted on the same data; producer paced, consumer JVM kept running.");

			String table = report.toTable(transport);
			assertThat(report.accepted() + report.failedPublishes()).as(table)
				.isEqualTo(scenario.expectedAccepted(producer.sent()));
			assertThat(report.lost()).as(table).isZero();
			assertThat(report.orderViolations()).as(table).isZero();
			assertThat(report.concurrentSameKey()).as(table).isZero();
			for (String exception : report.failuresByException().keySet()) {
				assertThat(EventBusException.class.isAssignableFrom(classNamed(exception)))
					.as("failed publish with %s (%s) is an EventBusException", exception,
							report.failureMessages().get(exception))
					.isTrue();
				assertThat(report.failureMessages().get(exception)).as(exception).isNotBlank();
			}
		}
	}

	private static Class<?> classNamed(String name) {
		try {
			return Class.forName(name);
		}
		catch (ClassNotFoundException ex) {
			return Object.class;
		}
	}

}

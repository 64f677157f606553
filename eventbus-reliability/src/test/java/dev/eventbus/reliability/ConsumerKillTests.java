package dev.eventbus.reliability;

import dev.eventbus.test.broker.NatsServerProcess;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scenario 1: the consumer JVM is killed with SIGKILL mid-stream and started again. Nothing accepted
 * may be lost, per-key order must hold among first deliveries, and duplicates may only come from
 * what was handled but not yet committed when the JVM died. The handler takes 5 ms so that the
 * executor holds a real backlog at the kill (a commit running ahead of the handlers loses events).
 */
class ConsumerKillTests {

	@TempDir
	Path dir;

	/**
	 * Kafka under both consumer group protocols: with {@code consumer} (KIP-848) the broker expires
	 * the dead member after its session (6 s, set on the broker) and assigns its partitions to the
	 * new one.
	 */
	@ParameterizedTest(name = "group.protocol={0}")
	@ValueSource(strings = { "classic", "consumer" })
	void kafkaConsumerKilledMidStreamAndRestartedLosesNothingAndKeepsKeyOrder(String groupProtocol) {
		Verifier.Report report = killAndRestart("kafka", groupProtocol);
		assertThat(report.orderViolations()).as(report.toTable("kafka-" + groupProtocol)).isZero();
	}

	@Test
	void natsConsumerKilledMidStreamAndRestartedLosesNothing() {
		Assumptions.assumeTrue(NatsServerProcess.installed(), "nats-server is not installed");
		killAndRestart("nats", "classic");
	}

	@Test
	void natsConsumerKilledMidStreamAndRestartedKeepsKeyOrder() {
		Assumptions.assumeTrue(NatsServerProcess.installed(), "nats-server is not installed");
		Verifier.Report report = killAndRestart("nats", "classic");
		assertThat(report.orderViolations()).as(report.toTable("nats")).isZero();
	}

	/**
	 * @param groupProtocol Kafka consumer group protocol ({@code classic} or {@code consumer});
	 * {@code classic} for NATS, where it is not used
	 */
	private Verifier.Report killAndRestart(String transport, String groupProtocol) {
		int events = Scenario.scaled(10_000);
		int keys = Scenario.scaled(100);
		try (Scenario scenario = new Scenario("consumer-kill", transport, this.dir, 6, groupProtocol)) {
			ConsumerProcess consumer = scenario.startConsumer("256m",
					Map.of("workers", "8", "keys", "" + keys, "delayMs", "5"));
			LoadProducer producer = scenario.producer(scenario.producerBus(Map.of()), events, keys, 200, 0);
			CompletableFuture<Void> produced = producer.start();

			await("a third of the events handled before the kill").atMost(Scenario.PROGRESS_TIMEOUT).until(() -> {
				Scenario.failIfDead(consumer);
				return scenario.verify().handled() >= events / 3;
			});
			consumer.kill();
			long pidBefore = consumer.pid();
			int handledAtKill = scenario.verify().handled();
			scenario.restart(consumer);
			assertThat(consumer.pid()).isNotEqualTo(pidBefore);
			if (transport.equals("kafka")) {
				scenario.assertGroupType(groupProtocol);
			}

			scenario.awaitProduced(producer, produced);
			Verifier.Report report = scenario.awaitAllHandled(producer);
			scenario.record(report, Scenario.protocolNote(transport, groupProtocol) + "Consumer JVM (8 workers, 5 ms handler) SIGKILLed after " + handledAtKill + " of "
					+ events + " events over " + keys + " keys were handled, then restarted. "
					+ "Duplicates = handled but not yet committed/acked at the kill.");

			String table = report.toTable(transport);
			assertThat(report.accepted()).as(table).isEqualTo(scenario.expectedAccepted(events));
			assertThat(report.lost()).as(table).isZero();
			assertThat(report.concurrentSameKey()).as(table).isZero();
			// Duplicates come only from the un-committed window: at most what one JVM can hold in flight.
			assertThat(report.duplicates()).as(table).isLessThan(events / 2);
			return report;
		}
	}

}

package dev.eventbus.reliability;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scenario 1 of {@link ConsumerKillTests} on Kafka with the consumer group protocol (KIP-848): the
 * consumer JVM is SIGKILLed mid-stream and started again; the broker expires the dead member after
 * its session (6 s, set on the broker) and assigns its partitions to the new one. Nothing accepted
 * may be lost, per-key order holds among first deliveries, duplicates only from the un-committed
 * window.
 */
class ConsumerProtocolKillTests {

	@TempDir
	Path dir;

	@Test
	void kafkaConsumerProtocolConsumerKilledMidStreamAndRestartedLosesNothingAndKeepsKeyOrder() {
		int events = Scenario.scaled(10_000);
		int keys = Scenario.scaled(100);
		try (Scenario scenario = new Scenario("consumer-kill", "kafka", this.dir, 6, "consumer")) {
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

			// the group really runs the consumer protocol
			try (var admin = scenario.kafka().admin()) {
				assertThat(admin.describeConsumerGroups(java.util.List.of("reliability"))
					.all()
					.get(30, java.util.concurrent.TimeUnit.SECONDS)
					.get("reliability")
					.type()).isEqualTo(org.apache.kafka.common.GroupType.CONSUMER);
			}
			catch (Exception ex) {
				throw new IllegalStateException("could not describe the group", ex);
			}

			scenario.awaitProduced(producer, produced);
			Verifier.Report report = scenario.awaitAllHandled(producer);
			scenario.record(report, "Consumer protocol (group.protocol=consumer). Consumer JVM (8 workers, 5 ms "
					+ "handler) SIGKILLed after " + handledAtKill + " of " + events + " events over " + keys
					+ " keys were handled, then restarted. Duplicates = handled but not yet committed at the kill.");

			String table = report.toTable("kafka-consumer-protocol");
			assertThat(report.accepted()).as(table).isEqualTo(scenario.expectedAccepted(events));
			assertThat(report.lost()).as(table).isZero();
			assertThat(report.concurrentSameKey()).as(table).isZero();
			assertThat(report.orderViolations()).as(table).isZero();
			assertThat(report.duplicates()).as(table).isLessThan(events / 2);
		}
	}

}

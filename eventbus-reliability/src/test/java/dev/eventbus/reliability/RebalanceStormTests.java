package dev.eventbus.reliability;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scenario 3 (Kafka): three consumer JVMs in one group; every few seconds one is killed with SIGKILL
 * or a dead one is started again, while a paced producer publishes. Nothing may be lost, no key may
 * be in progress in two JVMs at once, and per-key order must hold. Run under both consumer group
 * protocols: with {@code consumer} (KIP-848) the broker expires killed members after its 6 s
 * session and hands their partitions over incrementally.
 */
class RebalanceStormTests {

	private static final Duration STEP = Duration.ofSeconds(4);

	@TempDir
	Path dir;

	@ParameterizedTest(name = "group.protocol={0}")
	@ValueSource(strings = { "classic", "consumer" })
	void consumersKilledAndStartedEveryFewSecondsLoseNothingAndNeverShareAKey(String groupProtocol) {
		int events = Scenario.scaled(8_000);
		int keys = Scenario.scaled(80);
		Duration storm = Duration.ofSeconds(Long.getLong("reliability.storm-s", 24));
		try (Scenario scenario = new Scenario("rebalance-storm", "kafka", this.dir, 12, groupProtocol)) {
			Map<String, String> settings = Map.of("workers", "4", "keys", "" + keys, "delayMs", "1",
					"revocationTimeoutMs", "5000");
			List<ConsumerProcess> consumers = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				consumers.add(scenario.startConsumer("256m", settings));
			}
			int perSecond = (int) Math.max(100, events / Math.max(1, storm.toSeconds()));
			LoadProducer producer = scenario.producer(scenario.producerBus(Map.of()), events, keys, 200, perSecond);
			CompletableFuture<Void> produced = producer.start();

			long end = System.nanoTime() + storm.toNanos();
			int step = 0;
			List<String> actions = new ArrayList<>();
			while (System.nanoTime() < end) {
				long next = System.nanoTime() + STEP.toNanos();
				await("storm step").atMost(STEP.plusSeconds(5)).until(() -> {
					for (ConsumerProcess consumer : consumers) {
						if (consumer.exitCode() != null && consumer.exitCode() != 137) {
							throw new AssertionError(consumer + " died on its own (exit " + consumer.exitCode() + "):\n"
									+ consumer.tail());
						}
					}
					return System.nanoTime() >= next;
				});
				ConsumerProcess target = consumers.get(step % consumers.size());
				if (target.isAlive() && consumers.stream().filter(ConsumerProcess::isAlive).count() > 1) {
					target.kill();
					actions.add("kill " + target);
				}
				else if (!target.isAlive()) {
					scenario.restart(target);
					actions.add("start " + target);
				}
				step++;
			}
			for (ConsumerProcess consumer : consumers) {
				if (!consumer.isAlive()) {
					scenario.restart(consumer);
				}
			}
			scenario.assertGroupType(groupProtocol);
			scenario.awaitProduced(producer, produced);
			Verifier.Report report = scenario.awaitAllHandled(producer);
			scenario.record(report, Scenario.protocolNote("kafka", groupProtocol) + "Three consumer JVMs in one group, one SIGKILLed or restarted every "
					+ STEP.toSeconds() + " s for " + storm.toSeconds() + " s: " + actions);

			String table = report.toTable("rebalance-storm-" + groupProtocol);
			assertThat(actions).as("the storm killed and restarted consumers").anyMatch((a) -> a.startsWith("kill"))
				.anyMatch((a) -> a.startsWith("start"));
			assertThat(report.accepted()).as(table).isEqualTo(scenario.expectedAccepted(events));
			assertThat(report.lost()).as(table).isZero();
			assertThat(report.concurrentSameKey()).as(table).isZero();
			assertThat(report.orderViolations()).as(table).isZero();
		}
	}

}

package dev.eventbus.reliability;

import dev.eventbus.test.broker.NatsServerProcess;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario 4: some handler calls take longer than Kafka's {@code max.poll.interval.ms} or
 * JetStream's ack wait. The bus must keep its group membership (Kafka) and extend the ack deadline
 * (NATS): no event is redelivered, none is handled twice at once, none is lost, nothing stalls.
 */
class SlowHandlerTests {

	@TempDir
	Path dir;

	@ParameterizedTest
	@ValueSource(strings = { "kafka", "nats" })
	void handlerSlowerThanPollIntervalOrAckWaitCausesNoRedeliveryNoStallNoLoss(String transport) {
		Assumptions.assumeTrue(transport.equals("kafka") || NatsServerProcess.installed(), "nats-server is not installed");
		int events = Scenario.scaled(600);
		int keys = Scenario.scaled(20);
		try (Scenario scenario = new Scenario("slow-handler", transport, this.dir, 4)) {
			// Every 61st event takes 4.5 s: longer than the 3 s poll interval / ack wait configured here.
			Map<String, String> settings = transport.equals("kafka")
					? Map.of("workers", "8", "keys", "" + keys, "slowEvery", "61", "slowMs", "4500", "maxPollIntervalMs",
							"3000", "revocationTimeoutMs", "2000")
					: Map.of("workers", "8", "keys", "" + keys, "slowEvery", "61", "slowMs", "4500", "ackWaitMs", "3000");
			ConsumerProcess consumer = scenario.startConsumer("256m", settings);
			LoadProducer producer = scenario.producer(scenario.producerBus(Map.of()), events, keys, 200, 0);
			CompletableFuture<Void> produced = producer.start();
			scenario.awaitProduced(producer, produced);
			Verifier.Report report = scenario.awaitAllHandled(producer);
			Scenario.failIfDead(consumer);
			scenario.record(report, "Every 61st event's handler takes 4.5 s against a 3 s "
					+ (transport.equals("kafka") ? "max.poll.interval.ms" : "ack wait") + "; one consumer JVM.");

			String table = report.toTable(transport);
			assertThat(report.accepted()).as(table).isEqualTo(scenario.expectedAccepted(events));
			assertThat(report.lost()).as(table).isZero();
			assertThat(report.duplicates()).as(table).isZero();
			assertThat(report.concurrentSameKey()).as(table).isZero();
			assertThat(report.orderViolations()).as(table).isZero();
			assertThat(report.maxLatencyMillis()).as(table).isGreaterThanOrEqualTo(4500);
		}
	}

}

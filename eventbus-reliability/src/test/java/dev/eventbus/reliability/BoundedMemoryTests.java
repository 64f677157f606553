package dev.eventbus.reliability;

import dev.eventbus.test.broker.NatsServerProcess;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario 6: a backlog published before any consumer runs is consumed by a consumer JVM started
 * with {@code -Xmx256m} and {@code -XX:+ExitOnOutOfMemoryError}. It must finish without running out
 * of memory (the bus bounds what it fetches ahead), losing nothing, with live threads at most
 * workers + 16.
 */
class BoundedMemoryTests {

	private static final int WORKERS = 8;

	@TempDir
	Path dir;

	@Test
	void kafkaBacklogIsConsumedWithin256MegabytesOfHeapAndWorkersPlus16Threads() {
		Result result = consumeBacklog("kafka");
		assertThat(result.report().maxLiveThreads()).as(result.explanation()).isPositive()
			.isLessThanOrEqualTo(WORKERS + 16);
	}

	@Test
	void natsBacklogIsConsumedWithin256MegabytesOfHeap() {
		Assumptions.assumeTrue(NatsServerProcess.installed(), "nats-server is not installed");
		consumeBacklog("nats");
	}

	@Test
	void natsBacklogIsConsumedWithWorkersPlus16Threads() {
		Assumptions.assumeTrue(NatsServerProcess.installed(), "nats-server is not installed");
		Result result = consumeBacklog("nats");
		assertThat(result.report().maxLiveThreads()).as(result.explanation()).isPositive()
			.isLessThanOrEqualTo(WORKERS + 16);
	}

	private Result consumeBacklog(String transport) {
		int events = Scenario.scaled(50_000);
		int keys = Scenario.scaled(500);
		try (Scenario scenario = new Scenario("bounded-memory", transport, this.dir, 6)) {
			LoadProducer producer = scenario.producer(scenario.producerBus(Map.of()), events, keys, 512, 0);
			scenario.awaitProduced(producer, producer.start());
			assertThat(producer.acknowledged()).as(producer.toString()).isEqualTo(events);

			ConsumerProcess consumer = scenario.startConsumer("256m",
					Map.of("workers", "" + WORKERS, "keys", "" + keys, "sampleMs", "200"));
			Verifier.Report report = scenario.awaitAllHandled(producer);
			Scenario.failIfDead(consumer);
			scenario.record(report, events + " events (512-byte payloads) published before the consumer JVM started with "
					+ "-Xmx256m, -XX:+ExitOnOutOfMemoryError and " + WORKERS + " workers.");

			String table = report.toTable(transport);
			assertThat(report.lost()).as(table).isZero();
			assertThat(report.orderViolations()).as(table).isZero();
			assertThat(report.maxHeapUsedBytes()).as(table).isPositive();
			return new Result(report, table + "\nconsumer output:\n" + consumer.tail());
		}
	}

	private record Result(Verifier.Report report, String explanation) {
	}

}

package dev.eventbus.sample.load;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The verifier's per-key accounting, without a broker. */
class LoadVerifierRunTests {

	private static LoadEvent event(String key, long seq, long sentAtMicros) {
		return new LoadEvent("run-1", key, seq, sentAtMicros, "");
	}

	@Test
	void eventsOfOneKeyInOrderCountAsFirstDeliveriesWithoutViolation() {
		LoadVerifier.Run run = new LoadVerifier.Run("run-1", 10);
		run.record(event("a", 0, 1_000), 3_000);
		run.record(event("b", 0, 1_000), 2_000);
		run.record(event("a", 1, 1_000), 5_000);
		assertThat(run.firstDeliveries.get()).isEqualTo(3);
		assertThat(run.duplicates.sum()).isZero();
		assertThat(run.violations.sum()).isZero();
		assertThat(run.lastHandledMicros.get()).isEqualTo(5_000);
		assertThat(run.latencies).startsWith(2_000, 1_000, 4_000);
	}

	@Test
	void anEarlierSequenceArrivingAfterALaterOneOfTheSameKeyIsAnOrderViolation() {
		LoadVerifier.Run run = new LoadVerifier.Run("run-1", 10);
		run.record(event("a", 0, 0), 1);
		run.record(event("a", 2, 0), 1);
		run.record(event("a", 1, 0), 1);
		// Another key's order is independent.
		run.record(event("b", 0, 0), 1);
		assertThat(run.violations.sum()).isEqualTo(1);
		assertThat(run.firstDeliveries.get()).isEqualTo(4);
	}

	@Test
	void aRedeliveryIsADuplicateNotAViolationNorASecondHandledEvent() {
		LoadVerifier.Run run = new LoadVerifier.Run("run-1", 10);
		run.record(event("a", 0, 0), 1);
		run.record(event("a", 1, 0), 1);
		run.record(event("a", 0, 0), 1);
		run.record(event("a", 1, 0), 1);
		assertThat(run.duplicates.sum()).isEqualTo(2);
		assertThat(run.violations.sum()).isZero();
		assertThat(run.firstDeliveries.get()).isEqualTo(2);
		assertThat(run.deliveries.sum()).isEqualTo(4);
	}

	@Test
	void latencyPercentilesAreTakenFromTheRecordedFirstDeliveries() {
		long[] micros = new long[200];
		for (int i = 0; i < 100; i++) {
			micros[i] = (100 - i) * 1_000L;
		}
		LoadReport.Latency latency = LoadReport.Latency.of(micros, 100);
		assertThat(latency.p50()).isEqualTo(50.0);
		assertThat(latency.p95()).isEqualTo(95.0);
		assertThat(latency.p99()).isEqualTo(99.0);
		assertThat(latency.max()).isEqualTo(100.0);
		assertThat(LoadReport.Latency.of(micros, 0).max()).isZero();
	}

	@Test
	void settingsOutOfRangeAreRejectedNamingTheProperty() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new LoadSettings(0, 10, 100, 0, Duration.ofSeconds(1)))
			.withMessageContaining("eventbus.sample.load.events");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new LoadSettings(10, 0, 100, 0, Duration.ofSeconds(1)))
			.withMessageContaining("eventbus.sample.load.keys");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new LoadSettings(10, 10, -1, 0, Duration.ofSeconds(1)))
			.withMessageContaining("eventbus.sample.load.payload-bytes");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new LoadSettings(10, 10, 100, -5, Duration.ofSeconds(1)))
			.withMessageContaining("eventbus.sample.load.rate");
	}

}

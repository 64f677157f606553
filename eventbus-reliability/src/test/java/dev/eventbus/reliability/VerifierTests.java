package dev.eventbus.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class VerifierTests {

	@TempDir
	Path dir;

	private Path producer;

	private Journal producerJournal() {
		this.producer = this.dir.resolve("producer.journal");
		return new Journal(this.producer);
	}

	private static void handled(Journal journal, String id, String key, long seq, long start, long end, long pid) {
		journal.append("H", id, key, seq, 1_000L, start, end, pid, 1);
	}

	@Test
	void cleanRunHasNothingLostDuplicatedOrReordered() {
		try (Journal producer = producerJournal(); Journal consumer = new Journal(this.dir.resolve("c.journal"))) {
			for (int seq = 0; seq < 3; seq++) {
				producer.append("A", "e" + seq, "k-0", seq);
				handled(consumer, "e" + seq, "k-0", seq, 2_000_000L + seq * 10, 2_000_000L + seq * 10 + 5, 1);
			}
		}
		Verifier.Report report = Verifier.verify(List.of(this.producer), List.of(this.dir.resolve("c.journal")));
		assertThat(report.accepted()).isEqualTo(3);
		assertThat(report.handled()).isEqualTo(3);
		assertThat(report.clean()).isTrue();
		assertThat(report.duplicates()).isZero();
		assertThat(report.maxLatencyMillis()).isEqualTo(1_000L);
	}

	@Test
	void acceptedEventThatNoConsumerHandledIsLost() {
		try (Journal producer = producerJournal(); Journal consumer = new Journal(this.dir.resolve("c.journal"))) {
			producer.append("A", "e0", "k-0", 0);
			producer.append("A", "e1", "k-0", 1);
			handled(consumer, "e0", "k-0", 0, 10, 20, 1);
		}
		Verifier.Report report = Verifier.verify(List.of(this.producer), List.of(this.dir.resolve("c.journal")));
		assertThat(report.lost()).isEqualTo(1);
		assertThat(report.lostSamples()).containsExactly("e1");
		assertThat(report.clean()).isFalse();
		assertThat(report.toTable("lost")).contains("| lost | 1 |", "lost: e1");
	}

	@Test
	void redeliveryAfterRestartIsADuplicateButNotAnOrderViolation() {
		try (Journal producer = producerJournal(); Journal first = new Journal(this.dir.resolve("a.journal"));
				Journal second = new Journal(this.dir.resolve("b.journal"))) {
			for (int seq = 0; seq < 3; seq++) {
				producer.append("A", "e" + seq, "k-0", seq);
			}
			handled(first, "e0", "k-0", 0, 10, 20, 1);
			handled(first, "e1", "k-0", 1, 30, 40, 1);
			// pid 1 was killed before committing e1: pid 2 handles it again, then e2
			handled(second, "e1", "k-0", 1, 100, 110, 2);
			handled(second, "e2", "k-0", 2, 120, 130, 2);
		}
		Verifier.Report report = Verifier.verify(List.of(this.producer),
				List.of(this.dir.resolve("a.journal"), this.dir.resolve("b.journal")));
		assertThat(report.duplicates()).isEqualTo(1);
		assertThat(report.deliveries()).isEqualTo(4);
		assertThat(report.clean()).isTrue();
	}

	@Test
	void laterSequenceHandledFirstIsAnOrderViolation() {
		try (Journal producer = producerJournal(); Journal consumer = new Journal(this.dir.resolve("c.journal"))) {
			producer.append("A", "e0", "k-0", 0);
			producer.append("A", "e1", "k-0", 1);
			handled(consumer, "e1", "k-0", 1, 10, 20, 1);
			handled(consumer, "e0", "k-0", 0, 30, 40, 1);
		}
		Verifier.Report report = Verifier.verify(List.of(this.producer), List.of(this.dir.resolve("c.journal")));
		assertThat(report.orderViolations()).isEqualTo(1);
		assertThat(report.orderSamples()).singleElement().asString().contains("seq 0 first handled after seq 1");
	}

	@Test
	void sameKeyInProgressInTwoJvmsAtOnceIsReported() {
		try (Journal producer = producerJournal(); Journal first = new Journal(this.dir.resolve("a.journal"));
				Journal second = new Journal(this.dir.resolve("b.journal"))) {
			producer.append("A", "e0", "k-0", 0);
			producer.append("A", "e1", "k-0", 1);
			handled(first, "e0", "k-0", 0, 10, 50, 1);
			handled(second, "e1", "k-0", 1, 40, 60, 2);
		}
		Verifier.Report report = Verifier.verify(List.of(this.producer),
				List.of(this.dir.resolve("a.journal"), this.dir.resolve("b.journal")));
		assertThat(report.concurrentSameKey()).isEqualTo(1);
		assertThat(report.clean()).isFalse();
	}

	@Test
	void failedPublishesAreCountedPerExceptionAndAreNotLost() {
		try (Journal producer = producerJournal()) {
			producer.append("F", "e0", "k-0", 0, "dev.eventbus.core.api.PublishTimeoutException", "no ack within 5s");
			producer.append("F", "e1", "k-0", 1, "dev.eventbus.core.api.PublishTimeoutException", "no ack within 5s");
		}
		Verifier.Report report = Verifier.verify(List.of(this.producer), List.of());
		assertThat(report.failedPublishes()).isEqualTo(2);
		assertThat(report.failuresByException()).containsEntry("dev.eventbus.core.api.PublishTimeoutException", 2);
		assertThat(report.lost()).isZero();
	}

	@Test
	void lineStillBeingWrittenIsLeftOutAndResourceSamplesAreRead() throws IOException {
		Path consumer = this.dir.resolve("c.journal");
		try (Journal producer = producerJournal(); Journal journal = new Journal(consumer)) {
			producer.append("A", "e0", "k-0", 0);
			handled(journal, "e0", "k-0", 0, 10, 20, 1);
			journal.append("T", 5, 1, 42, 1024 * 1024 * 3);
		}
		Files.writeString(consumer, "H,e1,k-0,1,1000,30", java.nio.file.StandardOpenOption.APPEND);
		Verifier.Report report = Verifier.verify(List.of(this.producer), List.of(consumer));
		assertThat(report.deliveries()).isEqualTo(1);
		assertThat(report.maxLiveThreads()).isEqualTo(42);
		assertThat(report.maxHeapUsedBytes()).isEqualTo(3L * 1024 * 1024);
	}

}

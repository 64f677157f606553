package dev.eventbus.core.kafka;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PartitionTrackerTest {

	private final PartitionTracker tracker = new PartitionTracker(new TopicPartition("orders", 0));

	@Test
	void commitPointMovesOnlyOverContiguousFinishedOffsets() {
		PartitionTracker.Entry first = this.tracker.dispatched(10);
		PartitionTracker.Entry second = this.tracker.dispatched(11);
		PartitionTracker.Entry third = this.tracker.dispatched(12);
		this.tracker.finished(third);
		this.tracker.finished(second);
		assertThat(this.tracker.commitPoint()).isEqualTo(-1);
		this.tracker.finished(first);
		assertThat(this.tracker.commitPoint()).isEqualTo(13);
	}

	@Test
	void gapsBetweenOffsetsDoNotHoldTheCommitPoint() {
		PartitionTracker.Entry first = this.tracker.dispatched(5);
		PartitionTracker.Entry afterMarker = this.tracker.dispatched(8);
		this.tracker.finished(first);
		assertThat(this.tracker.commitPoint()).isEqualTo(6);
		this.tracker.finished(afterMarker);
		assertThat(this.tracker.commitPoint()).isEqualTo(9);
	}

	@Test
	void cancelledRecordStopsTheCommitPointButCountsAsSettled() {
		PartitionTracker.Entry cancelled = this.tracker.dispatched(1);
		PartitionTracker.Entry finished = this.tracker.dispatched(2);
		this.tracker.cancelled(cancelled);
		this.tracker.finished(finished);
		assertThat(this.tracker.commitPoint()).isEqualTo(-1);
		assertThat(this.tracker.unsettled()).isZero();
	}

	@Test
	void commitPointIsReportedOnceUntilItMovesAgain() {
		PartitionTracker.Entry first = this.tracker.dispatched(0);
		this.tracker.finished(first);
		assertThat(this.tracker.commitPoint()).isEqualTo(1);
		this.tracker.markCommitted(1);
		assertThat(this.tracker.commitPoint()).isEqualTo(-1);
		this.tracker.finished(this.tracker.dispatched(1));
		assertThat(this.tracker.commitPoint()).isEqualTo(2);
	}

	@Test
	void refusedRecordIsForgottenSoTheCommitPointCanPassIt() {
		PartitionTracker.Entry first = this.tracker.dispatched(0);
		PartitionTracker.Entry refused = this.tracker.dispatched(1);
		this.tracker.cancelled(refused);
		this.tracker.forgetLast(refused);
		this.tracker.finished(first);
		assertThat(this.tracker.commitPoint()).isEqualTo(1);
		this.tracker.finished(this.tracker.dispatched(1));
		assertThat(this.tracker.commitPoint()).isEqualTo(2);
	}

	@Test
	void awaitSettledTimesOutWhileWorkRunsAndReturnsOnceItFinished() throws Exception {
		PartitionTracker.Entry running = this.tracker.dispatched(0);
		assertThat(this.tracker.awaitSettled(20)).isFalse();
		CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> {
			try {
				return this.tracker.awaitSettled(10_000);
			}
			catch (InterruptedException ex) {
				return false;
			}
		});
		this.tracker.finished(running);
		assertThat(waiting.get()).isTrue();
	}

	@Test
	void workersFinishingAtOnceMoveTheCommitPointOverEveryOffset() throws Exception {
		int records = 20_000;
		List<PartitionTracker.Entry> entries = new ArrayList<>();
		for (int offset = 0; offset < records; offset++) {
			entries.add(this.tracker.dispatched(offset));
		}
		Collections.shuffle(entries);
		int threads = 8;
		List<Thread> finishing = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			List<PartitionTracker.Entry> share = entries.subList(t * records / threads, (t + 1) * records / threads);
			Thread worker = new Thread(() -> share.forEach(this.tracker::finished), "finisher-" + t);
			finishing.add(worker);
			worker.start();
		}
		assertThat(this.tracker.awaitSettled(60_000)).isTrue();
		for (Thread worker : finishing) {
			worker.join(TimeUnit.SECONDS.toMillis(60));
		}
		assertThat(this.tracker.unsettled()).isZero();
		assertThat(this.tracker.commitPoint()).isEqualTo(records);
		this.tracker.finished(entries.get(0));
		assertThat(this.tracker.unsettled()).as("an entry finished twice is settled once").isZero();
	}

}

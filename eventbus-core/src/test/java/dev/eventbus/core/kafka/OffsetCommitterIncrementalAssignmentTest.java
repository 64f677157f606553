package dev.eventbus.core.kafka;

import java.util.List;

import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The committer's bookkeeping under incremental rebalance callbacks (the consumer group protocol
 * calls them with part of the partitions, several times). The consumer is Kafka's in-memory
 * {@link MockConsumer}: these callbacks only touch the tracker map, the broker paths are covered by
 * the rebalance tests in eventbus-test.
 */
class OffsetCommitterIncrementalAssignmentTest {

	private static final TopicPartition P0 = new TopicPartition("t", 0);

	private static final TopicPartition P1 = new TopicPartition("t", 1);

	private static final TopicPartition P2 = new TopicPartition("t", 2);

	private final OffsetCommitter committer = new OffsetCommitter("s", new MockConsumer<>("earliest"),
			KafkaConsumerOptions.defaults());

	@Test
	void aPartitionAssignedAgainKeepsItsTrackerAndItsInFlightWork() {
		this.committer.assigned(List.of(P0, P1));
		PartitionTracker tracker = this.committer.tracker(P0);
		PartitionTracker.Entry running = tracker.dispatched(41);
		this.committer.assigned(List.of(P0, P2));
		assertThat(this.committer.tracker(P0)).isSameAs(tracker);
		assertThat(this.committer.partitions()).containsExactlyInAnyOrder(P0, P1, P2);
		tracker.finished(running);
		assertThat(this.committer.tracker(P0).commitPoint()).isEqualTo(42);
	}

	@Test
	void partialRevocationsForgetOnlyTheRevokedPartitions() {
		this.committer.assigned(List.of(P0, P1, P2));
		PartitionTracker kept = this.committer.tracker(P2);
		kept.dispatched(7);
		this.committer.revoked(List.of(P0));
		this.committer.revoked(List.of(P1));
		assertThat(this.committer.partitions()).containsExactly(P2);
		assertThat(this.committer.tracker(P2)).isSameAs(kept);
		assertThat(kept.revoked).isFalse();
		assertThat(kept.unsettled()).isEqualTo(1);
		assertThat(this.committer.revocations()).isEqualTo(2);
		this.committer.revoked(List.of());
		assertThat(this.committer.revocations()).isEqualTo(2);
	}

}

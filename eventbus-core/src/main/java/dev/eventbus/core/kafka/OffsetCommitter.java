package dev.eventbus.core.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The assigned partitions of one subscription's consumer, each with its {@link PartitionTracker},
 * and their commits: only the highest contiguous finished offset of each partition, asynchronously
 * every {@code commit-interval}, synchronously on revocation and close.
 *
 * <p>On revocation the revoked partitions' trackers are flagged (their queued work is dropped when
 * its turn comes), then this waits up to {@code revocation-timeout} for their running work, commits
 * what finished, and forgets them. Lost partitions are forgotten without a commit.
 *
 * <p>Threads: every method except {@link #tracker} and {@link #partitions} runs on the subscription's
 * poll thread (the rebalance callbacks run inside its {@code poll}), which owns the consumer and
 * {@code nextCommitAt}. The tracker map is concurrent: tests and diagnostics read it, the
 * consumer's async-commit callbacks (poll thread) update the trackers, workers complete entries.
 */
final class OffsetCommitter {

	private static final Logger logger = LoggerFactory.getLogger(OffsetCommitter.class);

	private final String id;

	private final Consumer<String, byte[]> consumer;

	private final KafkaConsumerOptions options;

	private final Map<TopicPartition, PartitionTracker> trackers = new ConcurrentHashMap<>();

	private final AtomicInteger revocations = new AtomicInteger();

	/** Poll thread only. */
	private long nextCommitAt;

	OffsetCommitter(String id, Consumer<String, byte[]> consumer, KafkaConsumerOptions options) {
		this.id = id;
		this.consumer = consumer;
		this.options = options;
	}

	/** Starts the commit-interval clock. */
	void start() {
		this.nextCommitAt = System.nanoTime() + this.options.commitInterval().toNanos();
	}

	/** @return the tracker of an assigned partition, or null when it is not (or no longer) assigned */
	@Nullable PartitionTracker tracker(TopicPartition partition) {
		return this.trackers.get(partition);
	}

	/** @return the assigned partitions (snapshot) */
	Set<TopicPartition> partitions() {
		return Set.copyOf(this.trackers.keySet());
	}

	/** @return non-empty revocations seen so far */
	int revocations() {
		return this.revocations.get();
	}

	/** @return records dispatched and neither finished nor cancelled, over all assigned partitions */
	int unsettled() {
		int sum = 0;
		for (PartitionTracker tracker : this.trackers.values()) {
			sum += tracker.unsettled();
		}
		return sum;
	}

	/** Flags every assigned partition revoked: workers drop their queued work. */
	void revokeAll() {
		this.trackers.values().forEach((tracker) -> tracker.revoked = true);
	}

	/**
	 * Commits every assigned partition synchronously, then forgets them all (close).
	 * @return records left unfinished (delivered again to the next owner)
	 */
	int commitAllAndForget() {
		commitSync(this.trackers.values());
		int left = unsettled();
		this.trackers.clear();
		return left;
	}

	/** Commits asynchronously when the commit interval has passed since the last commit. */
	void commitIfDue() {
		long now = System.nanoTime();
		if (now - this.nextCommitAt < 0) {
			return;
		}
		this.nextCommitAt = now + this.options.commitInterval().toNanos();
		Map<TopicPartition, OffsetAndMetadata> offsets = commitPoints(this.trackers.values());
		if (offsets.isEmpty()) {
			return;
		}
		this.consumer.commitAsync(offsets, (committed, error) -> {
			if (error != null) {
				logger.debug("Async commit of '{}' failed (will be retried with the next commit): {}", this.id,
						error.toString());
				return;
			}
			committed.forEach((partition, offset) -> {
				PartitionTracker tracker = this.trackers.get(partition);
				if (tracker != null) {
					tracker.markCommitted(offset.offset());
				}
			});
		});
	}

	// ---------------------------------------------------------------- rebalance callbacks

	/**
	 * Tracks newly assigned partitions. Assignments arrive incrementally (cooperative assignor, consumer
	 * group protocol), possibly several times; a partition that is still tracked keeps its tracker,
	 * so that its in-flight work is neither forgotten nor committed past.
	 */
	void assigned(Collection<TopicPartition> partitions) {
		for (TopicPartition partition : partitions) {
			this.trackers.computeIfAbsent(partition, PartitionTracker::new);
		}
	}

	/** Stops the revoked partitions' queued work, waits for their running work within a bound, commits. */
	void revoked(Collection<TopicPartition> partitions) {
		if (partitions.isEmpty()) {
			return;
		}
		this.revocations.incrementAndGet();
		List<PartitionTracker> revoked = new ArrayList<>();
		for (TopicPartition partition : partitions) {
			PartitionTracker tracker = this.trackers.remove(partition);
			if (tracker != null) {
				tracker.revoked = true;
				revoked.add(tracker);
			}
		}
		if (!awaitSettled(revoked, this.options.revocationTimeout())) {
			logger.warn("Subscription '{}': work of revoked partitions {} still running after {}; committing "
					+ "what finished", this.id, partitions, this.options.revocationTimeout());
		}
		commitSync(revoked);
	}

	/** Forgets lost partitions without committing: another member may own them already. */
	void lost(Collection<TopicPartition> partitions) {
		for (TopicPartition partition : partitions) {
			PartitionTracker tracker = this.trackers.remove(partition);
			if (tracker != null) {
				tracker.revoked = true;
			}
		}
	}

	// ---------------------------------------------------------------- internals

	private static Map<TopicPartition, OffsetAndMetadata> commitPoints(Collection<PartitionTracker> trackers) {
		Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
		for (PartitionTracker tracker : trackers) {
			long point = tracker.commitPoint();
			if (point >= 0) {
				offsets.put(tracker.partition, new OffsetAndMetadata(point));
			}
		}
		return offsets;
	}

	private void commitSync(Collection<PartitionTracker> trackers) {
		Map<TopicPartition, OffsetAndMetadata> offsets = commitPoints(trackers);
		if (offsets.isEmpty()) {
			return;
		}
		try {
			this.consumer.commitSync(offsets, Duration.ofSeconds(10));
			for (PartitionTracker tracker : trackers) {
				OffsetAndMetadata offset = offsets.get(tracker.partition);
				if (offset != null) {
					tracker.markCommitted(offset.offset());
				}
			}
		}
		catch (WakeupException ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			logger.warn("Commit of {} for '{}' failed; those records will be delivered again: {}", offsets, this.id,
					ex.toString());
		}
	}

	private static boolean awaitSettled(Collection<PartitionTracker> trackers, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		try {
			for (PartitionTracker tracker : trackers) {
				long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
				if (!tracker.awaitSettled(Math.max(0, left))) {
					return false;
				}
			}
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

}

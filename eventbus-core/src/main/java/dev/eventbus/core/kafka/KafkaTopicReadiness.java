package dev.eventbus.core.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Before the first publish to a topic, waits until every partition of it is served by its leader.
 * A burst of idempotent publishes into a topic created a moment earlier (by the bus, an operator or
 * another service) can otherwise meet partitions whose leader is not serving yet: the first batch
 * is refused, the next ones arrive out of sequence, and the producer retries
 * {@code OUT_OF_ORDER_SEQUENCE_NUMBER} until the delivery timeout (on a standalone Kafka 4.2 broker:
 * 420–457 of 20,000 publishes failed after 2 minutes in 3 of 4 bursts; 0 of 20,000 in 5 bursts with
 * this wait). "Served" means the leader answers a list-offsets request, which a leader that is
 * elected but not yet serving refuses; describing the topic alone is not enough.
 *
 * <p>Once per topic and bus: later publishes pay one map lookup. The wait is bounded by
 * {@code max-block}, like every other wait of {@code publish}; past it the publish goes ahead
 * (the producer's own retries and delivery timeout then apply). A topic the cluster does not know
 * is not waited for: the producer then reports it missing, or the broker auto-creates it (that
 * case is not covered: provision topics, {@code kafka.topics.strategy}, which waits the same way).
 *
 * <p>Thread-safe: concurrent first publishes to one topic wait together.
 */
final class KafkaTopicReadiness {

	private static final Logger logger = LoggerFactory.getLogger(KafkaTopicReadiness.class);

	private static final long POLL_MILLIS = 25;

	/** How long a topic the cluster does not know may take to appear (created a moment ago elsewhere). */
	private static final long UNKNOWN_GRACE_MILLIS = 500;

	private final Admin admin;

	private final Duration maxWait;

	private final Set<String> ready = ConcurrentHashMap.newKeySet();

	private final Map<String, Object> locks = new ConcurrentHashMap<>();

	KafkaTopicReadiness(Admin admin, Duration maxWait) {
		this.admin = admin;
		this.maxWait = maxWait;
	}

	/**
	 * Returns at once for a topic seen before; otherwise waits (at most max-block) until its leaders serve it.
	 * @param topic the topic about to be published to
	 */
	void awaitServed(String topic) {
		if (this.ready.contains(topic)) {
			return;
		}
		Object lock = this.locks.computeIfAbsent(topic, (key) -> new Object());
		synchronized (lock) {
			if (this.ready.contains(topic)) {
				return;
			}
			long start = System.nanoTime();
			long deadline = start + this.maxWait.toNanos();
			boolean served = false;
			try {
				served = poll(topic, deadline);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			catch (RuntimeException ex) {
				logger.debug("Could not check that the leaders of topic '{}' serve it; publishing anyway", topic, ex);
			}
			if (served) {
				logger.debug("Topic '{}' is served by its leaders ({} ms)", topic,
						TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
			}
			else {
				logger.debug("Leaders of topic '{}' did not answer within {}; publishing anyway", topic, this.maxWait);
			}
			this.ready.add(topic);
			this.locks.remove(topic);
		}
	}

	private boolean poll(String topic, long deadline) throws InterruptedException {
		long unknownUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(UNKNOWN_GRACE_MILLIS);
		boolean described = false;
		while (true) {
			long left = deadline - System.nanoTime();
			if (left <= 0) {
				return false;
			}
			try {
				TopicDescription description = this.admin.describeTopics(List.of(topic))
					.allTopicNames()
					.get(left, TimeUnit.NANOSECONDS)
					.get(topic);
				described = true;
				if (description != null && description.partitions().stream().allMatch((info) -> info.leader() != null)) {
					Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
					description.partitions()
						.forEach((info) -> latest.put(new TopicPartition(topic, info.partition()), OffsetSpec.latest()));
					this.admin.listOffsets(latest).all().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
					return true;
				}
			}
			catch (ExecutionException ex) {
				if (!described && ex.getCause() instanceof UnknownTopicOrPartitionException
						&& System.nanoTime() > unknownUntil) {
					return false; // unknown to the cluster (not just created): nothing to wait for
				}
				// just created, or its leader does not serve it yet: try again until the deadline
			}
			catch (TimeoutException ex) {
				return false;
			}
			Thread.sleep(POLL_MILLIS);
		}
	}

}

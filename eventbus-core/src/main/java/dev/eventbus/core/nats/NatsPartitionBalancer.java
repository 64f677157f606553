package dev.eventbus.core.nats;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.nats.client.KeyValue;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shares the partitions of one topic among the live instances of a group, each partition consumed
 * by one instance at a time through its lease ({@link NatsLease}, key {@code <stream>.<durable>}).
 *
 * <p><b>Membership.</b> Every instance keeps a heartbeat key
 * {@code members.<stream>.<group-topic>.<instance id>} in the {@value NatsConsumerOptions#LEASE_BUCKET}
 * bucket, written at every {@link #balance()}; it expires with the bucket's time to live after a
 * crash and is deleted at close. The live members are the keys under the prefix.
 *
 * <p><b>Fair share.</b> With M members sorted by id and N partitions, the member of rank r owns
 * {@code N / M}, plus one when {@code r < N % M} (3 × 12 → 4 each; 5 × 12 → 3, 3, 2, 2, 2). Every
 * member computes the same shares from the same keys; no coordinator. A member above its share
 * drains its highest partitions: it stops pulling them, lets what it fetched finish and be
 * acknowledged, and only then deletes their leases; a member below its share creates leases of
 * partitions nobody holds. Moves are only the surplus, so a join or leave moves few partitions.
 * A new owner pulls at once after a drained hand-over (nothing is un-acknowledged), or waits
 * ack-wait after a crash (see {@link NatsTopicConsumer#checkTakeover(long, java.time.Duration)}),
 * which keeps per-key order.
 *
 * <p><b>Timing.</b> {@link #balance()} runs every maintenance interval (lease-ttl / 3): a join or a
 * graceful leave is balanced within about three intervals plus the time to finish the fetched events
 * of the moved partitions; after a crash, within lease-ttl (heartbeat and leases expire), an interval,
 * and ack-wait + 1 s before the first pull of a partition that had un-acknowledged events.
 *
 * <p>Threads: only the subscription's maintenance task calls {@link #balance()} and {@link #leave()};
 * {@link #owned()} is read by any thread.
 */
final class NatsPartitionBalancer {

	private static final Logger logger = LoggerFactory.getLogger(NatsPartitionBalancer.class);

	private final KeyValue bucket;

	private final String memberPrefix;

	private final String memberKey;

	private final String instanceId;

	private final String name;

	/** The consumers of the partitions, by partition. */
	private final List<NatsTopicConsumer> partitions;

	private volatile int members = 1;

	private volatile int share;

	NatsPartitionBalancer(KeyValue bucket, String stream, String group, String topic, String instanceId,
			List<NatsTopicConsumer> partitions) {
		this.bucket = bucket;
		this.memberPrefix = "members." + stream + "." + NatsConsumerOptions.durableName(group, topic);
		this.memberKey = this.memberPrefix + "." + instanceId;
		this.instanceId = instanceId;
		this.name = group + "/" + topic;
		this.partitions = List.copyOf(partitions);
		this.share = partitions.size();
	}

	/** @return the live members of the group as last seen */
	int members() {
		return this.members;
	}

	/** @return this instance's fair share of partitions as last computed */
	int share() {
		return this.share;
	}

	/** @return the partitions this instance holds and consumes (not draining) */
	List<Integer> owned() {
		List<Integer> owned = new ArrayList<>();
		for (int p = 0; p < this.partitions.size(); p++) {
			NatsTopicConsumer consumer = this.partitions.get(p);
			NatsLease lease = consumer.lease();
			if (lease != null && lease.held() && !consumer.draining()) {
				owned.add(p);
			}
		}
		return owned;
	}

	/** Heartbeat, renew the held leases, hand over drained surplus, take free partitions up to the share. */
	void balance() {
		List<String> live = liveMembers();
		for (NatsTopicConsumer consumer : this.partitions) {
			NatsLease lease = lease(consumer);
			if (lease.held()) {
				lease.tick();
			}
			if (!lease.held() && consumer.draining()) {
				consumer.draining(false);
			}
		}
		if (live == null) {
			// The bucket did not answer: keep what is held (renewed above), move nothing.
			return;
		}
		int n = this.partitions.size();
		int m = live.size();
		int rank = live.indexOf(this.instanceId);
		int share = n / m + ((rank < n % m) ? 1 : 0);
		this.members = m;
		this.share = share;
		int kept = 0;
		for (int p = 0; p < n; p++) {
			NatsTopicConsumer consumer = this.partitions.get(p);
			NatsLease lease = lease(consumer);
			if (lease.held() && consumer.draining() && consumer.drained()) {
				lease.release();
				consumer.draining(false);
				consumer.leaseNotHeld();
				logger.info("NATS partitions of '{}': partition {} handed over (drained; share {} of {} for {} "
						+ "members)", this.name, p, share, n, m);
			}
			else if (lease.held() && !consumer.draining()) {
				kept++;
			}
		}
		// Above the share: drain the highest partitions.
		for (int p = n - 1; p >= 0 && kept > share; p--) {
			NatsTopicConsumer consumer = this.partitions.get(p);
			if (lease(consumer).held() && !consumer.draining()) {
				consumer.draining(true);
				kept--;
				logger.info("NATS partitions of '{}': draining partition {} to hand it over ({} members)", this.name,
						p, m);
			}
		}
		// Below: keep partitions still draining, then take free ones, starting where this rank's would lie.
		for (int p = 0; p < n && kept < share; p++) {
			NatsTopicConsumer consumer = this.partitions.get(p);
			if (lease(consumer).held() && consumer.draining()) {
				consumer.draining(false);
				kept++;
			}
		}
		int start = (m > 0 && rank >= 0) ? rank * n / m : 0;
		for (int i = 0; i < n && kept < share; i++) {
			int p = (start + i) % n;
			NatsTopicConsumer consumer = this.partitions.get(p);
			NatsLease lease = lease(consumer);
			if (!lease.held()) {
				lease.tick();
				if (lease.held()) {
					kept++;
				}
			}
		}
	}

	/** Deletes this instance's heartbeat, so that the others rebalance at once. */
	void leave() {
		try {
			this.bucket.delete(this.memberKey);
		}
		catch (Exception ex) {
			logger.debug("NATS partitions of '{}': heartbeat not deleted ({}); it expires", this.name, ex.toString());
		}
	}

	/** @return the live member ids, sorted, this instance included; null when the bucket did not answer */
	private @Nullable List<String> liveMembers() {
		try {
			this.bucket.put(this.memberKey, this.instanceId.getBytes(StandardCharsets.UTF_8));
			List<String> ids = new ArrayList<>();
			for (String key : this.bucket.keys(this.memberPrefix + ".*")) {
				ids.add(key.substring(this.memberPrefix.length() + 1));
			}
			if (!ids.contains(this.instanceId)) {
				ids.add(this.instanceId);
			}
			Collections.sort(ids);
			return ids;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
		catch (Exception ex) {
			logger.debug("NATS partitions of '{}': members unknown ({})", this.name, ex.toString());
			return null;
		}
	}

	private static NatsLease lease(NatsTopicConsumer consumer) {
		NatsLease lease = consumer.lease();
		if (lease == null) {
			throw new IllegalStateException("partitioned consumer without a lease");
		}
		return lease;
	}

}

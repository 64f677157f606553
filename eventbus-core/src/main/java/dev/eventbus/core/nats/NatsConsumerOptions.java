package dev.eventbus.core.nats;

import java.time.Duration;

/**
 * How the NATS transport consumes: one durable pull consumer per (topic, group). Immutable; build
 * with {@link #builder()}.
 *
 * <p><b>Durable names.</b> The durable consumer of group {@code g} on topic {@code t} is named
 * {@code g-t} with every {@code '.'} replaced by {@code '_'} (group {@code billing}, topic
 * {@code shop.orders} → {@code billing-shop_orders}).
 *
 * <p><b>Ack deadline.</b> A message is acknowledged only after its handler finished (or after it was
 * dead-lettered). While it waits in its key's lane, runs or backs off between retries, the bus
 * extends its deadline with {@code +WPI} (in progress) every third of {@link #ackWait()}, so a slow
 * handler does not cause a redelivery. Messages are never negatively acknowledged: a {@code nak}
 * would redeliver the event after later events of its key.
 *
 * <p><b>Single active instance.</b> JetStream (2.9) hands the messages of one pull consumer to
 * whichever instance pulls, so two instances of a group would run events of the same aggregate at
 * the same time. With {@link #singleActive()} (the default) the instances of a group elect one
 * active puller per topic through a lease in the JetStream key-value bucket
 * {@value NatsConsumerOptions#LEASE_BUCKET}; the others stand by and take over when the lease is
 * released (graceful close) or expires ({@link #leaseTtl()} after a crash). When the previous owner
 * left messages un-acknowledged (a crash, or a close that timed out), the new owner pulls only once
 * {@link #ackWait()} (plus a second) has passed since the takeover: JetStream then redelivers those
 * messages before newer ones, which keeps per-key order. Turn single-active off only when per-key
 * order across instances does not matter.
 *
 * <p><b>Partitions.</b> With {@link NatsOptions#partitions()} above 1 every (group, topic, partition)
 * has its own durable ({@code <group>-<topic>-p<n>}) and lease, and the instances of the group share
 * the partitions fairly through heartbeats in the same bucket ({@code NatsPartitionBalancer}); the
 * limits above (max-ack-pending included) apply per partition.
 */
public final class NatsConsumerOptions {

	/** Name of the key-value bucket holding the single-active leases. */
	public static final String LEASE_BUCKET = "EVENTBUS_LEASES";

	/** Default ack wait: 30 seconds. */
	public static final Duration DEFAULT_ACK_WAIT = Duration.ofSeconds(30);

	/**
	 * Default max deliver: -1, unlimited. A limit would make the server stop redelivering an event
	 * silently; failures are bounded by the subscription's retry policy and dead-lettering instead.
	 */
	public static final long DEFAULT_MAX_DELIVER = -1;

	/** Default max ack pending: 5,000 messages delivered to the group and not yet acknowledged. */
	public static final int DEFAULT_MAX_ACK_PENDING = 5_000;

	/** Default pull batch size: 256 messages per pull request. */
	public static final int DEFAULT_PULL_BATCH_SIZE = 256;

	/** Default pull expiry: 500 ms, how long a pull request waits on the server for messages. */
	public static final Duration DEFAULT_PULL_EXPIRY = Duration.ofMillis(500);

	/** Whether one instance per group and topic is active by default. */
	public static final boolean DEFAULT_SINGLE_ACTIVE = true;

	/** Default lease time to live: 10 seconds, the longest a crashed active instance blocks a standby. */
	public static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(10);

	private final Duration ackWait;

	private final long maxDeliver;

	private final int maxAckPending;

	private final int pullBatchSize;

	private final Duration pullExpiry;

	private final boolean singleActive;

	private final Duration leaseTtl;

	private NatsConsumerOptions(Builder builder) {
		this.ackWait = builder.ackWait;
		this.maxDeliver = builder.maxDeliver;
		this.maxAckPending = builder.maxAckPending;
		this.pullBatchSize = builder.pullBatchSize;
		this.pullExpiry = builder.pullExpiry;
		this.singleActive = builder.singleActive;
		this.leaseTtl = builder.leaseTtl;
	}

	/** @return a builder with the defaults */
	public static Builder builder() {
		return new Builder();
	}

	/** @return the defaults */
	public static NatsConsumerOptions defaults() {
		return builder().build();
	}

	/** @return how long the server waits for an ack before redelivering (extended while in progress) */
	public Duration ackWait() {
		return this.ackWait;
	}

	/** @return maximum deliveries of a message, -1 for unlimited */
	public long maxDeliver() {
		return this.maxDeliver;
	}

	/** @return maximum messages delivered and not acknowledged; the bus stops pulling at this bound */
	public int maxAckPending() {
		return this.maxAckPending;
	}

	/** @return maximum messages asked for per pull request */
	public int pullBatchSize() {
		return this.pullBatchSize;
	}

	/** @return how long one pull request waits on the server for messages */
	public Duration pullExpiry() {
		return this.pullExpiry;
	}

	/** @return whether only one instance per group and topic pulls at a time */
	public boolean singleActive() {
		return this.singleActive;
	}

	/**
	 * How long a single-active lease lives without renewal; the holder renews it every third of
	 * this. It is the time to live of the {@value #LEASE_BUCKET} bucket, fixed by the first instance
	 * that creates the bucket: give every instance the same value.
	 * @return the lease time to live
	 */
	public Duration leaseTtl() {
		return this.leaseTtl;
	}

	/**
	 * @param group a consumer group
	 * @param topic a topic
	 * @return the durable consumer name: {@code group-topic} with {@code '.'} replaced by {@code '_'}
	 */
	public static String durableName(String group, String topic) {
		return (group + "-" + topic).replace('.', '_');
	}

	@Override
	public String toString() {
		return "NatsConsumerOptions{ackWait=" + this.ackWait + ", maxDeliver=" + this.maxDeliver
				+ ", maxAckPending=" + this.maxAckPending + ", pullBatchSize=" + this.pullBatchSize
				+ ", pullExpiry=" + this.pullExpiry + ", singleActive=" + this.singleActive + ", leaseTtl="
				+ this.leaseTtl + "}";
	}

	/** Builds {@link NatsConsumerOptions}; {@link #build()} rejects bad values naming the setting. */
	public static final class Builder {

		private Duration ackWait = DEFAULT_ACK_WAIT;

		private long maxDeliver = DEFAULT_MAX_DELIVER;

		private int maxAckPending = DEFAULT_MAX_ACK_PENDING;

		private int pullBatchSize = DEFAULT_PULL_BATCH_SIZE;

		private Duration pullExpiry = DEFAULT_PULL_EXPIRY;

		private boolean singleActive = DEFAULT_SINGLE_ACTIVE;

		private Duration leaseTtl = DEFAULT_LEASE_TTL;

		private Builder() {
		}

		/** @param ackWait ack deadline, at least 1 second @return this builder */
		public Builder ackWait(Duration ackWait) {
			this.ackWait = ackWait;
			return this;
		}

		/** @param maxDeliver maximum deliveries, -1 (default, unlimited) or at least 1 @return this builder */
		public Builder maxDeliver(long maxDeliver) {
			this.maxDeliver = maxDeliver;
			return this;
		}

		/** @param maxAckPending un-acked messages per consumer, at least 1 @return this builder */
		public Builder maxAckPending(int maxAckPending) {
			this.maxAckPending = maxAckPending;
			return this;
		}

		/** @param pullBatchSize messages per pull request, at least 1 @return this builder */
		public Builder pullBatchSize(int pullBatchSize) {
			this.pullBatchSize = pullBatchSize;
			return this;
		}

		/** @param pullExpiry server-side wait of a pull request, 10 ms to 1 minute @return this builder */
		public Builder pullExpiry(Duration pullExpiry) {
			this.pullExpiry = pullExpiry;
			return this;
		}

		/** @param singleActive whether one instance per group and topic pulls at a time @return this builder */
		public Builder singleActive(boolean singleActive) {
			this.singleActive = singleActive;
			return this;
		}

		/** @param leaseTtl lease time to live, at least 1 second @return this builder */
		public Builder leaseTtl(Duration leaseTtl) {
			this.leaseTtl = leaseTtl;
			return this;
		}

		/**
		 * @return the options
		 * @throws IllegalArgumentException naming the invalid setting
		 */
		public NatsConsumerOptions build() {
			if (this.ackWait == null || this.ackWait.compareTo(Duration.ofSeconds(1)) < 0) {
				throw new IllegalArgumentException("nats consumer ack-wait must be at least 1s but was " + this.ackWait);
			}
			if (this.maxDeliver == 0 || this.maxDeliver < -1) {
				throw new IllegalArgumentException(
						"nats consumer max-deliver must be -1 (unlimited) or at least 1 but was " + this.maxDeliver);
			}
			if (this.maxAckPending < 1) {
				throw new IllegalArgumentException(
						"nats consumer max-ack-pending must be at least 1 but was " + this.maxAckPending);
			}
			if (this.pullBatchSize < 1) {
				throw new IllegalArgumentException(
						"nats consumer pull-batch-size must be at least 1 but was " + this.pullBatchSize);
			}
			if (this.pullExpiry == null || this.pullExpiry.compareTo(Duration.ofMillis(10)) < 0
					|| this.pullExpiry.compareTo(Duration.ofMinutes(1)) > 0) {
				throw new IllegalArgumentException(
						"nats consumer pull-expiry must be between 10ms and 1m but was " + this.pullExpiry);
			}
			if (this.leaseTtl == null || this.leaseTtl.compareTo(Duration.ofSeconds(1)) < 0) {
				throw new IllegalArgumentException(
						"nats consumer lease-ttl must be at least 1s but was " + this.leaseTtl);
			}
			return new NatsConsumerOptions(this);
		}

	}

}

package dev.eventbus.core.nats;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;

import dev.eventbus.core.support.AbstractSubscription;
import dev.eventbus.core.support.SubscriptionDispatcher;
import dev.eventbus.core.support.SubscriptionRequest;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.ConsumerInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A subscription of a listener to one or more topics: one {@link NatsTopicConsumer} (and fetch
 * thread) per topic, or per partition of a partitioned topic with a {@link NatsPartitionBalancer}
 * sharing the partitions among the group's instances, one {@link SubscriptionDispatcher} for all of
 * them. The state machine and the
 * close sequence are those of {@link AbstractSubscription}; the fetch threads pull only while
 * {@link #fetching()}.
 *
 * <p>FAILED: when a handler threw a {@link VirtualMachineError}, or when JetStream refuses the
 * durable consumer for good (see {@link NatsTopicConsumer}). The fetch threads stop, nothing
 * unfinished is acknowledged and the single-active leases are abandoned: another instance of the
 * group takes over once they expired, and gets the un-acknowledged messages after ack-wait.
 *
 * <p>Threads: the application calls pause, resume and close; the bus scheduler runs the ack
 * keep-alive and the maintenance thread the lease ticks and the lag refresh (which call the server
 * and therefore stay off the fetch threads). The consumers and tasks are added before the
 * subscription is returned; fields read by other threads are volatile.
 */
final class NatsSubscription extends AbstractSubscription {

	private static final Logger logger = LoggerFactory.getLogger(NatsSubscription.class);

	/** JetStream API error code: consumer not found. */
	private static final int CONSUMER_NOT_FOUND = 10014;

	/** JetStream API error code: stream not found. */
	private static final int STREAM_NOT_FOUND = 10059;

	/** Added to pull-expiry when waiting for a fetch thread to end. */
	private static final Duration FETCH_END_MARGIN = Duration.ofSeconds(2);

	private final JetStreamManagement management;

	private final NatsConsumerOptions consumerOptions;

	private final List<NatsTopicConsumer> consumers = new CopyOnWriteArrayList<>();

	private final List<ScheduledFuture<?>> tasks = new CopyOnWriteArrayList<>();

	/** The partition balancers of the partitioned topics, by topic. */
	private final Map<String, NatsPartitionBalancer> balancers = new ConcurrentHashMap<>();

	private volatile long lag = -1;

	/** Whether {@link #release(long, long)} ran: the leases are released or abandoned. */
	private volatile boolean released;

	private final Object maintenanceLock = new Object();

	NatsSubscription(SubscriptionRequest<?> request, JetStreamManagement management,
			NatsConsumerOptions consumerOptions) {
		super(request);
		this.management = management;
		this.consumerOptions = consumerOptions;
	}

	void add(NatsTopicConsumer consumer) {
		this.consumers.add(consumer);
	}

	void addBalancer(String topic, NatsPartitionBalancer balancer) {
		this.balancers.put(topic, balancer);
	}

	void addTask(ScheduledFuture<?> task) {
		this.tasks.add(task);
	}

	List<NatsTopicConsumer> consumers() {
		return this.consumers;
	}

	void start() {
		for (NatsTopicConsumer consumer : this.consumers) {
			consumer.start();
		}
	}

	/** @return whether the fetch threads may pull: RUNNING */
	boolean mayFetch() {
		return fetching();
	}

	/** @return whether the application paused the subscription */
	boolean paused() {
		return state() == State.PAUSED;
	}

	/**
	 * JetStream refused the consumer for good: the subscription cannot go on.
	 * @param cause the refusal
	 */
	void refused(Throwable cause) {
		fail(cause);
	}

	/** Extends the ack deadline of every un-acknowledged message. */
	void keepAlive() {
		for (NatsTopicConsumer consumer : this.consumers) {
			consumer.keepAlive();
		}
	}

	/**
	 * Ticks the single-active leases (balances the partitions) and refreshes the lag. Calls the
	 * server; maintenance thread only, and never concurrently with {@link #release(long, long)}.
	 */
	void maintain() {
		synchronized (this.maintenanceLock) {
			maintainLeases();
		}
	}

	private void maintainLeases() {
		if (this.released || state() == State.FAILED) {
			return;
		}
		if (state() == State.CLOSED) {
			// Closing: in-flight work drains; keep the held leases (no standby may take a partition
			// whose events still run here), take none.
			for (NatsTopicConsumer consumer : this.consumers) {
				NatsLease lease = consumer.lease();
				if (lease != null && lease.held()) {
					lease.tick();
				}
			}
			return;
		}
		for (NatsPartitionBalancer balancer : this.balancers.values()) {
			balancer.balance();
		}
		long total = 0;
		boolean known = true;
		for (NatsTopicConsumer consumer : this.consumers) {
			NatsLease lease = consumer.lease();
			boolean takingOver = false;
			if (lease != null) {
				if (consumer.partition() == null) {
					lease.tick();
				}
				if (!lease.held()) {
					consumer.leaseNotHeld();
				}
				else if (consumer.takeoverChecked()) {
					consumer.signal();
				}
				else {
					takingOver = true;
				}
			}
			try {
				// Read after the lease tick: on a takeover, what the previous owner left un-acknowledged.
				ConsumerInfo info = this.management.getConsumerInfo(consumer.stream(), consumer.durable());
				total += info.getNumPending();
				consumer.numPending(info.getNumPending());
				if (takingOver) {
					consumer.checkTakeover(info.getNumAckPending(),
							(info.getConsumerConfiguration() != null) ? info.getConsumerConfiguration().getAckWait() : null);
				}
			}
			catch (JetStreamApiException ex) {
				known = false;
				consumer.numPending(-1);
				if (ex.getApiErrorCode() == CONSUMER_NOT_FOUND || ex.getApiErrorCode() == STREAM_NOT_FOUND) {
					consumer.recreate();
				}
			}
			catch (Exception ex) {
				known = false;
				logger.debug("NATS subscription '{}': lag of '{}' unknown: {}", id(), consumer.durable(),
						ex.toString());
			}
		}
		this.lag = known ? total : -1;
	}

	@Override
	public long lag() {
		return this.lag;
	}

	/** @return by partitioned topic, the partitions this instance consumes now (sorted) */
	@Override
	public Map<String, List<Integer>> ownedPartitions() {
		Map<String, List<Integer>> owned = new TreeMap<>();
		this.balancers.forEach((topic, balancer) -> owned.put(topic, balancer.owned()));
		return owned;
	}

	/** @return by partitioned topic, the group's pending events (num-pending) per partition, -1 unknown */
	@Override
	public Map<String, Map<Integer, Long>> partitionLag() {
		Map<String, Map<Integer, Long>> lags = new TreeMap<>();
		for (NatsTopicConsumer consumer : this.consumers) {
			Integer partition = consumer.partition();
			if (partition != null) {
				lags.computeIfAbsent(consumer.topic(), (topic) -> new TreeMap<>()).put(partition, consumer.numPending());
			}
		}
		return lags;
	}

	@Override
	protected void onPaused() {
		this.consumers.forEach(NatsTopicConsumer::signal);
	}

	@Override
	protected void onResumed() {
		this.consumers.forEach(NatsTopicConsumer::signal);
	}

	/**
	 * Stops the fetch threads without waiting and abandons the leases (they expire on the server, so
	 * that another instance takes over); nothing unfinished is acknowledged.
	 */
	@Override
	protected void onFailed(Throwable cause) {
		for (NatsTopicConsumer consumer : this.consumers) {
			consumer.stop();
			NatsLease lease = consumer.lease();
			if (lease != null) {
				lease.abandon();
			}
		}
	}

	/** Stops pulling and waits for the fetch threads; the keep-alive goes on while in-flight work drains. */
	@Override
	protected void stopFetching() {
		this.consumers.forEach(NatsTopicConsumer::stop);
		Duration bound = this.consumerOptions.pullExpiry().plus(FETCH_END_MARGIN);
		for (NatsTopicConsumer consumer : this.consumers) {
			consumer.awaitFetchThread(bound);
		}
	}

	/**
	 * Cancels the keep-alive and maintenance, releases the jnats subscriptions, and releases the leases
	 * when everything finished; otherwise abandons them, so that no standby takes over while events are
	 * un-acknowledged: they are redelivered after ack-wait.
	 */
	@Override
	protected void release(long unfinished, long deadline) {
		synchronized (this.maintenanceLock) {
			// a tick in progress ends first; none runs after this
			this.released = true;
		}
		this.tasks.forEach((task) -> task.cancel(false));
		this.balancers.values().forEach(NatsPartitionBalancer::leave);
		for (NatsTopicConsumer consumer : this.consumers) {
			consumer.unsubscribe();
			NatsLease lease = consumer.lease();
			if (lease != null) {
				if (unfinished == 0) {
					lease.release();
				}
				else {
					lease.abandon();
				}
			}
		}
	}

}

package dev.eventbus.core.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import dev.eventbus.core.api.Subscription;
import dev.eventbus.core.codec.WireMessage;
import dev.eventbus.core.keyed.KeyedExecutor;
import dev.eventbus.core.keyed.PressureListener;
import dev.eventbus.core.support.InboundMessage;
import dev.eventbus.core.support.Outcome;
import dev.eventbus.core.support.SubscriptionDispatcher;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscription: a Kafka consumer in the subscription's group, polled by its own thread
 * ({@code eventbus-kafka-consumer-<topic>-<n>}), feeding the shared keyed executor through a
 * {@link SubscriptionDispatcher}.
 *
 * <p><b>Commits.</b> Each assigned partition has a {@link PartitionTracker}; the poll thread commits
 * only the highest contiguous finished offset, asynchronously every {@code commit-interval} and
 * synchronously on revocation and close.
 *
 * <p><b>Backpressure.</b> When the executor reports high pressure (or refuses a record), the poll
 * thread pauses every assigned partition and keeps polling, so the member stays in the group; it
 * resumes when the pressure falls to the low watermark. A refused record is not lost: its partition
 * is rewound to it.
 *
 * <p><b>Rebalance.</b> On revocation the revoked partitions' trackers are flagged (their queued work
 * is dropped when its turn comes), the poll thread waits up to {@code revocation-timeout} for their
 * running work, commits what finished, and forgets them.
 *
 * <p><b>Threads.</b> The consumer, the tracker map and the pause bookkeeping belong to the poll
 * thread. Application threads call {@link #pause()}, {@link #resume()} and {@link #close} (volatile
 * flags, then a join); the executor's pressure listener sets a volatile flag; workers complete
 * tracker entries; the bus's scheduler calls {@link #refreshLag} with its own admin client.
 */
final class KafkaSubscription implements Subscription {

	private static final Logger logger = LoggerFactory.getLogger(KafkaSubscription.class);

	private final String id;

	private final List<String> topics;

	private final String group;

	private final KafkaConsumerOptions options;

	private final SubscriptionDispatcher<?> dispatcher;

	private final org.apache.kafka.clients.consumer.Consumer<String, byte[]> consumer;

	private final KeyedExecutor executor;

	private final PressureListener pressureListener = this::onPressure;

	private final Thread thread;

	private final CountDownLatch stopped = new CountDownLatch(1);

	private final Consumer<KafkaSubscription> onClosed;

	private final Duration defaultCloseTimeout;

	/** Assigned partitions; written by the poll thread, read by the lag refresher. */
	private final Map<TopicPartition, PartitionTracker> trackers = new ConcurrentHashMap<>();

	private volatile boolean pressure;

	private volatile boolean userPaused;

	private volatile boolean closing;

	private volatile Duration closeTimeout = Duration.ZERO;

	private volatile State state = State.RUNNING;

	private volatile long lag = -1;

	/** Poll thread only: whether the assigned partitions are paused. */
	private boolean fetchPaused;

	/** Poll thread only: the executor refused a record; stay paused until it drained. */
	private boolean refused;

	/** Poll thread only. */
	private long nextCommitAt;

	private final AtomicInteger backpressurePauses = new AtomicInteger();

	private final AtomicInteger backpressureResumes = new AtomicInteger();

	private final AtomicInteger revocations = new AtomicInteger();

	KafkaSubscription(String id, List<String> topics, String group, KafkaOptions options,
			SubscriptionDispatcher<?> dispatcher, KeyedExecutor executor, String threadName,
			Duration defaultCloseTimeout, Consumer<KafkaSubscription> onClosed) {
		this.id = id;
		this.topics = List.copyOf(topics);
		this.group = group;
		this.options = options.consumer();
		this.dispatcher = dispatcher;
		this.executor = executor;
		this.defaultCloseTimeout = defaultCloseTimeout;
		this.onClosed = onClosed;
		this.consumer = KafkaClientFactories.consumerFactory(options, group).createConsumer(group, null, null);
		this.thread = new Thread(this::run, threadName);
		this.thread.setDaemon(true);
	}

	void start() {
		this.executor.addPressureListener(this.pressureListener);
		this.thread.start();
	}

	private void onPressure(boolean high) {
		this.pressure = high;
	}

	// ---------------------------------------------------------------- poll thread

	private void run() {
		try {
			this.consumer.subscribe(this.topics, new RebalanceListener());
			this.nextCommitAt = System.nanoTime() + this.options.commitInterval().toNanos();
			while (!this.closing) {
				applyPause();
				ConsumerRecords<String, byte[]> records;
				try {
					records = this.consumer.poll(this.options.pollTimeout());
				}
				catch (WakeupException ex) {
					continue;
				}
				if (!records.isEmpty()) {
					if (this.userPaused || this.closing) {
						// paused or closing while this poll ran: hand nothing over, fetch these again later
						rewind(records);
					}
					else {
						dispatch(records);
					}
				}
				commitIfDue();
			}
			drain(this.closeTimeout);
			this.state = State.CLOSED;
		}
		catch (AuthenticationException | AuthorizationException ex) {
			this.state = State.FAILED;
			logger.error("Subscription '{}' stopped: the broker refused the consumer ({}). Check "
					+ "kafka.security.protocol, saslMechanism, username and password, and the group's ACLs.", this.id,
					ex.getMessage());
		}
		catch (WakeupException ex) {
			this.state = State.CLOSED;
		}
		catch (Throwable ex) {
			this.state = State.FAILED;
			logger.error("Subscription '{}' stopped on an unexpected error; nothing unfinished was committed", this.id,
					ex);
		}
		finally {
			this.dispatcher.close();
			this.trackers.values().forEach((tracker) -> tracker.revoked = true);
			try {
				// close(CloseOptions): spring-kafka's factory listeners (the client meters) miss close(Duration)
				this.consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
			}
			catch (RuntimeException ex) {
				logger.debug("Closing the consumer of '{}' failed", this.id, ex);
			}
			this.executor.removePressureListener(this.pressureListener);
			this.stopped.countDown();
			if (this.state != State.FAILED) {
				// a failed subscription stays listed (health, endpoint) until the application closes it
				this.onClosed.accept(this);
			}
		}
	}

	private void applyPause() {
		if (this.refused && this.executor.pending() <= this.executor.options().lowWatermarkTasks()) {
			this.refused = false;
		}
		boolean backpressure = this.pressure || this.refused;
		boolean shouldPause = backpressure || this.userPaused;
		if (shouldPause && !this.fetchPaused) {
			this.consumer.pause(this.consumer.assignment());
			this.fetchPaused = true;
			if (backpressure) {
				this.backpressurePauses.incrementAndGet();
				logger.debug("Subscription '{}' paused its partitions: executor under pressure ({} pending)", this.id,
						this.executor.pending());
			}
		}
		else if (!shouldPause && this.fetchPaused) {
			this.consumer.resume(this.consumer.paused());
			this.fetchPaused = false;
			this.backpressureResumes.incrementAndGet();
		}
		if (!this.closing) {
			this.state = this.userPaused ? State.PAUSED : State.RUNNING;
		}
	}

	private void dispatch(ConsumerRecords<String, byte[]> records) {
		boolean full = false;
		for (TopicPartition partition : records.partitions()) {
			List<ConsumerRecord<String, byte[]>> batch = records.records(partition);
			PartitionTracker tracker = this.trackers.get(partition);
			if (tracker == null || tracker.revoked) {
				continue;
			}
			if (full) {
				this.consumer.seek(partition, batch.get(0).offset());
				continue;
			}
			for (ConsumerRecord<String, byte[]> record : batch) {
				PartitionTracker.Entry entry = tracker.dispatched(record.offset());
				CompletableFuture<Outcome> done;
				try {
					done = this.dispatcher.dispatch(inbound(record), this.options.pollTimeout(),
							() -> tracker.revoked);
				}
				catch (RejectedExecutionException ex) {
					tracker.cancelled(entry);
					tracker.forgetLast(entry);
					this.consumer.seek(partition, record.offset());
					this.refused = true;
					full = true;
					logger.debug("Executor refused a record of {}; rewound to offset {} and pausing", partition,
							record.offset());
					break;
				}
				done.whenComplete((outcome, error) -> {
					if (error == null) {
						tracker.finished(entry);
					}
					else {
						tracker.cancelled(entry);
					}
				});
			}
		}
		if (full) {
			applyPause();
		}
	}

	private void rewind(ConsumerRecords<String, byte[]> records) {
		for (TopicPartition partition : records.partitions()) {
			if (this.trackers.containsKey(partition)) {
				this.consumer.seek(partition, records.records(partition).get(0).offset());
			}
		}
	}

	private static InboundMessage inbound(ConsumerRecord<String, byte[]> record) {
		Map<String, String> headers = new LinkedHashMap<>();
		for (Header header : record.headers()) {
			byte[] value = header.value();
			headers.put(header.key(), (value != null) ? new String(value, StandardCharsets.UTF_8) : "");
		}
		byte[] payload = (record.value() != null) ? record.value() : new byte[0];
		return new InboundMessage(record.topic(), new WireMessage(record.key(), headers, payload), record.partition(),
				record.offset(), null);
	}

	private void commitIfDue() {
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

	/** Graceful stop: no more fetching, wait for in-flight work up to the timeout, commit, drop the rest. */
	private void drain(Duration timeout) {
		this.consumer.pause(this.consumer.assignment());
		this.fetchPaused = true;
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() - deadline < 0 && unsettled() > 0) {
			// keep the membership alive while work finishes; partitions are paused, nothing is fetched
			this.consumer.poll(Duration.ofMillis(Math.min(50, Math.max(1,
					TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())))));
			commitIfDue();
		}
		this.trackers.values().forEach((tracker) -> tracker.revoked = true);
		this.dispatcher.close();
		commitSync(this.trackers.values());
		int left = unsettled();
		if (left > 0) {
			logger.info("Subscription '{}' closed with {} records unfinished; they will be delivered again", this.id,
					left);
		}
		// everything committable is committed: the revocation inside consumer.close() has nothing to wait for
		this.trackers.clear();
	}

	private int unsettled() {
		int sum = 0;
		for (PartitionTracker tracker : this.trackers.values()) {
			sum += tracker.unsettled();
		}
		return sum;
	}

	/** Runs on the poll thread, inside {@code poll}. */
	private final class RebalanceListener implements ConsumerRebalanceListener {

		@Override
		public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
			if (partitions.isEmpty()) {
				return;
			}
			KafkaSubscription.this.revocations.incrementAndGet();
			List<PartitionTracker> revoked = new ArrayList<>();
			for (TopicPartition partition : partitions) {
				PartitionTracker tracker = KafkaSubscription.this.trackers.remove(partition);
				if (tracker != null) {
					tracker.revoked = true;
					revoked.add(tracker);
				}
			}
			if (!awaitSettled(revoked, KafkaSubscription.this.options.revocationTimeout())) {
				logger.warn("Subscription '{}': work of revoked partitions {} still running after {}; committing "
						+ "what finished", KafkaSubscription.this.id, partitions,
						KafkaSubscription.this.options.revocationTimeout());
			}
			commitSync(revoked);
		}

		@Override
		public void onPartitionsLost(Collection<TopicPartition> partitions) {
			for (TopicPartition partition : partitions) {
				PartitionTracker tracker = KafkaSubscription.this.trackers.remove(partition);
				if (tracker != null) {
					tracker.revoked = true;
				}
			}
		}

		@Override
		public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
			for (TopicPartition partition : partitions) {
				KafkaSubscription.this.trackers.put(partition, new PartitionTracker(partition));
			}
			if (KafkaSubscription.this.fetchPaused && !partitions.isEmpty()) {
				KafkaSubscription.this.consumer.pause(partitions);
			}
		}

	}

	// ---------------------------------------------------------------- lag (bus scheduler thread)

	/**
	 * Measures the lag (end offsets minus committed offsets; minus the earliest offset for partitions
	 * without a commit) with the bus's admin client. Runs on the bus's scheduler, never the poll thread.
	 * @param admin the bus's admin client
	 * @param timeout bound on each admin call
	 */
	void refreshLag(Admin admin, Duration timeout) {
		if (this.closing) {
			return;
		}
		try {
			this.lag = KafkaLagProbe.measure(admin, this.group, this.topics, timeout);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (Exception ex) {
			logger.debug("Lag of '{}' could not be measured: {}", this.id, ex.toString());
		}
	}

	// ---------------------------------------------------------------- application threads

	@Override
	public String id() {
		return this.id;
	}

	@Override
	public List<String> topics() {
		return this.topics;
	}

	@Override
	public String group() {
		return this.group;
	}

	@Override
	public State state() {
		return this.state;
	}

	@Override
	public void pause() {
		this.userPaused = true;
		if (this.state == State.RUNNING) {
			this.state = State.PAUSED;
		}
	}

	@Override
	public void resume() {
		this.userPaused = false;
		if (this.state == State.PAUSED) {
			this.state = State.RUNNING;
		}
	}

	@Override
	public long pending() {
		return this.dispatcher.pending();
	}

	@Override
	public long lag() {
		return this.lag;
	}

	@Override
	public void close(Duration timeout) {
		if (!this.closing) {
			this.closeTimeout = timeout.isNegative() ? Duration.ZERO : timeout;
			this.closing = true;
		}
		if (Thread.currentThread() == this.thread) {
			return;
		}
		try {
			if (!this.stopped.await(timeout.toMillis() + 20_000, TimeUnit.MILLISECONDS)) {
				logger.warn("Subscription '{}' did not stop within {} plus 20 s", this.id, timeout);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.state = State.CLOSED;
		this.onClosed.accept(this);
	}

	@Override
	public void close() {
		close(this.defaultCloseTimeout);
	}

	/** @return times the partitions were paused for backpressure (tests, diagnostics) */
	int backpressurePauses() {
		return this.backpressurePauses.get();
	}

	/** @return times the partitions were resumed after a pause */
	int backpressureResumes() {
		return this.backpressureResumes.get();
	}

	/** @return non-empty revocations seen by this subscription's consumer */
	int revocations() {
		return this.revocations.get();
	}

	/** @return whether the partitions are paused right now (poll thread state, racy snapshot) */
	Set<TopicPartition> assignedPartitions() {
		return Set.copyOf(this.trackers.keySet());
	}

	@Override
	public String toString() {
		return "KafkaSubscription{id=" + this.id + ", state=" + this.state + "}";
	}

}

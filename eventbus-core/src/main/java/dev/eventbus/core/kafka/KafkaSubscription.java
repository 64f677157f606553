package dev.eventbus.core.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;

import dev.eventbus.core.api.EventBusException;
import dev.eventbus.core.codec.WireMessage;
import dev.eventbus.core.keyed.KeyedExecutor;
import dev.eventbus.core.keyed.PressureListener;
import dev.eventbus.core.support.AbstractSubscription;
import dev.eventbus.core.support.InboundMessage;
import dev.eventbus.core.support.Outcome;
import dev.eventbus.core.support.SubscriptionDispatcher;
import dev.eventbus.core.support.SubscriptionRequest;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.WakeupException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscription: a Kafka consumer in the subscription's group, polled by its own thread
 * ({@code eventbus-kafka-consumer-<topic>-<n>}), feeding the shared keyed executor through a
 * {@link SubscriptionDispatcher}. State and close sequence are those of {@link AbstractSubscription}.
 *
 * <p><b>Commits and rebalances</b> are the job of its {@link OffsetCommitter}: a
 * {@link PartitionTracker} per assigned partition, commits of the highest contiguous finished offset
 * only, and the bounded wait for running work on revocation.
 *
 * <p><b>Backpressure and pause.</b> When the executor reports high pressure (or refuses a record),
 * or the subscription is not {@link #fetching() fetching} (paused, failed, closing), the poll
 * thread pauses every assigned partition and keeps polling, so the member stays in the group; it
 * resumes when the pressure falls to the low watermark and the subscription runs again. Records a
 * poll returned meanwhile, and a refused record, are not lost: their partition is rewound to them.
 *
 * <p><b>Failure.</b> When the broker refuses the consumer (authentication, authorization), the poll
 * loop ends on an unexpected error, or a handler throws a {@link VirtualMachineError}, the
 * subscription {@link #fail fails}: the poll thread stops dispatching, commits nothing that did not
 * finish and closes the consumer, which leaves the group, so that its other instances get the
 * partitions and receive the unfinished records again. The subscription stays listed, FAILED,
 * until the application closes it.
 *
 * <p><b>Close.</b> Once the state is CLOSED the poll thread pauses everything and keeps polling
 * (membership) and committing what finishes; once the base has waited for the
 * in-flight work (or the deadline passed), {@link #release(long, long)} tells the poll thread to
 * commit the contiguous finished offsets one last time and close the consumer, and waits for it
 * until the deadline.
 *
 * <p><b>Threads.</b> The consumer, the committer and the pause bookkeeping belong to the poll
 * thread. Application threads call {@link #pause()}, {@link #resume()} and {@link #close} (state in
 * the base, volatile flags here, then a join); workers complete tracker entries and may call
 * {@code fail} (a volatile flag read by the poll thread); the executor's pressure listener sets a
 * volatile flag; the bus's lag scheduler calls {@link #refreshLag} with its own admin client.
 */
final class KafkaSubscription extends AbstractSubscription {

	private static final Logger logger = LoggerFactory.getLogger(KafkaSubscription.class);

	/** Longest wait of the consumer's close (leaving the group) after the final commit. */
	private static final Duration CONSUMER_CLOSE_TIMEOUT = Duration.ofSeconds(5);

	private final KafkaConsumerOptions options;

	/** Names a TLS failure of the consumer (trust material and its property). */
	private final KafkaOptions kafkaOptions;

	private final org.apache.kafka.clients.consumer.Consumer<String, byte[]> consumer;

	private final KeyedExecutor executor;

	private final PressureListener pressureListener = this::onPressure;

	private final Thread thread;

	/** Assigned partitions, their trackers and commits. */
	private final OffsetCommitter committer;

	private volatile boolean pressure;

	/** Set by {@link #release}: final commit, close the consumer, end the poll thread. */
	private volatile boolean released;

	/** Set by {@link #onFailed}: end the poll thread without the final commit. */
	private volatile boolean failed;

	private volatile long lag = -1;

	private volatile @Nullable ScheduledFuture<?> lagTask;

	/** Poll thread only: whether the assigned partitions are paused. */
	private boolean fetchPaused;

	/** Poll thread only: the executor refused a record; stay paused until it drained. */
	private boolean refused;

	private final AtomicInteger backpressurePauses = new AtomicInteger();

	private final AtomicInteger backpressureResumes = new AtomicInteger();

	KafkaSubscription(SubscriptionRequest<?> request, KafkaOptions options, KeyedExecutor executor, String threadName,
			String clientIdSuffix) {
		super(request);
		this.options = options.consumer();
		this.kafkaOptions = options;
		this.executor = executor;
		this.consumer = KafkaClientFactories.consumerFactory(options, request.group()).createConsumer(request.group(),
				null, clientIdSuffix);
		this.committer = new OffsetCommitter(request.id(), this.consumer, this.options);
		this.thread = new Thread(this::run, threadName);
		this.thread.setDaemon(true);
	}

	void start() {
		this.executor.addPressureListener(this.pressureListener);
		this.thread.start();
	}

	/** @param task the lag measurement the bus scheduled; cancelled on release */
	void lagTask(ScheduledFuture<?> task) {
		this.lagTask = task;
		if (this.released) {
			task.cancel(false);
		}
	}

	private void onPressure(boolean high) {
		this.pressure = high;
	}

	// ---------------------------------------------------------------- poll thread

	private void run() {
		try {
			this.consumer.subscribe(topics(), new RebalanceListener());
			this.committer.start();
			while (!this.released && !this.failed) {
				applyPause();
				ConsumerRecords<String, byte[]> records;
				try {
					records = this.consumer.poll(this.options.pollTimeout());
				}
				catch (WakeupException ex) {
					continue;
				}
				if (!records.isEmpty()) {
					if (!fetching()) {
						// paused, failed or closing while this poll ran: hand nothing over, fetch these again later
						rewind(records);
					}
					else {
						dispatch(records);
					}
				}
				if (!this.failed) {
					this.committer.commitIfDue();
				}
			}
			if (!this.failed) {
				commitFinished();
			}
		}
		catch (AuthenticationException | AuthorizationException ex) {
			String tls = this.kafkaOptions.tlsFailure(ex);
			if (tls != null) {
				fail(new EventBusException("the consumer of subscription '" + id() + "' could not connect: " + tls, ex));
				return;
			}
			fail(new EventBusException("the broker refused the consumer of subscription '" + id() + "' (" + ex.getMessage()
					+ "). Check eventbus.kafka.security.protocol, sasl-mechanism, username and password, and the group's ACLs",
					ex));
		}
		catch (Throwable ex) {
			fail(ex);
		}
		finally {
			// queued work of every partition is dropped when its turn comes; what finished was committed
			this.committer.revokeAll();
			if (this.options.groupProtocol() == KafkaGroupProtocol.CONSUMER) {
				leaveGroup();
			}
			try {
				// close(CloseOptions): spring-kafka's factory listeners (the client meters) miss close(Duration)
				this.consumer.close(CloseOptions.timeout(CONSUMER_CLOSE_TIMEOUT));
			}
			catch (RuntimeException ex) {
				logger.debug("Closing the consumer of '{}' failed", id(), ex);
			}
			this.executor.removePressureListener(this.pressureListener);
		}
	}

	/**
	 * Consumer protocol: leaves the group before the close. An assignment the broker sent meanwhile
	 * needs its callback on this thread; {@code unsubscribe} runs it (the committer tracks and then
	 * revokes it), whereas {@code close} cannot and logs a failed reconciliation.
	 */
	private void leaveGroup() {
		try {
			this.consumer.unsubscribe();
		}
		catch (RuntimeException ex) {
			logger.debug("Leaving the group of '{}' before the close failed", id(), ex);
		}
	}

	private void applyPause() {
		if (this.refused && this.executor.pending() <= this.executor.options().lowWatermarkTasks()) {
			this.refused = false;
		}
		boolean backpressure = this.pressure || this.refused;
		boolean shouldPause = backpressure || !fetching();
		if (shouldPause && !this.fetchPaused) {
			this.consumer.pause(this.consumer.assignment());
			this.fetchPaused = true;
			if (backpressure) {
				this.backpressurePauses.incrementAndGet();
				logger.debug("Subscription '{}' paused its partitions: executor under pressure ({} pending)", id(),
						this.executor.pending());
			}
		}
		else if (!shouldPause && this.fetchPaused) {
			this.consumer.resume(this.consumer.paused());
			this.fetchPaused = false;
			this.backpressureResumes.incrementAndGet();
		}
	}

	private void dispatch(ConsumerRecords<String, byte[]> records) {
		boolean full = false;
		for (TopicPartition partition : records.partitions()) {
			List<ConsumerRecord<String, byte[]>> batch = records.records(partition);
			PartitionTracker tracker = this.committer.tracker(partition);
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
					done = dispatcher().dispatch(inbound(record), this.options.pollTimeout(),
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
			if (this.committer.tracker(partition) != null) {
				this.consumer.seek(partition, records.records(partition).get(0).offset());
			}
		}
	}

	/** Wraps the record; its headers are decoded on first use, by the worker (see {@link KafkaHeaderMap}). */
	private static InboundMessage inbound(ConsumerRecord<String, byte[]> record) {
		KafkaHeaderMap headers = new KafkaHeaderMap(record.headers());
		byte[] payload = (record.value() != null) ? record.value() : new byte[0];
		return new InboundMessage(record.topic(), new WireMessage(record.key(), headers, payload), record.partition(),
				record.offset(), null);
	}

	/**
	 * Last commit of close: the dispatcher is closed (queued work is dropped), so commit the
	 * contiguous finished offsets and forget the partitions; the revocation inside
	 * {@code consumer.close()} then has nothing to wait for.
	 */
	private void commitFinished() {
		this.committer.revokeAll();
		int left = this.committer.commitAllAndForget();
		if (left > 0) {
			logger.info("Subscription '{}' closed with {} records unfinished; they will be delivered again", id(),
					left);
		}
	}

	/** Runs on the poll thread, inside {@code poll}. */
	private final class RebalanceListener implements ConsumerRebalanceListener {

		@Override
		public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
			KafkaSubscription.this.committer.revoked(partitions);
		}

		@Override
		public void onPartitionsLost(Collection<TopicPartition> partitions) {
			KafkaSubscription.this.committer.lost(partitions);
		}

		@Override
		public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
			KafkaSubscription.this.committer.assigned(partitions);
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
		if (this.released) {
			return;
		}
		try {
			this.lag = KafkaLagProbe.measure(admin, group(), topics(), timeout);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (Exception ex) {
			logger.debug("Lag of '{}' could not be measured: {}", id(), ex.toString());
		}
	}

	// ---------------------------------------------------------------- hooks of the base

	@Override
	public long lag() {
		return this.lag;
	}

	/** The poll thread reads {@link #fetching()} before each poll: it pauses the partitions. */
	@Override
	protected void onPaused() {
	}

	/** The poll thread reads {@link #fetching()} before each poll: it resumes the partitions. */
	@Override
	protected void onResumed() {
	}

	/**
	 * Tells the poll thread to stop: it dispatches nothing more, skips the final commit and closes
	 * the consumer, leaving the group. Returns at once (may run on the poll thread itself).
	 */
	@Override
	protected void onFailed(Throwable cause) {
		this.failed = true;
	}

	/**
	 * Nothing to do here: the state is CLOSED, so {@link #fetching()} is false and the poll thread
	 * pauses every partition at its next turn while it keeps polling (the member stays in the group
	 * and its revocations are handled) and committing what finishes.
	 */
	@Override
	protected void stopFetching() {
	}

	/**
	 * Tells the poll thread to commit what finished and close the consumer, and waits for it until the
	 * deadline; after that it finishes on its own (the consumer's close is bounded by
	 * {@link #CONSUMER_CLOSE_TIMEOUT}).
	 */
	@Override
	protected void release(long unfinished, long deadline) {
		this.released = true;
		ScheduledFuture<?> task = this.lagTask;
		if (task != null) {
			task.cancel(false);
		}
		if (Thread.currentThread() == this.thread) {
			return;
		}
		try {
			this.thread.join(Math.max(1, remaining(deadline).toMillis()));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		if (this.thread.isAlive()) {
			logger.warn("Subscription '{}': the poll thread is still committing or closing the consumer at the "
					+ "close deadline; it finishes in the background", id());
		}
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
		return this.committer.revocations();
	}

	/** @return the assigned partitions (racy snapshot) */
	Set<TopicPartition> assignedPartitions() {
		return this.committer.partitions();
	}

}

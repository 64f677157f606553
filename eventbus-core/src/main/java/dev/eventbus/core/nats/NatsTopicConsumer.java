package dev.eventbus.core.nats;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import dev.eventbus.core.api.EventBusException;
import dev.eventbus.core.codec.HeaderStyle;
import dev.eventbus.core.codec.WireMessage;
import dev.eventbus.core.keyed.KeyedExecutor;
import dev.eventbus.core.keyed.PressureListener;
import dev.eventbus.core.support.InboundMessage;
import dev.eventbus.core.support.Outcome;
import dev.eventbus.core.support.SubscriptionDispatcher;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.impl.Headers;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pulls one topic's durable consumer on its own thread ({@code eventbus-nats-consumer-<topic>-<n>})
 * and hands every message to the subscription's {@link SubscriptionDispatcher}; acknowledges a
 * message only when its dispatch future completed (handled or dead-lettered). Never naks.
 *
 * <p>A consumer that JetStream refuses for good (its stream was deleted, or the account may not use
 * it) fails the subscription ({@link #refusedForGood(Throwable)}); other pull failures are retried.
 *
 * <p>Backpressure: no pull request is sent while the connection is down, the subscription is not RUNNING,
 * the executor is above its high watermark, this instance is a single-active standby (or just took
 * over and waits for the previous owner's un-acknowledged messages to be redelivered, see
 * {@link #checkTakeover(long, Duration)}), or {@code max-ack-pending} messages are un-acknowledged; a
 * pull asks for at most the room left. Messages that a pull in progress delivers after the
 * subscription was paused wait on the fetch thread, in order and kept alive, until it is resumed.
 *
 * <p>Threads: the fetch thread owns the jnats subscription and adds to {@link #inFlight}; workers
 * (dispatch completions) ack and remove; the bus scheduler reads {@link #inFlight} to send
 * {@code +WPI} (in progress) for every un-acknowledged message; the maintenance thread sets the
 * takeover state that the fetch thread reads before pulling.
 */
final class NatsTopicConsumer implements Runnable {

	private static final Logger logger = LoggerFactory.getLogger(NatsTopicConsumer.class);

	/** JetStream API error code: stream not found. */
	private static final int STREAM_NOT_FOUND = 10059;

	private static final Duration DISPATCH_WAIT = Duration.ofMillis(200);

	/** Added to ack-wait when waiting for a previous owner's messages to be redelivered. */
	private static final Duration REDELIVERY_MARGIN = Duration.ofSeconds(1);

	private final String topic;

	private final String subject;

	private final String stream;

	private final String durable;

	private final JetStream jetStream;

	private final Connection jetStreamConnection;

	private final NatsConsumerOptions options;

	private final KeyedExecutor executor;

	private final SubscriptionDispatcher<?> dispatcher;

	private final NatsSubscription owner;

	private final @Nullable NatsLease lease;

	/** The partition this consumer reads, or null when the topic has one partition. */
	private final @Nullable Integer partition;

	private final Runnable provisionConsumer;

	/** Un-acknowledged messages by stream sequence. */
	private final ConcurrentSkipListMap<Long, Message> inFlight = new ConcurrentSkipListMap<>();

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition wakeUp = this.lock.newCondition();

	private final PressureListener pressureListener = (high) -> {
		if (!high) {
			signal();
		}
	};

	private volatile boolean stopping;

	private volatile boolean rebind;

	/**
	 * Whether the partition balancer asked this consumer to stop pulling so that its lease can be
	 * handed to another instance once everything fetched was finished. Written by the maintenance thread.
	 */
	private volatile boolean draining;

	/**
	 * Whether the fetch thread may be pulling or handing out messages: set before it checks whether it
	 * may pull, cleared when it waits. Read by the maintenance thread before handing the lease over.
	 */
	private volatile boolean pulling;

	/** The durable consumer's {@code num_pending} as last measured, -1 when not known. */
	private volatile long numPending = -1;

	/**
	 * Whether the maintenance task checked the durable consumer since this instance acquired the
	 * lease (see {@link #checkTakeover(long, Duration)}); no pull before. Written by the maintenance
	 * thread.
	 */
	private volatile boolean takeoverChecked;

	/** Whether pulls wait until {@link #redeliveryWaitEnd} (a {@code System.nanoTime()}). */
	private volatile boolean awaitingRedelivery;

	private volatile long redeliveryWaitEnd;

	/**
	 * When the takeover check first saw another owner's un-acknowledged messages ({@code System.nanoTime()},
	 * 0: not yet). Maintenance thread only.
	 */
	private long takeoverSince;

	private @Nullable JetStreamSubscription subscription;

	private final Thread thread;

	NatsTopicConsumer(String topic, String subject, String stream, String durable, Connection connection,
			JetStream jetStream,
			NatsConsumerOptions options, KeyedExecutor executor, SubscriptionDispatcher<?> dispatcher,
			NatsSubscription owner, @Nullable NatsLease lease, @Nullable Integer partition, Runnable provisionConsumer,
			String threadName) {
		this.topic = topic;
		this.subject = subject;
		this.stream = stream;
		this.durable = durable;
		this.jetStream = jetStream;
		this.jetStreamConnection = connection;
		this.options = options;
		this.executor = executor;
		this.dispatcher = dispatcher;
		this.owner = owner;
		this.lease = lease;
		this.partition = partition;
		this.provisionConsumer = provisionConsumer;
		this.thread = new Thread(this, threadName);
		this.thread.setDaemon(true);
	}

	void start() {
		this.executor.addPressureListener(this.pressureListener);
		this.thread.start();
	}

	String topic() {
		return this.topic;
	}

	String stream() {
		return this.stream;
	}

	String durable() {
		return this.durable;
	}

	@Nullable NatsLease lease() {
		return this.lease;
	}

	/** @return the partition read, or null when the topic has one partition */
	@Nullable Integer partition() {
		return this.partition;
	}

	/** @return the durable consumer's pending count as last measured, -1 when not known */
	long numPending() {
		return this.numPending;
	}

	void numPending(long numPending) {
		this.numPending = numPending;
	}

	/** @return whether the balancer asked this consumer to stop pulling before its lease is handed over */
	boolean draining() {
		return this.draining;
	}

	/**
	 * Starts (or cancels) draining: no pull while draining. Maintenance thread.
	 * @param draining whether to drain
	 */
	void draining(boolean draining) {
		this.draining = draining;
		if (!draining) {
			signal();
		}
	}

	/**
	 * @return whether draining finished: the fetch thread does not pull and every message it fetched
	 * was acknowledged (or given up), so that the lease may go to another instance
	 */
	boolean drained() {
		return this.draining && !this.pulling && this.inFlight.isEmpty();
	}

	/** @return messages delivered and not yet acknowledged */
	int inFlight() {
		return this.inFlight.size();
	}

	@Override
	public void run() {
		while (!this.stopping) {
			try {
				// Before the check: the maintenance thread sets draining, then reads pulling (see drained()).
				this.pulling = true;
				if (!mayPull()) {
					this.pulling = false;
					awaitSignal(Duration.ofMillis(100));
					continue;
				}
				JetStreamSubscription pullSubscription = subscription();
				int room = Math.min(this.options.pullBatchSize(), this.options.maxAckPending() - this.inFlight.size());
				Iterator<Message> messages = pullSubscription.iterate(room, this.options.pullExpiry());
				List<Message> held = new ArrayList<>();
				while (messages.hasNext()) {
					Message message = messages.next();
					if (!message.isJetStream() || !track(message)) {
						continue;
					}
					if (held.isEmpty() && this.owner.mayFetch()) {
						hand(message);
					}
					else {
						held.add(message);
					}
				}
				if (!held.isEmpty()) {
					handAfterPause(held);
				}
				this.pulling = false;
			}
			catch (InterruptedException ex) {
				if (!this.stopping) {
					logger.warn("NATS consumer '{}' on '{}' interrupted; stopping", this.durable, this.subject);
				}
				break;
			}
			catch (RuntimeException | IOException | JetStreamApiException ex) {
				this.pulling = false;
				if (this.stopping) {
					break;
				}
				logger.warn("NATS consumer '{}' on '{}': pull failed ({}); retrying", this.durable, this.subject,
						ex.toString());
				dropSubscription();
				// For example the durable consumer was deleted (409, or "not found" on bind): create or
				// update it again before the next bind. Harmless when it exists.
				try {
					this.provisionConsumer.run();
				}
				catch (RuntimeException provisioning) {
					if (refusedForGood(provisioning)) {
						this.owner.refused(refusal(provisioning));
						break;
					}
					logger.warn("NATS consumer '{}': {}", this.durable, provisioning.getMessage());
				}
				try {
					awaitSignal(Duration.ofSeconds(1));
				}
				catch (InterruptedException interrupted) {
					break;
				}
			}
		}
	}

	private boolean mayPull() {
		// Not while disconnected: pulls would pile up in the reconnect buffer and all be answered at once.
		return this.jetStreamConnection.getStatus() == Connection.Status.CONNECTED && this.owner.mayFetch()
				&& active() && !this.executor.isUnderPressure() && this.inFlight.size() < this.options.maxAckPending();
	}

	/** @return whether this instance is the active consumer and no previous owner's redeliveries are due */
	private boolean active() {
		if (this.lease == null) {
			return true;
		}
		if (this.draining || !this.lease.held() || !this.takeoverChecked) {
			return false;
		}
		return !this.awaitingRedelivery || System.nanoTime() - this.redeliveryWaitEnd >= 0;
	}

	/** @return whether {@link #checkTakeover(long, Duration)} is done since the lease was acquired */
	boolean takeoverChecked() {
		return this.takeoverChecked;
	}

	/** The lease is not held (lost, or not acquired yet). Maintenance thread. */
	void leaseNotHeld() {
		this.takeoverChecked = false;
		this.takeoverSince = 0;
	}

	/**
	 * Called by the maintenance task after this instance acquired the lease, with the durable
	 * consumer's count of delivered and un-acknowledged messages, until the check is done. More than
	 * this instance holds means that a previous owner died (or closed) with messages un-acknowledged.
	 * JetStream redelivers them only when their ack-wait ran out (at the latest ack-wait after the
	 * takeover: the previous owner extended deadlines only while it held the lease) and then hands
	 * redeliveries out before new messages. Pulling earlier would run newer events of their keys first,
	 * so the first pull waits until ack-wait (plus a margin) has passed since the takeover.
	 *
	 * <p>After a graceful handover everything was acknowledged and pulling starts at once. As the
	 * server may count the previous owner's last acks a moment after its lease was released, a count
	 * above this instance's is confirmed once more at the next maintenance tick before waiting.
	 * @param ackPending the durable consumer's {@code num_ack_pending}, read after the lease tick
	 * @param serverAckWait the durable consumer's ack-wait on the server (it may differ from this
	 * instance's setting when another version created it), or {@code null} when unknown
	 */
	void checkTakeover(long ackPending, @Nullable Duration serverAckWait) {
		long now = System.nanoTime();
		long foreign = ackPending - this.inFlight.size();
		if (foreign <= 0) {
			this.awaitingRedelivery = false;
		}
		else if (this.takeoverSince == 0) {
			this.takeoverSince = (now == 0) ? 1 : now;
			return;
		}
		else {
			Duration ackWait = this.options.ackWait();
			if (serverAckWait != null && serverAckWait.compareTo(ackWait) > 0) {
				ackWait = serverAckWait;
			}
			Duration wait = ackWait.plus(REDELIVERY_MARGIN);
			this.redeliveryWaitEnd = this.takeoverSince + wait.toNanos();
			this.awaitingRedelivery = true;
			logger.info("NATS consumer '{}' on '{}': took over with {} events un-acknowledged by the previous "
					+ "owner; first pull {} after the takeover, when they are redelivered, to keep per-key order",
					this.durable, this.subject, foreign, wait);
		}
		this.takeoverChecked = true;
		signal();
	}

	private JetStreamSubscription subscription() throws IOException, JetStreamApiException {
		if (this.rebind) {
			this.rebind = false;
			dropSubscription();
		}
		JetStreamSubscription current = this.subscription;
		if (current == null || !current.isActive()) {
			current = this.jetStream.subscribe(this.subject, PullSubscribeOptions.bind(this.stream, this.durable));
			this.subscription = current;
		}
		return current;
	}

	private void dropSubscription() {
		JetStreamSubscription current = this.subscription;
		this.subscription = null;
		if (current != null) {
			try {
				current.unsubscribe();
			}
			catch (RuntimeException ex) {
				logger.debug("NATS consumer '{}': unsubscribe failed: {}", this.durable, ex.toString());
			}
		}
	}

	/**
	 * @return whether the message is new to this instance (now un-acknowledged here, its ack deadline
	 * kept alive); false for a redelivery of a message it still works on: the original's ack covers it
	 */
	private boolean track(Message message) {
		long sequence = message.metaData().streamSequence();
		if (this.inFlight.putIfAbsent(sequence, message) != null) {
			logger.debug("NATS consumer '{}': ignoring redelivery of sequence {} still in progress", this.durable,
					sequence);
			return false;
		}
		return true;
	}

	/**
	 * Messages a pull delivered after the subscription was paused: a pull in progress when pausing
	 * still delivers. They are not handed to the handler while paused (pause stops deliveries);
	 * they wait here, in order, with their ack deadline kept alive, and go on at resume. On close they
	 * are left un-acknowledged for redelivery.
	 */
	private void handAfterPause(List<Message> held) throws InterruptedException {
		while (!this.stopping && this.owner.paused()) {
			awaitSignal(Duration.ofMillis(100));
		}
		for (Message message : held) {
			if (this.stopping) {
				this.inFlight.remove(message.metaData().streamSequence());
			}
			else {
				hand(message);
			}
		}
	}

	private void hand(Message message) throws InterruptedException {
		long sequence = message.metaData().streamSequence();
		InboundMessage inbound = new InboundMessage(this.topic, toWire(message), this.partition, null, sequence);
		CompletableFuture<Outcome> done = null;
		while (done == null) {
			try {
				done = this.dispatcher.dispatch(inbound, DISPATCH_WAIT);
			}
			catch (RejectedExecutionException ex) {
				if (this.stopping || this.executor.isShutdown()) {
					// Not accepted: leave it un-acknowledged for redelivery.
					this.inFlight.remove(sequence);
					return;
				}
				if (Thread.interrupted()) {
					throw new InterruptedException();
				}
			}
		}
		done.whenComplete((outcome, error) -> complete(sequence, message, error));
	}

	private void complete(long sequence, Message message, @Nullable Throwable error) {
		try {
			if (error == null) {
				message.ack();
			}
			else if (!(NatsPublisher.rootCause(error) instanceof CancellationException)) {
				logger.warn("NATS consumer '{}': sequence {} not finished ({}); left for redelivery", this.durable,
						sequence, error.toString());
			}
		}
		catch (RuntimeException ex) {
			logger.warn("NATS consumer '{}': ack of sequence {} failed ({}); it will be redelivered", this.durable,
					sequence, ex.toString());
		}
		finally {
			this.inFlight.remove(sequence);
			signal();
		}
	}

	/**
	 * The durable consumer is gone (deleted by an operator, or lost with a memory stream): create it
	 * again and bind anew. Called by the maintenance task.
	 */
	void recreate() {
		logger.warn("NATS consumer '{}' on stream '{}' not found; creating it again", this.durable, this.stream);
		try {
			this.provisionConsumer.run();
			this.rebind = true;
		}
		catch (RuntimeException ex) {
			if (refusedForGood(ex)) {
				this.owner.refused(refusal(ex));
				return;
			}
			logger.warn("NATS consumer '{}': {}", this.durable, ex.getMessage());
		}
	}

	/**
	 * Whether the server refused the durable consumer in a way that retrying does not mend: its stream
	 * is gone, or the account is not allowed to use it (authorization or permissions violation).
	 * Anything else (timeouts, a disconnected server, a deleted consumer) is retried.
	 * @param error what creating or binding the consumer threw
	 * @return whether the subscription cannot go on
	 */
	static boolean refusedForGood(Throwable error) {
		for (Throwable cause = error; cause != null; cause = cause.getCause()) {
			if (cause instanceof JetStreamApiException api && api.getApiErrorCode() == STREAM_NOT_FOUND) {
				return true;
			}
			String message = cause.getMessage();
			if (message != null) {
				String lower = message.toLowerCase(Locale.ROOT);
				if (lower.contains("authorization violation") || lower.contains("permissions violation")) {
					return true;
				}
			}
		}
		return false;
	}

	private EventBusException refusal(Throwable cause) {
		return new EventBusException("NATS refused durable consumer '" + this.durable + "' on stream '" + this.stream
				+ "' (subject '" + this.subject + "') for good: " + cause.getMessage() + ". Provision the stream or "
				+ "grant the permissions, then close the subscription and subscribe again", cause);
	}

	/** Extends the ack deadline of every un-acknowledged message. Called by the bus scheduler. */
	void keepAlive() {
		for (Message message : this.inFlight.values()) {
			try {
				message.inProgress();
			}
			catch (RuntimeException ex) {
				logger.debug("NATS consumer '{}': in-progress failed: {}", this.durable, ex.toString());
				return;
			}
		}
	}

	/** Stops pulling; messages already fetched are still dispatched. */
	void stop() {
		this.stopping = true;
		this.executor.removePressureListener(this.pressureListener);
		signal();
	}

	/**
	 * @param timeout how long to wait for the fetch thread
	 * @return whether it ended
	 */
	boolean awaitFetchThread(Duration timeout) {
		try {
			this.thread.join(Math.max(1, timeout.toMillis()));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		if (this.thread.isAlive()) {
			this.thread.interrupt();
			return false;
		}
		return true;
	}

	/** Releases the jnats subscription (the durable consumer stays on the server). */
	void unsubscribe() {
		dropSubscription();
	}

	void signal() {
		this.lock.lock();
		try {
			this.wakeUp.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	private void awaitSignal(Duration timeout) throws InterruptedException {
		this.lock.lock();
		try {
			if (!this.stopping) {
				this.wakeUp.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	private static WireMessage toWire(Message message) {
		Map<String, String> headers = new LinkedHashMap<>();
		Headers natsHeaders = message.getHeaders();
		if (natsHeaders != null) {
			for (String name : natsHeaders.keySet()) {
				if (name.startsWith("Nats-")) {
					continue;
				}
				List<String> values = natsHeaders.get(name);
				if (values != null && !values.isEmpty()) {
					headers.put(name, NatsHeaderValues.decode(values.get(0)));
				}
			}
		}
		String key = headers.get(HeaderStyle.NATS.header("subject"));
		byte[] data = message.getData();
		return new WireMessage(key, headers, (data != null) ? data : new byte[0]);
	}

}

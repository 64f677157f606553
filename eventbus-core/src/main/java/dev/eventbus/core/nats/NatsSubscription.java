package dev.eventbus.core.nats;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;

import dev.eventbus.core.api.Subscription;
import dev.eventbus.core.support.SubscriptionDispatcher;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.ConsumerInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A subscription of a listener to one or more topics: one {@link NatsTopicConsumer} (and fetch
 * thread) per topic, one {@link SubscriptionDispatcher} for all of them.
 *
 * <p>Threads: the application calls {@link #pause()}, {@link #resume()} and {@link #close(Duration)};
 * the bus scheduler runs the ack keep-alive and the maintenance task (lease ticks and the lag
 * refresh, which calls the server and therefore stays off the fetch threads). State fields are
 * volatile.
 */
final class NatsSubscription implements Subscription {

	private static final Logger logger = LoggerFactory.getLogger(NatsSubscription.class);

	/** JetStream API error code: consumer not found. */
	private static final int CONSUMER_NOT_FOUND = 10014;

	private final String id;

	private final List<String> topics;

	private final String group;

	private final SubscriptionDispatcher<?> dispatcher;

	private final JetStreamManagement management;

	private final Duration defaultTimeout;

	private final Consumer<NatsSubscription> onClose;

	private final List<NatsTopicConsumer> consumers = new ArrayList<>();

	private final List<ScheduledFuture<?>> tasks = new ArrayList<>();

	private volatile State state = State.RUNNING;

	private volatile long lag = -1;

	NatsSubscription(String id, List<String> topics, String group, SubscriptionDispatcher<?> dispatcher,
			JetStreamManagement management, Duration defaultTimeout, Consumer<NatsSubscription> onClose) {
		this.id = id;
		this.topics = List.copyOf(topics);
		this.group = group;
		this.dispatcher = dispatcher;
		this.management = management;
		this.defaultTimeout = defaultTimeout;
		this.onClose = onClose;
	}

	void add(NatsTopicConsumer consumer) {
		this.consumers.add(consumer);
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

	boolean isPaused() {
		return this.state == State.PAUSED;
	}

	/** Extends the ack deadline of every un-acknowledged message. */
	void keepAlive() {
		for (NatsTopicConsumer consumer : this.consumers) {
			consumer.keepAlive();
		}
	}

	/** Ticks the single-active leases and refreshes the lag. Calls the server; bus scheduler only. */
	void maintain() {
		if (this.state == State.CLOSED) {
			return;
		}
		long total = 0;
		boolean known = true;
		for (NatsTopicConsumer consumer : this.consumers) {
			NatsLease lease = consumer.lease();
			boolean takingOver = false;
			if (lease != null) {
				lease.tick();
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
				if (takingOver) {
					consumer.checkTakeover(info.getNumAckPending(),
							(info.getConsumerConfiguration() != null) ? info.getConsumerConfiguration().getAckWait() : null);
				}
			}
			catch (JetStreamApiException ex) {
				known = false;
				if (ex.getApiErrorCode() == CONSUMER_NOT_FOUND) {
					consumer.recreate();
				}
			}
			catch (Exception ex) {
				known = false;
				logger.debug("NATS subscription '{}': lag of '{}' unknown: {}", this.id, consumer.durable(),
						ex.toString());
			}
		}
		this.lag = known ? total : -1;
	}

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
		if (this.state == State.RUNNING) {
			this.state = State.PAUSED;
		}
	}

	@Override
	public void resume() {
		if (this.state == State.PAUSED) {
			this.state = State.RUNNING;
			this.consumers.forEach(NatsTopicConsumer::signal);
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
	public void close() {
		close(this.defaultTimeout);
	}

	@Override
	public synchronized void close(Duration timeout) {
		if (this.state == State.CLOSED) {
			return;
		}
		this.state = State.CLOSED;
		long deadline = System.nanoTime() + timeout.toNanos();
		this.consumers.forEach(NatsTopicConsumer::stop);
		for (NatsTopicConsumer consumer : this.consumers) {
			consumer.awaitFetchThread(remaining(deadline).plus(consumerFetchBound()));
		}
		// Drain: wait for what was fetched to finish and be acknowledged; keep-alive continues.
		while (unfinished() > 0 && System.nanoTime() < deadline) {
			try {
				Thread.sleep(10);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		int left = unfinished();
		this.dispatcher.close();
		this.tasks.forEach((task) -> task.cancel(false));
		for (NatsTopicConsumer consumer : this.consumers) {
			consumer.unsubscribe();
			NatsLease lease = consumer.lease();
			if (lease != null) {
				if (left == 0) {
					lease.release();
				}
				else {
					// Let the lease expire rather than hand the group over while events are un-acknowledged.
					lease.abandon();
				}
			}
		}
		if (left > 0) {
			logger.warn("NATS subscription '{}' closed with {} events unfinished after {}; they stay "
					+ "un-acknowledged and are redelivered after ack-wait", this.id, left, timeout);
		}
		this.onClose.accept(this);
	}

	private Duration consumerFetchBound() {
		return Duration.ofSeconds(2);
	}

	private int unfinished() {
		int total = 0;
		for (NatsTopicConsumer consumer : this.consumers) {
			total += consumer.inFlight();
		}
		return total;
	}

	private static Duration remaining(long deadline) {
		return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
	}

}

package dev.eventbus.core.support;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import dev.eventbus.core.api.Subscription;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state machine and close sequence every transport's subscription shares. A transport adds its
 * consumer loop and implements the hooks: {@link #onPaused()} / {@link #onResumed()} to stop and
 * restart fetching, {@link #onFailed(Throwable)} to stop its loop after a failure,
 * {@link #stopFetching()} and {@link #release(long, long)} for close.
 *
 * <p>States: {@code RUNNING} after subscribe; {@code PAUSED} between {@link #pause()} and
 * {@link #resume()}; {@code FAILED} once {@link #fail(Throwable)} was called (by the transport when
 * the broker refuses it for good, or by the dispatcher when a handler threw a
 * {@link VirtualMachineError}); {@code CLOSED} from the start of {@link #close(Duration)}. A transport's
 * loop fetches only while {@link #fetching()} is true.
 *
 * <p>Close: state CLOSED, {@link #stopFetching()}, wait until every dispatched event finished or the
 * deadline passed, close the dispatcher (what had not started is left for redelivery),
 * {@link #release(long, long)} (final commit or ack, client released), then the bus forgets the
 * subscription.
 *
 * <p>Threads: application threads call {@code pause}, {@code resume} and {@code close}; the
 * dispatcher's workers may call {@code fail}; state changes happen under one monitor and the state
 * field is volatile, read by the transport's fetch threads.
 */
public abstract class AbstractSubscription implements Subscription {

	private static final Logger logger = LoggerFactory.getLogger(AbstractSubscription.class);

	private final String transport;

	private final String id;

	private final List<String> topics;

	private final String group;

	private final SubscriptionDispatcher<?> dispatcher;

	private final Duration defaultCloseTimeout;

	private final Consumer<AbstractSubscription> onClosed;

	private final Object lock = new Object();

	private volatile State state = State.RUNNING;

	private volatile @Nullable Throwable failure;

	/** Guarded by {@link #lock}. */
	private boolean closing;

	/**
	 * @param request what the bus handed the transport's {@code open}
	 */
	protected AbstractSubscription(SubscriptionRequest<?> request) {
		this.transport = request.transport();
		this.id = request.id();
		this.topics = request.topics();
		this.group = request.group();
		this.dispatcher = request.dispatcher();
		this.defaultCloseTimeout = request.defaultCloseTimeout();
		this.onClosed = request.onClosed();
		this.dispatcher.onFatal(this::fail);
	}

	@Override
	public final String id() {
		return this.id;
	}

	@Override
	public final List<String> topics() {
		return this.topics;
	}

	@Override
	public final String group() {
		return this.group;
	}

	@Override
	public final State state() {
		return this.state;
	}

	@Override
	public final @Nullable Throwable failure() {
		return this.failure;
	}

	/** @return the transport name */
	protected final String transport() {
		return this.transport;
	}

	/** @return the dispatcher the consumer loop feeds */
	protected final SubscriptionDispatcher<?> dispatcher() {
		return this.dispatcher;
	}

	/** @return whether the consumer loop may fetch: the state is RUNNING */
	protected final boolean fetching() {
		return this.state == State.RUNNING;
	}

	@Override
	public final void pause() {
		synchronized (this.lock) {
			if (this.state != State.RUNNING) {
				return;
			}
			this.state = State.PAUSED;
		}
		onPaused();
	}

	@Override
	public final void resume() {
		synchronized (this.lock) {
			if (this.state != State.PAUSED) {
				return;
			}
			this.state = State.RUNNING;
		}
		onResumed();
	}

	@Override
	public long pending() {
		return this.dispatcher.pending();
	}

	@Override
	public long lag() {
		return -1;
	}

	/**
	 * Stops the subscription for good: state FAILED, the dispatcher starts nothing more, and the
	 * transport stops its loop ({@link #onFailed(Throwable)}). Events not finished are not committed
	 * or acknowledged, so the broker delivers them again (to another instance of the group, or to a
	 * new subscription). Does nothing once closing or failed. Must not block.
	 * @param cause why it cannot go on
	 */
	protected final void fail(Throwable cause) {
		synchronized (this.lock) {
			if (this.closing || this.state == State.FAILED) {
				return;
			}
			this.failure = cause;
			this.state = State.FAILED;
		}
		this.dispatcher.stop(cause);
		logger.error("{} subscription '{}' FAILED and stopped consuming; what it had not finished is left for "
				+ "redelivery. Close it and subscribe again once the cause is fixed: {}", this.transport, this.id,
				cause.toString(), cause);
		try {
			onFailed(cause);
		}
		catch (RuntimeException ex) {
			logger.warn("{} subscription '{}' could not stop its consumer cleanly after failing", this.transport,
					this.id, ex);
		}
	}

	@Override
	public final void close() {
		close(this.defaultCloseTimeout);
	}

	@Override
	public final void close(Duration timeout) {
		closeBy(System.nanoTime() + Math.max(0, timeout.toNanos()));
	}

	/**
	 * Closes within a deadline shared with other work (the bus closes all its subscriptions under one).
	 * Idempotent; a second caller returns at once.
	 * @param deadline {@link System#nanoTime()} by which to be done
	 */
	final void closeBy(long deadline) {
		synchronized (this.lock) {
			if (this.closing) {
				return;
			}
			this.closing = true;
			this.state = State.CLOSED;
		}
		try {
			stopFetching();
			awaitDrained(deadline);
			long unfinished = this.dispatcher.pending();
			this.dispatcher.close();
			release(unfinished, deadline);
			if (unfinished > 0) {
				logger.warn("{} subscription '{}' closed with {} event(s) unfinished; they are left for redelivery",
						this.transport, this.id, unfinished);
			}
		}
		catch (RuntimeException ex) {
			logger.warn("{} subscription '{}' did not close cleanly", this.transport, this.id, ex);
		}
		finally {
			this.dispatcher.close();
			this.onClosed.accept(this);
		}
	}

	private void awaitDrained(long deadline) {
		while (this.dispatcher.pending() > 0) {
			long left = deadline - System.nanoTime();
			if (left <= 0 || Thread.currentThread().isInterrupted()) {
				return;
			}
			LockSupport.parkNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(5)));
		}
	}

	/** After {@link #pause()}: stop fetching (the loop also reads {@link #fetching()}). */
	protected void onPaused() {
	}

	/** After {@link #resume()}: wake the loop. */
	protected void onResumed() {
	}

	/**
	 * After {@link #fail(Throwable)}: stop the consumer loop without waiting; commit or acknowledge
	 * nothing that did not finish. Called on the failing thread (a worker or the loop itself).
	 * @param cause why it failed
	 */
	protected abstract void onFailed(Throwable cause);

	/** First step of close: stop fetching new events; keep what is needed to commit what finishes. */
	protected abstract void stopFetching();

	/**
	 * Last step of close, after in-flight work finished or the deadline passed and the dispatcher
	 * was closed: commit or acknowledge what finished, release the client, leases and threads.
	 * @param unfinished events dispatched and not finished (left for redelivery)
	 * @param deadline {@link System#nanoTime()} by which close should be done
	 */
	protected abstract void release(long unfinished, long deadline);

	/**
	 * @param deadline a {@link System#nanoTime()} deadline
	 * @return the time left until it, never negative
	 */
	protected static Duration remaining(long deadline) {
		return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
	}

	@Override
	public String toString() {
		return getClass().getSimpleName() + "{id=" + this.id + ", state=" + this.state + "}";
	}

}

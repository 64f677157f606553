package dev.eventbus.core.keyed;

import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * High/low watermarks of a {@link KeyedExecutor} with hysteresis, the time spent under pressure, and
 * delivery to {@link PressureListener}s.
 *
 * <p>Threads: submitters call {@link #afterIncrease(int)}, finishing threads (workers, threads that
 * complete asynchronous stages, the shutdown caller) call {@link #afterDecrease()}; both only
 * read the volatile {@code underPressure} on the fast path. A transition is decided under this
 * object's monitor, which re-reads the pending count after each change, so a racing increase and
 * decrease cannot leave the flag stale. Listeners are called after the monitor is released, by
 * whichever thread wins the {@code deliveries} counter (a drain loop: other threads only bump the
 * counter and leave, so nobody blocks on a slow listener). Each registration remembers what its
 * listener was last told ({@code told}, touched only by the draining thread), so listeners see
 * strictly alternating values ending in the current state; quick high-low-high flips may be
 * merged.
 */
final class PressureSignal {

	private static final Logger logger = LoggerFactory.getLogger(PressureSignal.class);

	private final int highTasks;

	private final int lowTasks;

	private final IntSupplier pending;

	private volatile boolean underPressure;

	/** Guarded by this. */
	private long pressureSince;

	/** Guarded by this. */
	private long accumulatedNanos;

	private final CopyOnWriteArrayList<Registration> registrations = new CopyOnWriteArrayList<>();

	private final AtomicInteger deliveries = new AtomicInteger();

	/**
	 * @param highTasks pending count at or above which pressure is high (at least 1)
	 * @param lowTasks pending count at or below which pressure is gone; kept below {@code highTasks}
	 * (with a tiny bound both fractions can round to the same count)
	 * @param pending reads the current pending count
	 */
	PressureSignal(int highTasks, int lowTasks, IntSupplier pending) {
		this.highTasks = highTasks;
		this.lowTasks = Math.min(lowTasks, highTasks - 1);
		this.pending = pending;
	}

	/** @param pendingNow the pending count or an upper estimate of it */
	void afterIncrease(int pendingNow) {
		if (!this.underPressure && pendingNow >= this.highTasks) {
			evaluate();
		}
	}

	/** After tasks finished; reads the pending count only while under pressure. */
	void afterDecrease() {
		if (this.underPressure && this.pending.getAsInt() <= this.lowTasks) {
			evaluate();
		}
	}

	boolean isUnderPressure() {
		return this.underPressure;
	}

	synchronized Duration timeUnderPressure() {
		long nanos = this.accumulatedNanos;
		if (this.underPressure) {
			nanos += System.nanoTime() - this.pressureSince;
		}
		return Duration.ofNanos(nanos);
	}

	void add(PressureListener listener) {
		this.registrations.add(new Registration(listener));
		deliver();
	}

	void remove(PressureListener listener) {
		this.registrations.removeIf((registration) -> registration.listener == listener);
	}

	private void evaluate() {
		boolean changed = false;
		synchronized (this) {
			for (;;) {
				int count = this.pending.getAsInt();
				if (!this.underPressure && count >= this.highTasks) {
					this.underPressure = true;
					this.pressureSince = System.nanoTime();
				}
				else if (this.underPressure && count <= this.lowTasks) {
					this.underPressure = false;
					this.accumulatedNanos += System.nanoTime() - this.pressureSince;
				}
				else {
					break;
				}
				changed = true;
			}
		}
		if (changed) {
			deliver();
		}
	}

	private void deliver() {
		if (this.deliveries.getAndIncrement() != 0) {
			return;
		}
		int missed = 1;
		do {
			boolean high = this.underPressure;
			for (Registration registration : this.registrations) {
				if (registration.told != high) {
					registration.told = high;
					try {
						registration.listener.onPressureChanged(high);
					}
					catch (RuntimeException ex) {
						logger.warn("Pressure listener {} failed on onPressureChanged({})", registration.listener, high,
								ex);
					}
				}
			}
			missed = this.deliveries.addAndGet(-missed);
		}
		while (missed != 0);
	}

	private static final class Registration {

		final PressureListener listener;

		/** What the listener was last told; only the draining thread touches it. */
		boolean told;

		Registration(PressureListener listener) {
			this.listener = listener;
		}

	}

}

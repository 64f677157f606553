package dev.eventbus.core.keyed;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Tasks started and completed by one worker thread of a {@link KeyedExecutor}. A {@code LongAdder}
 * has at most as many cells as the machine has CPUs, so with more workers than CPUs they would share
 * (and bounce) cells on every task; here each counter is written only by its own worker.
 *
 * <p>Threads: written only by the owning worker ({@link WorkerThread}); read by any thread (the
 * bound, metrics, shutdown). {@code started} is published with a release store (readers only need a
 * monotonic value); {@code completed} with a volatile store, because the bound's wake-up protocol
 * needs the count written before the worker reads {@code waiters} (see {@link PendingGate}). The
 * padding keeps the counters of different workers on different cache lines.
 */
final class WorkerCounters {

	private static final VarHandle STARTED;

	private static final VarHandle COMPLETED;

	static {
		try {
			MethodHandles.Lookup lookup = MethodHandles.lookup();
			STARTED = lookup.findVarHandle(WorkerCounters.class, "started", long.class);
			COMPLETED = lookup.findVarHandle(WorkerCounters.class, "completed", long.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	@SuppressWarnings("unused")
	private long pad0, pad1, pad2, pad3, pad4, pad5, pad6;

	private long started;

	private long completed;

	@SuppressWarnings("unused")
	private long pad7, pad8, pad9, pad10, pad11, pad12, pad13;

	/** Owning worker only. */
	void started() {
		STARTED.setRelease(this, this.started + 1);
	}

	/** Owning worker only. */
	void completed() {
		COMPLETED.setVolatile(this, this.completed + 1);
	}

	long startedCount() {
		return (long) STARTED.getAcquire(this);
	}

	long completedCount() {
		return (long) COMPLETED.getVolatile(this);
	}

	/** A worker thread of one executor, carrying its counters. */
	static final class WorkerThread extends Thread {

		final KeyedExecutor owner;

		final WorkerCounters counters;

		WorkerThread(Runnable runnable, String name, KeyedExecutor owner, WorkerCounters counters) {
			super(runnable, name);
			this.owner = owner;
			this.counters = counters;
		}

	}

}

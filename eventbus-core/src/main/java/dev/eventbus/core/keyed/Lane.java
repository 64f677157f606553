package dev.eventbus.core.keyed;

import java.util.ArrayDeque;

import org.jspecify.annotations.Nullable;

/**
 * The FIFO queue of one key, scheduled onto the shared pool as a unit: while a lane is
 * {@link #SCHEDULED} it sits in the pool's queue once; while it is {@link #ACTIVE} exactly one
 * worker (or one asynchronous stage) owns it, so tasks of one key never overlap and run in the order
 * they were offered.
 *
 * <p>A worker runs at most {@link #BATCH} tasks or {@link #SLICE_NANOS} of work in one turn, then puts
 * the lane back at the end of the pool's queue, so a busy key cannot keep a worker to itself.
 * A lane that runs out of tasks {@link #RETIRED retires}: it leaves the executor's lane map and
 * accepts nothing more (a submitter that still holds it looks the key up again).
 *
 * <p>Threads: {@code state} and {@code queue} are guarded by this lane's monitor. Submitters call
 * {@link #offer}; the worker owning the lane calls {@link #run()}; the thread completing an
 * asynchronous task's stage calls {@link #resume()}; the shutdown caller calls
 * {@link #discardQueued()}. Tasks run outside the monitor.
 */
final class Lane implements Runnable {

	/** Most tasks a worker runs from one lane before putting it back in line. */
	static final int BATCH = 32;

	/** Longest a worker stays on one lane before putting it back in line (checked between tasks). */
	static final long SLICE_NANOS = 1_000_000L;

	static final int NEW = 0;

	static final int SCHEDULED = 1;

	static final int ACTIVE = 2;

	static final int RETIRED = 3;

	/** {@link #offer} results. */
	static final int ADDED = 0;

	static final int ADDED_SCHEDULE = 1;

	static final int RETRY = 2;

	static final int REFUSED = 3;

	private final Object key;

	private final KeyedExecutor owner;

	private final ArrayDeque<KeyedTask> queue = new ArrayDeque<>(4);

	private int state = NEW;

	Lane(Object key, KeyedExecutor owner) {
		this.key = key;
		this.owner = owner;
	}

	Object key() {
		return this.key;
	}

	/**
	 * Appends a task (submitter thread).
	 * @return {@link #ADDED}; {@link #ADDED_SCHEDULE} when the caller must schedule the lane;
	 * {@link #RETRY} when the lane retired (look the key up again); {@link #REFUSED} when the
	 * executor is discarding work at shutdown
	 */
	synchronized int offer(KeyedTask task) {
		if (this.state == RETIRED) {
			return RETRY;
		}
		if (this.owner.isDiscarding()) {
			return REFUSED;
		}
		this.queue.addLast(task);
		if (this.state == NEW) {
			this.state = SCHEDULED;
			return ADDED_SCHEDULE;
		}
		return ADDED;
	}

	/** One turn of a worker on this lane. */
	@Override
	public void run() {
		this.owner.workerBusy(1);
		try {
			long sliceEnd = System.nanoTime() + SLICE_NANOS;
			for (int done = 0;;) {
				KeyedTask task = next();
				if (task == null) {
					return;
				}
				if (!task.start()) {
					return; // an asynchronous stage holds the lane; its completion resumes it
				}
				if (!this.owner.isDiscarding()) {
					Thread.interrupted(); // a task's stray interrupt must not reach the next task
				}
				if (++done >= BATCH || System.nanoTime() - sliceEnd > 0) {
					if (requeue()) {
						this.owner.schedule(this);
					}
					return;
				}
			}
		}
		finally {
			this.owner.workerBusy(-1);
		}
	}

	/** After an asynchronous task finished (any thread): retire, or line up for a worker again. */
	void resume() {
		if (requeue()) {
			this.owner.schedule(this);
		}
	}

	/**
	 * Shutdown caller, after the deadline: cancels the queued tasks and retires the lane unless a
	 * task of it is still in progress (that task's end retires it).
	 * @return number of tasks discarded
	 */
	int discardQueued() {
		ArrayDeque<KeyedTask> discarded;
		synchronized (this) {
			discarded = new ArrayDeque<>(this.queue);
			this.queue.clear();
			if (this.state != ACTIVE) {
				retire();
			}
		}
		for (KeyedTask task : discarded) {
			task.discard();
		}
		return discarded.size();
	}

	private synchronized @Nullable KeyedTask next() {
		if (this.state == RETIRED) {
			return null;
		}
		KeyedTask task = this.queue.pollFirst();
		if (task == null) {
			retire();
			return null;
		}
		this.state = ACTIVE;
		return task;
	}

	/** @return true if the lane has work left and must be scheduled, false if it retired */
	private synchronized boolean requeue() {
		if (this.state == RETIRED) {
			return false;
		}
		if (this.queue.isEmpty()) {
			retire();
			return false;
		}
		this.state = SCHEDULED;
		return true;
	}

	/** Under the monitor. */
	private void retire() {
		this.state = RETIRED;
		this.owner.removeLane(this.key, this);
	}

	@Override
	public String toString() {
		return "Lane[" + this.key + "]";
	}

}

package dev.eventbus.core.keyed;

import org.jspecify.annotations.Nullable;

/**
 * The FIFO queue of one key, scheduled onto the shared pool as a unit: while a lane is
 * {@link #SCHEDULED} it sits in the pool's queue once; while it is {@link #ACTIVE} exactly one
 * worker (or one asynchronous stage) owns it, so tasks of one key never overlap and run in the order
 * they were offered.
 *
 * <p>A worker runs at most {@link #BATCH} tasks or {@link #SLICE_NANOS} of work in one turn, then puts
 * the lane back at the end of the pool's queue, so a busy key cannot keep a worker to itself.
 * A lane that runs out of tasks {@link #RETIRED retires}: it accepts nothing more and leaves the
 * executor's lane map right after (outside the monitor); a submitter that still finds it there
 * removes it itself and looks the key up again.
 *
 * <p>Threads: {@code state} and the queue ({@code head}, {@code tail}, {@link KeyedTask#next}) are
 * guarded by this lane's monitor. Submitters call {@link #offer}; the worker owning the lane calls
 * {@link #run()}; the thread completing an asynchronous task's stage calls {@link #resume()}; the
 * shutdown caller calls {@link #discardQueued()}. Tasks run outside the monitor. Once the shutdown
 * deadline passed, a worker starts no further task of the lane and leaves the rest to
 * {@link #discardQueued()}.
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

	/** Queued tasks, linked through {@link KeyedTask#next}. */
	private @Nullable KeyedTask head;

	private @Nullable KeyedTask tail;

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
		task.lane = this;
		if (this.tail == null) {
			this.head = task;
		}
		else {
			this.tail.next = task;
		}
		this.tail = task;
		if (this.state == NEW) {
			this.state = SCHEDULED;
			return ADDED_SCHEDULE;
		}
		return ADDED;
	}

	/** One turn of a worker on this lane. */
	@Override
	public void run() {
		long sliceStart = 0;
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
			if (++done >= BATCH) {
				break;
			}
			if (this.head != null) { // unsynchronized hint: only decides when to look at the clock
				long now = System.nanoTime();
				if (sliceStart == 0) {
					sliceStart = now; // the slice starts after the first task, so a lane of one task reads no clock
				}
				else if (now - sliceStart > SLICE_NANOS) {
					break;
				}
			}
		}
		if (requeue()) {
			this.owner.schedule(this);
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
		KeyedTask discarded;
		boolean retired = false;
		synchronized (this) {
			discarded = this.head;
			this.head = null;
			this.tail = null;
			if (this.state != ACTIVE && this.state != RETIRED) {
				this.state = RETIRED;
				retired = true;
			}
		}
		if (retired) {
			this.owner.removeLane(this.key, this);
		}
		int count = 0;
		while (discarded != null) {
			KeyedTask following = discarded.next;
			discarded.next = null;
			discarded.discard();
			discarded = following;
			count++;
		}
		return count;
	}

	/** @return the next task, the lane now {@link #ACTIVE}; or null, the lane retired */
	private @Nullable KeyedTask next() {
		synchronized (this) {
			if (this.state == RETIRED) {
				return null;
			}
			KeyedTask task = this.head;
			if (task != null && this.owner.isDiscarding()) {
				// past the shutdown deadline: start nothing more; the shutdown caller discards the rest
				this.state = SCHEDULED;
				return null;
			}
			if (task != null) {
				this.head = task.next;
				if (this.head == null) {
					this.tail = null;
				}
				task.next = null;
				this.state = ACTIVE;
				return task;
			}
			this.state = RETIRED;
		}
		this.owner.removeLane(this.key, this);
		return null;
	}

	/** @return true if the lane has work left and must be scheduled, false if it retired */
	private boolean requeue() {
		synchronized (this) {
			if (this.state == RETIRED) {
				return false;
			}
			if (this.head != null) {
				this.state = SCHEDULED;
				return true;
			}
			this.state = RETIRED;
		}
		this.owner.removeLane(this.key, this);
		return false;
	}

	@Override
	public String toString() {
		return "Lane[" + this.key + "]";
	}

}

package dev.eventbus.core.keyed;

import org.jspecify.annotations.Nullable;

/**
 * The FIFO queue of one key, scheduled onto the shared pool as a unit: while a lane is
 * {@link #SCHEDULED} it sits in the pool's queue once; while it is {@link #ACTIVE} exactly one
 * worker (or one asynchronous stage) owns it, so tasks of one key never overlap and run in the order
 * they were offered.
 *
 * <p>A lane is created by the first task of its key, already {@link #SCHEDULED} (see
 * {@link LaneTable#offer}). A worker runs at most {@link #BATCH} tasks or {@link #SLICE_NANOS} of
 * work in one turn, then puts the lane back at the end of the pool's queue, so a busy key cannot keep
 * a worker to itself. A lane that runs out of tasks {@link #RETIRED retires} and leaves its
 * {@link LaneTable.Stripe stripe} in the same step, so no submitter can append to a retired lane.
 *
 * <p>Threads: {@code state}, the queue ({@code head}, {@code tail}, {@link KeyedTask#next}) and
 * {@link #nextInBucket} are guarded by the monitor of the lane's {@link LaneTable.Stripe stripe}.
 * Submitters append through {@link LaneTable#offer}; the worker owning the lane calls {@link #run()};
 * the thread completing an asynchronous task's stage calls {@link #resume()}; the shutdown caller
 * calls {@link #discardQueued()}. Tasks run outside the monitor. Once the shutdown deadline passed,
 * a worker starts no further task of the lane and leaves the rest to {@link #discardQueued()}.
 */
final class Lane implements Runnable {

	/** Most tasks a worker runs from one lane before putting it back in line. */
	static final int BATCH = 32;

	/** Longest a worker stays on one lane before putting it back in line (checked between tasks). */
	static final long SLICE_NANOS = 1_000_000L;

	static final int SCHEDULED = 1;

	static final int ACTIVE = 2;

	static final int RETIRED = 3;

	final Object key;

	/** Spread hash of {@link #key}, as {@link LaneTable} computes it. */
	final int hash;

	private final LaneTable.Stripe stripe;

	private final KeyedExecutor owner;

	/** Next lane in the same bucket of the stripe's table. */
	@Nullable Lane nextInBucket;

	/** Queued tasks, linked through {@link KeyedTask#next}. */
	private @Nullable KeyedTask<?> head;

	private @Nullable KeyedTask<?> tail;

	private int state = SCHEDULED;

	Lane(Object key, int hash, LaneTable.Stripe stripe, KeyedExecutor owner) {
		this.key = key;
		this.hash = hash;
		this.stripe = stripe;
		this.owner = owner;
	}

	Object key() {
		return this.key;
	}

	/** Appends a task; the caller holds the stripe's monitor and found the lane in the stripe. */
	void append(KeyedTask<?> task) {
		task.lane = this;
		KeyedTask<?> last = this.tail;
		if (last == null) {
			this.head = task;
		}
		else {
			last.next = task;
		}
		this.tail = task;
	}

	/** One turn of a worker on this lane. */
	@Override
	public void run() {
		long sliceStart = 0;
		for (int done = 0;;) {
			KeyedTask<?> task = next();
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
		KeyedTask<?> discarded;
		synchronized (this.stripe) {
			discarded = this.head;
			this.head = null;
			this.tail = null;
			if (this.state == SCHEDULED) {
				retire();
			}
		}
		int count = 0;
		while (discarded != null) {
			KeyedTask<?> following = discarded.next;
			discarded.next = null;
			discarded.discard();
			discarded = following;
			count++;
		}
		return count;
	}

	/** @return the next task, the lane now {@link #ACTIVE}; or null, the lane retired or left to the shutdown */
	private @Nullable KeyedTask<?> next() {
		synchronized (this.stripe) {
			if (this.state == RETIRED) {
				return null;
			}
			KeyedTask<?> task = this.head;
			if (task == null) {
				retire();
				return null;
			}
			if (this.owner.isDiscarding()) {
				// past the shutdown deadline: start nothing more; the shutdown caller discards the rest
				this.state = SCHEDULED;
				return null;
			}
			KeyedTask<?> following = task.next;
			this.head = following;
			if (following == null) {
				this.tail = null;
			}
			task.next = null;
			this.state = ACTIVE;
			return task;
		}
	}

	/** @return true if the lane has work left and must be scheduled, false if it retired */
	private boolean requeue() {
		synchronized (this.stripe) {
			if (this.state == RETIRED) {
				return false;
			}
			if (this.head != null) {
				this.state = SCHEDULED;
				return true;
			}
			retire();
			return false;
		}
	}

	/** Caller holds the stripe's monitor. */
	private void retire() {
		this.state = RETIRED;
		this.stripe.remove(this);
	}

	@Override
	public String toString() {
		return "Lane[" + this.key + "]";
	}

}

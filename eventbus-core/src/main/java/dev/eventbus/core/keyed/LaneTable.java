package dev.eventbus.core.keyed;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The live lanes of a {@link KeyedExecutor}, striped by key hash. Each {@link Stripe} is a small
 * chained hash table whose nodes are the lanes themselves (linked through {@link Lane#nextInBucket}),
 * so that creating and removing a lane allocates nothing but the lane. A stripe's monitor guards its
 * table <em>and</em> the state and queue of every lane in it: a submitter appends a task with one
 * monitor enter (lookup, create if absent, append), and a worker that finds its lane empty retires
 * it and unlinks it under that same monitor, so a submitter never finds a retired lane.
 *
 * <p>Threads: submitters ({@link #offer}), the worker owning a lane and the thread completing an
 * asynchronous stage (through {@link Lane}), the shutdown caller ({@link #snapshot()}) and metric
 * readers ({@link #size()}) each enter one stripe's monitor at a time; nobody holds two.
 */
final class LaneTable {

	/** {@link #offer} results. */
	static final int ADDED = 0;

	/** The task started a new lane: the caller must schedule it. */
	static final int ADDED_SCHEDULE = 1;

	/** The executor is discarding work at shutdown: the task was not added. */
	static final int REFUSED = 2;

	private final KeyedExecutor owner;

	private final Stripe[] stripes;

	private final int stripeShift;

	/** @param workers worker count; the stripe count grows with it so that workers rarely meet */
	LaneTable(KeyedExecutor owner, int workers) {
		this.owner = owner;
		int count = Integer.highestOneBit(Math.max(16, Math.min(256, workers * 8)) - 1) << 1;
		this.stripes = new Stripe[count];
		for (int i = 0; i < count; i++) {
			this.stripes[i] = new Stripe();
		}
		this.stripeShift = 32 - Integer.numberOfTrailingZeros(count);
	}

	/**
	 * Appends a task to its key's lane, creating the lane if the key has none (submitter thread).
	 * @return {@link #ADDED}, {@link #ADDED_SCHEDULE} (schedule {@code task.lane}), or {@link #REFUSED}
	 */
	int offer(Object key, KeyedTask<?> task) {
		int hash = spread(key.hashCode());
		Stripe stripe = this.stripes[hash >>> this.stripeShift];
		synchronized (stripe) {
			if (this.owner.isDiscarding()) {
				return REFUSED;
			}
			Lane lane = stripe.find(key, hash);
			if (lane != null) {
				lane.append(task);
				return ADDED;
			}
			lane = new Lane(key, hash, stripe, this.owner);
			lane.append(task);
			stripe.insert(lane);
			return ADDED_SCHEDULE;
		}
	}

	/** @return live lanes (reads every stripe under its monitor; for metrics and tests) */
	int size() {
		int total = 0;
		for (Stripe stripe : this.stripes) {
			synchronized (stripe) {
				total += stripe.size;
			}
		}
		return total;
	}

	/** @return the live lanes at the time each stripe was read (shutdown caller) */
	List<Lane> snapshot() {
		List<Lane> all = new ArrayList<>();
		for (Stripe stripe : this.stripes) {
			synchronized (stripe) {
				for (Lane first : stripe.table) {
					for (Lane lane = first; lane != null; lane = lane.nextInBucket) {
						all.add(lane);
					}
				}
			}
		}
		return all;
	}

	/** Mixes all bits of a hash code into the high bits (stripe) and the low bits (bucket). */
	private static int spread(int h) {
		h ^= h >>> 16;
		h *= 0x85EBCA6B;
		h ^= h >>> 13;
		h *= 0xC2B2AE35;
		return h ^ (h >>> 16);
	}

	/**
	 * One stripe: a chained hash table of lanes, every field guarded by this object's monitor. The
	 * padding keeps stripes that different threads lock on different cache lines.
	 */
	static final class Stripe {

		private static final int INITIAL_CAPACITY = 16;

		@Nullable Lane[] table = new Lane[INITIAL_CAPACITY];

		int size;

		@SuppressWarnings("unused")
		private long pad1, pad2, pad3, pad4, pad5, pad6, pad7;

		@Nullable Lane find(Object key, int hash) {
			Lane[] tab = this.table;
			for (Lane lane = tab[hash & (tab.length - 1)]; lane != null; lane = lane.nextInBucket) {
				if (lane.hash == hash && (lane.key == key || lane.key.equals(key))) {
					return lane;
				}
			}
			return null;
		}

		void insert(Lane lane) {
			if (this.size >= this.table.length - (this.table.length >>> 2)) {
				resize(this.table.length << 1);
			}
			Lane[] tab = this.table;
			int index = lane.hash & (tab.length - 1);
			lane.nextInBucket = tab[index];
			tab[index] = lane;
			this.size++;
		}

		/** Unlinks a lane known to be in this stripe. */
		void remove(Lane lane) {
			Lane[] tab = this.table;
			int index = lane.hash & (tab.length - 1);
			Lane previous = null;
			for (Lane current = tab[index]; current != null; current = current.nextInBucket) {
				if (current == lane) {
					if (previous == null) {
						tab[index] = current.nextInBucket;
					}
					else {
						previous.nextInBucket = current.nextInBucket;
					}
					current.nextInBucket = null;
					this.size--;
					if (this.size == 0 && tab.length > INITIAL_CAPACITY * 4) {
						this.table = new Lane[INITIAL_CAPACITY]; // give back a table grown by a burst of keys
					}
					return;
				}
				previous = current;
			}
		}

		private void resize(int capacity) {
			Lane[] grown = new Lane[capacity];
			for (Lane first : this.table) {
				Lane lane = first;
				while (lane != null) {
					Lane following = lane.nextInBucket;
					int index = lane.hash & (capacity - 1);
					lane.nextInBucket = grown[index];
					grown[index] = lane;
					lane = following;
				}
			}
			this.table = grown;
		}

	}

}

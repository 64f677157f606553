package dev.eventbus.core.api;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A running subscription of a listener to topics. Thread-safe.
 */
public interface Subscription extends AutoCloseable {

	/** Lifecycle states. */
	enum State {

		/** Consuming. */
		RUNNING,

		/** Not fetching new events; in-flight work continues. */
		PAUSED,

		/** Closed by the application or the bus. */
		CLOSED,

		/**
		 * Stopped by an error it could not recover from ({@link Subscription#failure()}): the broker
		 * refused the credentials, or a handler threw a {@link VirtualMachineError}. It fetches nothing
		 * more; what it had not finished is left for redelivery. Close it and subscribe again.
		 */
		FAILED

	}

	/** @return identifier, unique within the bus: {@code group/topic[,topic...]} */
	String id();

	/** @return topics consumed */
	List<String> topics();

	/** @return consumer group */
	String group();

	/** @return current state */
	State state();

	/**
	 * Why the subscription is {@link State#FAILED}.
	 * @return the error that stopped it, or null when it did not fail
	 */
	default @Nullable Throwable failure() {
		return null;
	}

	/** Stops fetching new events; events already handed to the executor still run. Idempotent. */
	void pause();

	/** Resumes fetching after {@link #pause()}. Idempotent. */
	void resume();

	/**
	 * Events fetched from the broker and not yet finished (queued in the executor, running or
	 * waiting for a retry).
	 * @return the count
	 */
	long pending();

	/**
	 * Events in the broker not yet delivered to this group, as last measured (Kafka: end offset
	 * minus committed offset; NATS: consumer num-pending); -1 when not known.
	 * @return the lag
	 */
	long lag();

	/**
	 * The partitions of each topic that this instance consumes now, where the transport shares a
	 * topic's partitions among the instances of a group itself (NATS with
	 * {@code eventbus.nats.partitions} above 1). Empty otherwise (a Kafka group's assignment is the
	 * consumer's).
	 * @return partitions by topic, sorted
	 */
	default Map<String, List<Integer>> ownedPartitions() {
		return Map.of();
	}

	/**
	 * Events not yet delivered to the group, per partition, as last measured, for the topics whose
	 * partitions the transport shares itself (see {@link #ownedPartitions()}); -1 when not known.
	 * @return lag by partition by topic
	 */
	default Map<String, Map<Integer, Long>> partitionLag() {
		return Map.of();
	}

	/**
	 * Stops consuming: no new events are fetched, in-flight work finishes within the timeout and is
	 * committed; events not finished by then are left for redelivery. Idempotent.
	 * @param timeout how long to wait for in-flight work
	 */
	void close(Duration timeout);

	/** Closes with the bus's configured shutdown timeout. */
	@Override
	void close();

}

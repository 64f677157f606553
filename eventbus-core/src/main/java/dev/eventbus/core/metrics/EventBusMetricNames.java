package dev.eventbus.core.metrics;

import java.util.List;

/**
 * The catalogue of every meter the event bus registers: names, descriptions and tag keys, in one
 * place. Names are lowercase and dotted, timers carry no unit in their name, the outcome is a tag.
 * Tags have bounded cardinality: never a key, partition or event id; {@code exception} is the simple
 * class name of the failure or {@code none}.
 *
 * <p>Prometheus names follow Micrometer's conventions: {@code eventbus.publish} is exposed as
 * {@code eventbus_publish_seconds_count}, {@code _sum} and {@code _max}.
 */
public final class EventBusMetricNames {

	/** Tag: transport name ({@code kafka}, {@code nats}, {@code memory}). */
	public static final String TAG_TRANSPORT = "transport";

	/** Tag: topic (for a subscription of several topics, the topics joined by commas). */
	public static final String TAG_TOPIC = "topic";

	/** Tag: consumer group. */
	public static final String TAG_GROUP = "group";

	/**
	 * Tag: partition of a topic whose partitions the transport shares among a group itself (NATS with
	 * {@code eventbus.nats.partitions} above 1): bounded by that count.
	 */
	public static final String TAG_PARTITION = "partition";

	/** Tag: outcome of the operation (see the {@code OUTCOME_*} values). */
	public static final String TAG_OUTCOME = "outcome";

	/** Tag: simple class name of the failure, or {@link #NONE}. */
	public static final String TAG_EXCEPTION = "exception";

	/** Value of the {@code exception} tag when nothing failed. */
	public static final String NONE = "none";

	/** Outcome: the operation succeeded. */
	public static final String OUTCOME_SUCCESS = "success";

	/** Outcome: the operation failed (publish not stored, handler threw). */
	public static final String OUTCOME_FAILURE = "failure";

	/** Outcome: the publish was refused without being sent (circuit breaker open, bus closed). */
	public static final String OUTCOME_REJECTED = "rejected";

	/** Timer of publishes, from the call to the broker's acknowledgement or the failure. */
	public static final MeterDefinition PUBLISH = new MeterDefinition("eventbus.publish", MeterDefinition.Type.TIMER,
			"seconds", "Time from a publish call to the broker's acknowledgement or the failure",
			List.of(TAG_TRANSPORT, TAG_TOPIC, TAG_OUTCOME, TAG_EXCEPTION));

	/** Timer of consumed events, from dispatch into the executor until the event may be committed. */
	public static final MeterDefinition CONSUME = new MeterDefinition("eventbus.consume", MeterDefinition.Type.TIMER,
			"seconds",
			"Time from dispatch of a consumed event until it is finished (handled, dead-lettered or skipped); "
					+ "outcome is success, dead_lettered, skipped or poison",
			List.of(TAG_TRANSPORT, TAG_TOPIC, TAG_GROUP, TAG_OUTCOME, TAG_EXCEPTION));

	/** Timer of handler attempts (one per attempt, retries included). */
	public static final MeterDefinition HANDLER = new MeterDefinition("eventbus.handler", MeterDefinition.Type.TIMER,
			"seconds", "Time spent in one handler attempt; retries are separate attempts",
			List.of(TAG_TRANSPORT, TAG_TOPIC, TAG_GROUP, TAG_OUTCOME, TAG_EXCEPTION));

	/** Gauge: tasks waiting in the keyed executor's lanes. */
	public static final MeterDefinition KEYED_QUEUED = new MeterDefinition("eventbus.keyed.queued",
			MeterDefinition.Type.GAUGE, null, "Tasks waiting in the keyed executor's lanes for their turn or a worker",
			List.of());

	/** Gauge: tasks accepted and not finished (queued, running or waiting for a retry). */
	public static final MeterDefinition KEYED_PENDING = new MeterDefinition("eventbus.keyed.pending",
			MeterDefinition.Type.GAUGE, null,
			"Tasks accepted by the keyed executor and not finished (queued, running or waiting for a retry)",
			List.of());

	/** Gauge: the bound on pending tasks. */
	public static final MeterDefinition KEYED_PENDING_MAX = new MeterDefinition("eventbus.keyed.pending.max",
			MeterDefinition.Type.GAUGE, null, "Bound on pending tasks; fetching pauses at its high watermark",
			List.of());

	/** Gauge: workers running a task. */
	public static final MeterDefinition KEYED_BUSY_WORKERS = new MeterDefinition("eventbus.keyed.workers.busy",
			MeterDefinition.Type.GAUGE, null, "Keyed executor workers currently running a task", List.of());

	/** Gauge: configured workers. */
	public static final MeterDefinition KEYED_WORKERS = new MeterDefinition("eventbus.keyed.workers",
			MeterDefinition.Type.GAUGE, null, "Keyed executor worker threads", List.of());

	/** Gauge: live lanes (keys with queued or running work). */
	public static final MeterDefinition KEYED_LANES = new MeterDefinition("eventbus.keyed.lanes",
			MeterDefinition.Type.GAUGE, null, "Live lanes: keys with queued or running work", List.of());

	/** Gauge: 1 while the executor is above its high watermark (transports paused), else 0. */
	public static final MeterDefinition KEYED_PRESSURE = new MeterDefinition("eventbus.keyed.pressure",
			MeterDefinition.Type.GAUGE, null,
			"1 while pending tasks are above the high watermark and fetching is paused, else 0", List.of());

	/** Counter: total time spent under pressure. */
	public static final MeterDefinition KEYED_PRESSURE_TIME = new MeterDefinition("eventbus.keyed.pressure.time",
			MeterDefinition.Type.COUNTER, "seconds",
			"Total time the executor spent above its high watermark (fetching paused for backpressure)", List.of());

	/** Gauge: consumer lag of a subscription. */
	public static final MeterDefinition CONSUMER_LAG = new MeterDefinition("eventbus.consumer.lag",
			MeterDefinition.Type.GAUGE, null,
			"Events in the broker not yet delivered to the subscription's group (Kafka: end offset minus committed "
					+ "offset; NATS: consumer num-pending); -1 when not known",
			List.of(TAG_TRANSPORT, TAG_TOPIC, TAG_GROUP));

	/** Gauge: events fetched by a subscription and not yet finished. */
	public static final MeterDefinition CONSUMER_PENDING = new MeterDefinition("eventbus.consumer.pending",
			MeterDefinition.Type.GAUGE, null, "Events fetched by the subscription and not yet finished",
			List.of(TAG_TRANSPORT, TAG_TOPIC, TAG_GROUP));

	/** Gauge: partitions of a topic that this instance consumes now (NATS partitions). */
	public static final MeterDefinition CONSUMER_PARTITIONS_OWNED = new MeterDefinition(
			"eventbus.consumer.partitions.owned", MeterDefinition.Type.GAUGE, null,
			"Partitions of the topic this instance consumes now (NATS with eventbus.nats.partitions above 1)",
			List.of(TAG_TRANSPORT, TAG_TOPIC, TAG_GROUP));

	/** Gauge: per partition, events not yet delivered to the group (NATS partitions). */
	public static final MeterDefinition CONSUMER_PARTITION_LAG = new MeterDefinition("eventbus.consumer.partition.lag",
			MeterDefinition.Type.GAUGE, null,
			"Per partition, events not yet delivered to the group (NATS with eventbus.nats.partitions above 1: the "
					+ "partition's durable consumer num-pending); -1 when not known",
			List.of(TAG_TRANSPORT, TAG_TOPIC, TAG_GROUP, TAG_PARTITION));

	private static final List<MeterDefinition> ALL = List.of(PUBLISH, CONSUME, HANDLER, KEYED_QUEUED, KEYED_PENDING,
			KEYED_PENDING_MAX, KEYED_BUSY_WORKERS, KEYED_WORKERS, KEYED_LANES, KEYED_PRESSURE, KEYED_PRESSURE_TIME,
			CONSUMER_LAG, CONSUMER_PENDING, CONSUMER_PARTITIONS_OWNED, CONSUMER_PARTITION_LAG);

	private EventBusMetricNames() {
	}

	/** @return every meter of the catalogue, in documentation order */
	public static List<MeterDefinition> all() {
		return ALL;
	}

	/**
	 * The {@code exception} tag value of a failure: its simple class name, unwrapping completion
	 * wrappers; {@link #NONE} for null.
	 * @param error the failure or null
	 * @return the tag value
	 */
	public static String exceptionTag(@org.jspecify.annotations.Nullable Throwable error) {
		if (error == null) {
			return NONE;
		}
		Throwable cause = dev.eventbus.core.api.EventBusException.unwrap(error);
		String name = cause.getClass().getSimpleName();
		return name.isEmpty() ? cause.getClass().getName() : name;
	}

}

package dev.eventbus.core.observation;

import java.util.Map;
import java.util.Objects;

import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;

/**
 * Context of the {@link EventBusObservationDocumentation#HANDLE handle} observation: one handler
 * attempt, or the rejection of a poison message. Its carrier is the received message's headers, from
 * which the tracing propagator extracts the producer's context. Touched by one thread at a time: the
 * worker that runs the attempt, then the one that records its outcome.
 */
public class HandleObservationContext extends ReceiverContext<Map<String, String>> {

	/** Outcome while the observation runs (the tag of its long-task timer): {@value}. */
	public static final String OUTCOME_NONE = "none";

	private final String transport;

	private final String topic;

	private final String group;

	private final String eventType;

	private final String eventId;

	private final int attempt;

	private volatile String outcome = OUTCOME_NONE;

	/**
	 * @param transport transport name
	 * @param topic topic the message came from
	 * @param group consumer group
	 * @param headers the message headers (not modified)
	 * @param eventType CloudEvents type, {@code unknown} when it could not be read
	 * @param eventId CloudEvents id, {@code <no id>} when it could not be read
	 * @param attempt handler attempt from 1, 0 for a poison message
	 */
	public HandleObservationContext(String transport, String topic, String group, Map<String, String> headers,
			String eventType, String eventId, int attempt) {
		super((carrier, key) -> carrier.get(key), Kind.CONSUMER);
		this.transport = Objects.requireNonNull(transport, "transport must not be null");
		this.topic = Objects.requireNonNull(topic, "topic must not be null");
		this.group = Objects.requireNonNull(group, "group must not be null");
		this.eventType = Objects.requireNonNull(eventType, "eventType must not be null");
		this.eventId = Objects.requireNonNull(eventId, "eventId must not be null");
		this.attempt = attempt;
		setCarrier(Objects.requireNonNull(headers, "headers must not be null"));
		setRemoteServiceName(transport);
	}

	/** @return transport name */
	public String transport() {
		return this.transport;
	}

	/** @return topic */
	public String topic() {
		return this.topic;
	}

	/** @return consumer group */
	public String group() {
		return this.group;
	}

	/** @return CloudEvents type, or {@code unknown} */
	public String eventType() {
		return this.eventType;
	}

	/** @return CloudEvents id */
	public String eventId() {
		return this.eventId;
	}

	/** @return handler attempt from 1, 0 for a poison message */
	public int attempt() {
		return this.attempt;
	}

	/**
	 * @return what became of the attempt: {@code success}, {@code retry}, {@code dead_lettered},
	 * {@code skipped}, {@code poison}, {@code stopped} or {@code abandoned}; {@code none} while it runs
	 */
	public String outcome() {
		return this.outcome;
	}

	/** @param outcome what became of the attempt */
	public void outcome(String outcome) {
		this.outcome = Objects.requireNonNull(outcome, "outcome must not be null");
	}

}

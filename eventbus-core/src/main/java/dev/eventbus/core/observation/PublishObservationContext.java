package dev.eventbus.core.observation;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.SenderContext;
import org.jspecify.annotations.Nullable;

/**
 * Context of the {@link EventBusObservationDocumentation#PUBLISH publish} observation. Its carrier
 * is a header map the tracing propagator writes into when the observation starts (W3C
 * {@code traceparent}/{@code tracestate}/{@code baggage}, or B3, as the application's tracing is
 * configured); the bus adds those headers to the message. Used by the publishing thread, then by the
 * thread that completes the publish (which sets the outcome).
 */
public class PublishObservationContext extends SenderContext<Map<String, String>> {

	/** Outcome while the observation runs (the tag of its long-task timer): {@value}. */
	public static final String OUTCOME_NONE = "none";

	private final String transport;

	private final String topic;

	private final String eventType;

	private final String eventId;

	private volatile String outcome = OUTCOME_NONE;

	/**
	 * @param transport transport name
	 * @param topic destination topic
	 * @param eventType CloudEvents type of the event
	 * @param eventId CloudEvents id of the event
	 */
	public PublishObservationContext(String transport, String topic, String eventType, String eventId) {
		super((carrier, key, value) -> {
			if (carrier != null && value != null) {
				carrier.put(key, value);
			}
		}, Kind.PRODUCER);
		this.transport = Objects.requireNonNull(transport, "transport must not be null");
		this.topic = Objects.requireNonNull(topic, "topic must not be null");
		this.eventType = Objects.requireNonNull(eventType, "eventType must not be null");
		this.eventId = Objects.requireNonNull(eventId, "eventId must not be null");
		setCarrier(new LinkedHashMap<>());
		setRemoteServiceName(transport);
	}

	/** @return transport name */
	public String transport() {
		return this.transport;
	}

	/** @return destination topic */
	public String topic() {
		return this.topic;
	}

	/** @return CloudEvents type */
	public String eventType() {
		return this.eventType;
	}

	/** @return CloudEvents id */
	public String eventId() {
		return this.eventId;
	}

	/** @return {@code success} or {@code failure} once the publish completed, {@code none} before */
	public String outcome() {
		return this.outcome;
	}

	/** @param outcome {@code success} or {@code failure} */
	public void outcome(String outcome) {
		this.outcome = Objects.requireNonNull(outcome, "outcome must not be null");
	}

	/** @return the headers the propagator injected (empty without tracing) */
	public Map<String, String> propagationHeaders() {
		Map<String, String> carrier = getCarrier();
		return (carrier != null) ? carrier : Map.of();
	}

	/**
	 * The W3C traceparent of the publish span, for the CloudEvents {@code traceparent} extension (the
	 * context in which the event was created and sent): the propagator's {@code traceparent} header,
	 * or one formatted from its B3 headers ({@code b3}, or {@code X-B3-TraceId} and
	 * {@code X-B3-SpanId}).
	 * @return the traceparent, or null when the propagator wrote neither
	 */
	public @Nullable String creationTraceparent() {
		return TraceparentFormat.fromPropagationHeaders(propagationHeaders());
	}

}

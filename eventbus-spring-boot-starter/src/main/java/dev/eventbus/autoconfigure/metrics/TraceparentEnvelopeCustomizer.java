package dev.eventbus.autoconfigure.metrics;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;

import dev.eventbus.autoconfigure.EventBusEnvelopeCustomizer;
import dev.eventbus.core.api.Envelope;

/**
 * Puts the W3C {@code traceparent} of the current span into envelopes published without one, so
 * that consumers continue the publisher's trace. Envelopes that already carry a traceparent, and
 * publishes outside a span, are left alone. The tracer is looked up on first use, so that it is
 * found whichever auto-configuration (Brave, OpenTelemetry) defines it. Thread-safe; reads the
 * calling thread's current span.
 *
 * @deprecated since 0.2: no longer registered. Publish is a Micrometer Observation: the application's
 * tracing propagator (W3C or B3, as {@code management.tracing.propagation.type} says) writes the trace
 * headers and the bus sets the CloudEvents {@code traceparent} to the publish span's context. Register
 * this customizer yourself only to stamp the caller's span instead.
 */
@Deprecated(since = "0.2", forRemoval = true)
public final class TraceparentEnvelopeCustomizer implements EventBusEnvelopeCustomizer {

	private final ObjectProvider<Tracer> tracerProvider;

	private volatile @Nullable Tracer tracer;

	/**
	 * @param tracer the application's tracer, if it has one
	 */
	public TraceparentEnvelopeCustomizer(ObjectProvider<Tracer> tracer) {
		this.tracerProvider = tracer;
	}

	@Override
	public Envelope<?> customize(String topic, Envelope<?> envelope) {
		if (envelope.traceparent() != null) {
			return envelope;
		}
		Tracer current = this.tracer;
		if (current == null) {
			current = this.tracerProvider.getIfUnique();
			if (current == null) {
				return envelope;
			}
			this.tracer = current;
		}
		String traceparent = traceparent(current.currentSpan());
		return (traceparent != null) ? envelope.toBuilder().traceparent(traceparent).build() : envelope;
	}

	/**
	 * @param span a span or null
	 * @return its W3C traceparent ({@code 00-<trace-id>-<span-id>-<flags>}), or null without a span
	 */
	static @Nullable String traceparent(@Nullable Span span) {
		if (span == null || span.isNoop()) {
			return null;
		}
		TraceContext context = span.context();
		String traceId = pad(context.traceId(), 32);
		String spanId = pad(context.spanId(), 16);
		if (traceId == null || spanId == null) {
			return null;
		}
		boolean sampled = Boolean.TRUE.equals(context.sampled());
		return "00-" + traceId + "-" + spanId + "-" + (sampled ? "01" : "00");
	}

	private static @Nullable String pad(@Nullable String id, int length) {
		if (id == null || id.isEmpty() || id.length() > length) {
			return null;
		}
		return "0".repeat(length - id.length()) + id;
	}

}

package dev.eventbus.test;

import java.util.List;

import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.exporter.FinishedSpan;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import io.micrometer.tracing.otel.bridge.ArrayListSpanProcessor;
import io.micrometer.tracing.otel.bridge.EventPublishingContextWrapper;
import io.micrometer.tracing.otel.bridge.OtelBaggageManager;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelFinishedSpan;
import io.micrometer.tracing.otel.bridge.OtelPropagator;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.micrometer.tracing.otel.bridge.Slf4JEventListener;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.ContextStorage;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.samplers.Sampler;

/**
 * A real tracer wired the way Spring Boot wires Micrometer Tracing over OpenTelemetry: the OTel SDK
 * sampling everything, W3C propagation, the tracing observation handlers (propagating sender and
 * receiver handlers first), and trace ids in the SLF4J MDC through {@link Slf4JEventListener} on
 * context-storage events. Finished spans are kept in memory. One per test class.
 */
final class ObservationTracing implements AutoCloseable {

	/** Global to the JVM (as in Boot); it must be added before OTel's context storage is first used. */
	private static final Slf4JEventListener MDC_LISTENER = new Slf4JEventListener();

	static {
		ContextStorage.addWrapper(new EventPublishingContextWrapper(MDC_LISTENER::onEvent));
	}

	private final ArrayListSpanProcessor spans = new ArrayListSpanProcessor();

	private final SdkTracerProvider provider;

	private final Tracer tracer;

	private final ObservationRegistry registry = ObservationRegistry.create();

	ObservationTracing() {
		this.provider = SdkTracerProvider.builder().setSampler(Sampler.alwaysOn()).addSpanProcessor(this.spans).build();
		io.opentelemetry.api.trace.Tracer otelTracer = this.provider.get("eventbus-observation-tests");
		OtelCurrentTraceContext current = new OtelCurrentTraceContext();
		this.tracer = new OtelTracer(otelTracer, current, (event) -> {
		}, new OtelBaggageManager(current, List.of(), List.of()));
		OtelPropagator propagator = new OtelPropagator(
				ContextPropagators.create(W3CTraceContextPropagator.getInstance()), otelTracer);
		this.registry.observationConfig()
			.observationHandler(new ObservationHandler.FirstMatchingCompositeObservationHandler(
					new PropagatingSenderTracingObservationHandler<>(this.tracer, propagator),
					new PropagatingReceiverTracingObservationHandler<>(this.tracer, propagator),
					new DefaultTracingObservationHandler(this.tracer)));
	}

	ObservationRegistry registry() {
		return this.registry;
	}

	Tracer tracer() {
		return this.tracer;
	}

	/** @return the spans finished so far, in the order they finished */
	List<FinishedSpan> finishedSpans() {
		return this.spans.spans().stream().map(OtelFinishedSpan::fromOtel).toList();
	}

	@Override
	public void close() {
		this.provider.close();
	}

}

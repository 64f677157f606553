package dev.eventbus.autoconfigure.metrics;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;

import dev.eventbus.core.api.Envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

@SuppressWarnings("removal")
class TraceparentEnvelopeCustomizerTests {

	@Test
	void currentSpanBecomesTheTraceparentOfEnvelopesWithoutOne() {
		TraceparentEnvelopeCustomizer customizer = customizer(span("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7",
				true));
		Envelope<?> envelope = customizer.customize("orders", Envelope.of("o-1", "OrderPlaced", "x"));
		assertThat(envelope.traceparent()).isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
	}

	@Test
	void shortTraceIdsArePaddedAndUnsampledSpansFlagged() {
		assertThat(TraceparentEnvelopeCustomizer.traceparent(span("a3ce929d0e0e4736", "f067aa0ba902b7", false)))
			.isEqualTo("00-0000000000000000a3ce929d0e0e4736-00f067aa0ba902b7-00");
	}

	@Test
	void existingTraceparentAndPublishesOutsideASpanAreLeftAlone() {
		String existing = "00-11111111111111111111111111111111-2222222222222222-01";
		Envelope<String> withTrace = Envelope.builder("OrderPlaced", "x").traceparent(existing).build();
		TraceparentEnvelopeCustomizer customizer = customizer(span("4bf92f3577b34da6a3ce929d0e0e4736",
				"00f067aa0ba902b7", true));
		assertThat(customizer.customize("orders", withTrace)).isSameAs(withTrace);

		Tracer noSpan = mock(Tracer.class);
		Envelope<String> plain = Envelope.of("o-1", "OrderPlaced", "x");
		assertThat(customizer(noSpan).customize("orders", plain)).isSameAs(plain);
		assertThat(new TraceparentEnvelopeCustomizer(new DefaultListableBeanFactory().getBeanProvider(Tracer.class))
			.customize("orders", plain)).isSameAs(plain);
	}

	private static TraceparentEnvelopeCustomizer customizer(Span span) {
		Tracer tracer = mock(Tracer.class);
		given(tracer.currentSpan()).willReturn(span);
		return customizer(tracer);
	}

	private static TraceparentEnvelopeCustomizer customizer(Tracer tracer) {
		DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
		beanFactory.registerSingleton("tracer", tracer);
		return new TraceparentEnvelopeCustomizer(beanFactory.getBeanProvider(Tracer.class));
	}

	private static Span span(String traceId, String spanId, boolean sampled) {
		TraceContext context = mock(TraceContext.class);
		given(context.traceId()).willReturn(traceId);
		given(context.spanId()).willReturn(spanId);
		given(context.sampled()).willReturn(sampled);
		Span span = mock(Span.class);
		given(span.context()).willReturn(context);
		return span;
	}

}

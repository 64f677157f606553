package dev.eventbus.core.observation;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TraceparentFormatTests {

	@Test
	void w3cTraceparentHeaderIsTakenAsIs() {
		assertThat(TraceparentFormat.fromPropagationHeaders(
				Map.of("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "tracestate", "a=b")))
			.isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
	}

	@Test
	void b3SingleHeaderBecomesATraceparentWithShortTraceIdsPadded() {
		assertThat(TraceparentFormat.fromPropagationHeaders(Map.of("b3", "a3ce929d0e0e4736-00f067aa0ba902b7-1")))
			.isEqualTo("00-0000000000000000a3ce929d0e0e4736-00f067aa0ba902b7-01");
		assertThat(TraceparentFormat.fromPropagationHeaders(Map.of("b3", "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0")))
			.isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
	}

	@Test
	void b3MultiHeadersBecomeATraceparent() {
		assertThat(TraceparentFormat.fromPropagationHeaders(Map.of("X-B3-TraceId", "4bf92f3577b34da6a3ce929d0e0e4736",
				"X-B3-SpanId", "00f067aa0ba902b7", "X-B3-Sampled", "1")))
			.isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
	}

	@Test
	void withoutTraceHeadersOrWithMalformedOnesThereIsNone() {
		assertThat(TraceparentFormat.fromPropagationHeaders(Map.of())).isNull();
		assertThat(TraceparentFormat.fromPropagationHeaders(Map.of("b3", "0"))).isNull();
		assertThat(TraceparentFormat.fromPropagationHeaders(Map.of("b3", "not-hex-1"))).isNull();
		assertThat(TraceparentFormat.fromPropagationHeaders(Map.of("traceparent", "garbage"))).isNull();
	}

}

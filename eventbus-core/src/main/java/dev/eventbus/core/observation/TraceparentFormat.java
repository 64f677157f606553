package dev.eventbus.core.observation;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/** W3C traceparent from the headers a W3C or B3 propagator wrote. Stateless. */
final class TraceparentFormat {

	private static final Pattern TRACEPARENT = Pattern.compile("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");

	private static final Pattern HEX = Pattern.compile("[0-9a-f]+");

	private TraceparentFormat() {
	}

	static @Nullable String fromPropagationHeaders(Map<String, String> headers) {
		String traceparent = headers.get("traceparent");
		if (traceparent != null && TRACEPARENT.matcher(traceparent).matches()) {
			return traceparent;
		}
		String single = headers.get("b3");
		if (single != null) {
			// {TraceId}-{SpanId}[-{SamplingState}[-{ParentSpanId}]]
			String[] parts = single.split("-");
			if (parts.length >= 2) {
				String sampled = (parts.length >= 3) ? parts[2] : null;
				return format(parts[0], parts[1], "1".equals(sampled) || "d".equals(sampled));
			}
			return null;
		}
		String traceId = value(headers, "X-B3-TraceId");
		String spanId = value(headers, "X-B3-SpanId");
		if (traceId == null || spanId == null) {
			return null;
		}
		String sampled = value(headers, "X-B3-Sampled");
		String flags = value(headers, "X-B3-Flags");
		return format(traceId, spanId, "1".equals(sampled) || "true".equals(sampled) || "1".equals(flags));
	}

	private static @Nullable String value(Map<String, String> headers, String name) {
		String value = headers.get(name);
		return (value != null) ? value : headers.get(name.toLowerCase(Locale.ROOT));
	}

	private static @Nullable String format(String traceId, String spanId, boolean sampled) {
		String trace = pad(traceId.toLowerCase(Locale.ROOT), 32);
		String span = pad(spanId.toLowerCase(Locale.ROOT), 16);
		if (trace == null || span == null) {
			return null;
		}
		return "00-" + trace + "-" + span + "-" + (sampled ? "01" : "00");
	}

	private static @Nullable String pad(String id, int length) {
		if (id.isEmpty() || id.length() > length || !HEX.matcher(id).matches()) {
			return null;
		}
		return "0".repeat(length - id.length()) + id;
	}

}

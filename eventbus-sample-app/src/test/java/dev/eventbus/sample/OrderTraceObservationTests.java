package dev.eventbus.sample;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import dev.eventbus.sample.orders.OrderTopics;
import dev.eventbus.test.spring.EventBusTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The trace of one flaky order in the sample app on the memory transport under Boot's tracing
 * (Micrometer Tracing over OpenTelemetry, every request sampled): the HTTP request's span, the publish
 * span under it, and under that one span per handler attempt of each group, billing's first attempt
 * failing with outcome {@code retry}. The tree it prints is the one shown in the README's Tracing section.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "management.tracing.sampling.probability=1.0")
@EventBusTest
@Import(OrderTraceObservationTests.Spans.class)
class OrderTraceObservationTests {

	@LocalServerPort
	int port;

	@Autowired
	Queue<SpanData> spans;

	@Autowired
	MeterRegistry meters;

	@Test
	void aFlakyOrderIsOneTraceFromTheHttpRequestToEveryHandlerAttempt() {
		SampleHttp.Response placed = new SampleHttp(this.port).post("/orders",
				"{\"customer\":\"" + OrderTopics.FLAKY_CUSTOMER + "\",\"amount\":10,\"items\":[\"pen\"]}");
		assertThat(placed.status()).as(placed.body()).isEqualTo(202);
		await().atMost(Duration.ofSeconds(30)).until(() -> processSpans().size() == 4);

		SpanData publish = this.spans.stream().filter((span) -> span.getName().equals("orders publish")).findFirst()
			.orElseThrow();
		SpanData request = this.spans.stream()
			.filter((span) -> span.getSpanId().equals(publish.getParentSpanId()))
			.findFirst()
			.orElseThrow();
		List<SpanData> trace = this.spans.stream()
			.filter((span) -> span.getTraceId().equals(publish.getTraceId()))
			.sorted(Comparator.comparing(SpanData::getStartEpochNanos))
			.toList();
		System.out.println("trace " + request.getTraceId() + "\n" + tree(trace, request, ""));

		assertThat(processSpans()).allSatisfy((span) -> {
			assertThat(span.getTraceId()).isEqualTo(request.getTraceId());
			assertThat(span.getParentSpanId()).isEqualTo(publish.getSpanId());
		});
		assertThat(processSpans()).extracting((span) -> attribute(span, "group") + ":" + attribute(span, "attempt")
				+ ":" + attribute(span, "outcome"))
			.containsExactlyInAnyOrder("billing:1:retry", "billing:2:success", "shipping:1:success",
					"audit:1:success");
		// Boot's DefaultMeterObservationHandler turns the observations into timers too, next to the bus's own meters
		List<String> observationMeters = this.meters.getMeters()
			.stream()
			.map(Meter::getId)
			.filter((id) -> id.getName().startsWith("eventbus.publisher") || id.getName().startsWith("eventbus.listener"))
			.map((id) -> id.getName() + " " + id.getType() + " " + id.getTags())
			.sorted()
			.toList();
		observationMeters.forEach(System.out::println);
		assertThat(this.meters.find("eventbus.listener")
			.tags("group", "billing", "outcome", "retry", "error", "PaymentDeclinedException")
			.timer()).isNotNull();
		assertThat(this.meters.find("eventbus.publisher").tags("type", "OrderPlaced").timer()).isNotNull();
		assertThat(this.meters.find("eventbus.handler").tags("group", "billing").timer()).as("the bus's own meter stays")
			.isNotNull();
	}

	private List<SpanData> processSpans() {
		return this.spans.stream().filter((span) -> span.getName().equals("orders process")).toList();
	}

	private static String attribute(SpanData span, String key) {
		return span.getAttributes()
			.asMap()
			.entrySet()
			.stream()
			.filter((entry) -> entry.getKey().getKey().equals(key))
			.map((entry) -> String.valueOf(entry.getValue()))
			.findFirst()
			.orElse("");
	}

	private static String tree(List<SpanData> trace, SpanData node, String indent) {
		Map<String, String> attributes = node.getAttributes()
			.asMap()
			.entrySet()
			.stream()
			.filter((entry) -> !entry.getKey().getKey().startsWith("thread") && !entry.getKey().getKey().startsWith("code"))
			.collect(Collectors.toMap((entry) -> entry.getKey().getKey(), (entry) -> String.valueOf(entry.getValue()),
					(a, b) -> a, java.util.TreeMap::new));
		StringBuilder out = new StringBuilder(indent).append(node.getName())
			.append(" [")
			.append(node.getKind())
			.append(", ")
			.append(Duration.ofNanos(node.getEndEpochNanos() - node.getStartEpochNanos()).toMillis())
			.append(" ms] ")
			.append(attributes)
			.append(node.getStatus().getStatusCode().name().equals("ERROR") ? " ERROR " + node.getStatus().getDescription() : "")
			.append('\n');
		for (SpanData child : trace) {
			if (child.getParentSpanId().equals(node.getSpanId())) {
				out.append(tree(trace, child, indent + "  "));
			}
		}
		return out.toString();
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Spans {

		private final Queue<SpanData> finished = new ConcurrentLinkedQueue<>();

		@Bean
		Queue<SpanData> finishedSpans() {
			return this.finished;
		}

		@Bean
		SpanProcessor collectingSpanProcessor() {
			Queue<SpanData> queue = this.finished;
			return new SpanProcessor() {

				@Override
				public void onStart(Context parentContext, ReadWriteSpan span) {
				}

				@Override
				public boolean isStartRequired() {
					return false;
				}

				@Override
				public void onEnd(ReadableSpan span) {
					queue.add(span.toSpanData());
				}

				@Override
				public boolean isEndRequired() {
					return true;
				}

			};
		}

	}

}

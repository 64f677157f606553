package dev.eventbus.test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.exporter.FinishedSpan;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.api.RetryPolicy;
import dev.eventbus.core.api.SubscriptionOptions;
import dev.eventbus.test.EventBusContractTests.Step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Publish and handle as Observations, the same on every transport, with a real tracer
 * ({@link ObservationTracing}: Micrometer Tracing over OpenTelemetry, W3C propagation, MDC): the
 * consumer span continues the producer's trace through the transport's headers, the handler runs
 * inside it (its MDC holds the trace id), the CloudEvents {@code traceparent} is the producer span's
 * context, and every attempt of a retried event is a span of its own with its outcome. Each
 * transport's contract runner nests a subclass ({@code ObservationTests}) that builds its buses on
 * the runner's real broker.
 */
public abstract class EventBusObservationContractTests {

	private final EventBusContractTests runner;

	private final String transport;

	private ObservationTracing tracing;

	private EventBus bus;

	/**
	 * @param runner the transport's contract runner this class is nested in: its broker, topics and
	 * foreign publisher serve these cases too
	 * @param transport the transport name the spans must carry
	 */
	protected EventBusObservationContractTests(EventBusContractTests runner, String transport) {
		this.runner = runner;
		this.transport = transport;
	}

	/**
	 * @param registry the observation registry the bus must use
	 * @return a new bus on the transport's broker
	 */
	protected abstract EventBus createBus(ObservationRegistry registry);

	private String newTopic(String prefix) {
		return this.runner.newTopic(prefix);
	}

	private String transport() {
		return this.transport;
	}

	private void publishForeign(String topic, String key, byte[] body) throws Exception {
		this.runner.publishForeign(topic, key, body);
	}

	@BeforeEach
	void createTracedBus() {
		this.tracing = new ObservationTracing();
		this.bus = createBus(this.tracing.registry());
	}

	@AfterEach
	void closeTracedBus() {
		this.bus.close();
		this.tracing.close();
	}

	@Test
	void handlerRunsInTheProducersTraceWithItsTraceIdInTheMdc() throws Exception {
		String topic = newTopic("traced");
		List<String> handlerTraceIds = new CopyOnWriteArrayList<>();
		List<String> mdcTraceIds = new CopyOnWriteArrayList<>();
		List<Envelope<?>> received = new CopyOnWriteArrayList<>();
		List<Map<String, String>> headers = new CopyOnWriteArrayList<>();
		Tracer tracer = this.tracing.tracer();
		this.bus.subscribe(topic, Step.class, SubscriptionOptions.of("billing"), (envelope, context) -> {
			Span current = tracer.currentSpan();
			handlerTraceIds.add((current != null) ? current.context().traceId() : "none");
			String mdc = MDC.get("traceId");
			mdcTraceIds.add((mdc != null) ? mdc : "none");
			received.add(envelope);
			headers.add(context.transportHeaders());
		});
		Span request = tracer.nextSpan().name("place-order").start();
		try (Tracer.SpanInScope scope = tracer.withSpan(request)) {
			this.bus.publish(topic, Envelope.builder("Step", new Step("order-1", 1)).aggregateId("order-1").build())
				.get(30, TimeUnit.SECONDS);
		}
		finally {
			request.end();
		}
		String traceId = request.context().traceId();
		await().atMost(Duration.ofSeconds(30)).until(() -> consumerSpans(topic).size() == 1);

		FinishedSpan producer = single(producerSpans(topic));
		FinishedSpan consumer = single(consumerSpans(topic));
		assertThat(producer.getTraceId()).isEqualTo(traceId);
		assertThat(producer.getParentId()).isEqualTo(request.context().spanId());
		assertThat(producer.getName()).isEqualTo(topic + " publish");
		assertThat(producer.getTags()).containsEntry("transport", transport())
			.containsEntry("topic", topic)
			.containsEntry("type", "Step")
			.containsEntry("outcome", "success");
		assertThat(consumer.getTraceId()).isEqualTo(traceId);
		assertThat(consumer.getParentId()).isEqualTo(producer.getSpanId());
		assertThat(consumer.getName()).isEqualTo(topic + " process");
		assertThat(consumer.getTags()).containsEntry("transport", transport())
			.containsEntry("topic", topic)
			.containsEntry("group", "billing")
			.containsEntry("type", "Step")
			.containsEntry("outcome", "success")
			.containsEntry("attempt", "1");
		assertThat(handlerTraceIds).containsExactly(traceId);
		assertThat(mdcTraceIds).containsExactly(traceId);
		// version 00, trace id, the producer span's id, then the flags the tracer set (sampled, maybe random)
		String producerContext = "00-" + traceId + "-" + producer.getSpanId() + "-";
		assertThat(headers.get(0).get("traceparent"))
			.as("W3C header the propagator wrote, through the transport's headers")
			.startsWith(producerContext)
			.hasSize(producerContext.length() + 2);
		assertThat(received.get(0).traceparent()).as("CloudEvents traceparent: the creation context")
			.isEqualTo(headers.get(0).get("traceparent"));
	}

	@Test
	void everyAttemptOfARetriedEventIsASpanOfTheProducersTraceWithItsOutcome() throws Exception {
		String topic = newTopic("traced-retry");
		RetryPolicy retry = RetryPolicy.builder()
			.maxAttempts(3)
			.initialBackoff(Duration.ofMillis(50))
			.maxBackoff(Duration.ofMillis(50))
			.build();
		List<String> mdcTraceIds = new CopyOnWriteArrayList<>();
		this.bus.subscribe(topic, Step.class, SubscriptionOptions.builder("retrying").retryPolicy(retry).build(),
				(envelope, context) -> {
					String mdc = MDC.get("traceId");
					mdcTraceIds.add((mdc != null) ? mdc : "none");
					if (context.attempt() < 3) {
						throw new IllegalStateException("attempt " + context.attempt() + " fails");
					}
				});
		this.bus.publish(topic, Envelope.builder("Step", new Step("order-2", 1)).aggregateId("order-2").build())
			.get(30, TimeUnit.SECONDS);
		await().atMost(Duration.ofSeconds(30)).until(() -> consumerSpans(topic).size() == 3);

		FinishedSpan producer = single(producerSpans(topic));
		List<FinishedSpan> attempts = consumerSpans(topic);
		assertThat(attempts).allSatisfy((span) -> {
			assertThat(span.getTraceId()).isEqualTo(producer.getTraceId());
			assertThat(span.getParentId()).isEqualTo(producer.getSpanId());
		});
		assertThat(attempts).extracting((span) -> span.getTags().get("attempt")).containsExactly("1", "2", "3");
		assertThat(attempts).extracting((span) -> span.getTags().get("outcome"))
			.containsExactly("retry", "retry", "success");
		assertThat(attempts.get(0).getError()).hasMessage("attempt 1 fails");
		assertThat(attempts.get(2).getError()).isNull();
		assertThat(mdcTraceIds).containsExactly(producer.getTraceId(), producer.getTraceId(), producer.getTraceId());
	}

	@Test
	void anEventThatFailsEveryAttemptEndsWithADeadLetteredSpan() throws Exception {
		String topic = newTopic("traced-dlt");
		RetryPolicy retry = RetryPolicy.builder()
			.maxAttempts(2)
			.initialBackoff(Duration.ofMillis(50))
			.maxBackoff(Duration.ofMillis(50))
			.build();
		this.bus.subscribe(topic, Step.class, SubscriptionOptions.builder("failing").retryPolicy(retry).build(),
				(envelope, context) -> {
					throw new IllegalStateException("never handled");
				});
		this.bus.publish(topic, Envelope.builder("Step", new Step("order-3", 1)).aggregateId("order-3").build())
			.get(30, TimeUnit.SECONDS);
		await().atMost(Duration.ofSeconds(30)).until(() -> consumerSpans(topic).size() == 2);

		FinishedSpan producer = single(producerSpans(topic));
		assertThat(consumerSpans(topic)).extracting((span) -> span.getTags().get("outcome"))
			.containsExactly("retry", "dead_lettered");
		assertThat(consumerSpans(topic)).allSatisfy(
				(span) -> assertThat(span.getTraceId()).isEqualTo(producer.getTraceId()));
	}

	@Test
	void aPoisonMessageIsOneSpanWithOutcomePoisonAndNoHandlerAttempt() throws Exception {
		String topic = newTopic("traced-poison");
		List<String> handled = new CopyOnWriteArrayList<>();
		this.bus.subscribe(topic, Step.class, SubscriptionOptions.of("poisoned"),
				(envelope, context) -> handled.add(envelope.eventId()));
		publishForeign(topic, "order-4", "not a cloud event".getBytes(java.nio.charset.StandardCharsets.UTF_8));
		await().atMost(Duration.ofSeconds(30)).until(() -> consumerSpans(topic).size() == 1);

		FinishedSpan poison = single(consumerSpans(topic));
		assertThat(poison.getTags()).containsEntry("outcome", "poison")
			.containsEntry("attempt", "0")
			.containsEntry("type", "unknown")
			.containsEntry("group", "poisoned");
		assertThat(poison.getError()).isNotNull();
		assertThat(handled).isEmpty();
	}

	private List<FinishedSpan> producerSpans(String topic) {
		return spans(topic, Span.Kind.PRODUCER);
	}

	/** @return the consumer spans of the topic, in attempt order */
	private List<FinishedSpan> consumerSpans(String topic) {
		return spans(topic, Span.Kind.CONSUMER).stream()
			.sorted((a, b) -> Integer.compare(Integer.parseInt(a.getTags().getOrDefault("attempt", "0")),
					Integer.parseInt(b.getTags().getOrDefault("attempt", "0"))))
			.toList();
	}

	private List<FinishedSpan> spans(String topic, Span.Kind kind) {
		return this.tracing.finishedSpans()
			.stream()
			.filter((span) -> span.getKind() == kind && topic.equals(span.getTags().get("topic")))
			.toList();
	}

	private static FinishedSpan single(List<FinishedSpan> spans) {
		assertThat(spans).hasSize(1);
		return spans.get(0);
	}

}

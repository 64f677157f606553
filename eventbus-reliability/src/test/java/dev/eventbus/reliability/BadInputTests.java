package dev.eventbus.reliability;

import dev.eventbus.core.api.DeadLetterRecord;
import dev.eventbus.test.broker.NatsServerProcess;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.api.EventBusException;
import dev.eventbus.core.api.SubscriptionOptions;
import dev.eventbus.core.codec.EnvelopeCodec;
import dev.eventbus.core.codec.HeaderStyle;
import dev.eventbus.core.codec.JsonPayloadCodec;
import dev.eventbus.core.codec.WireMessage;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scenario 5: the bad-input catalogue. Poison records written with the raw clients into a topic a
 * consumer JVM is consuming go to the dead-letter destination at once while the good events around
 * them are all handled; an unkeyed event is handled; an oversized publish and a publish or
 * subscription to a topic/stream that does not exist (provisioning off) fail with a clear error.
 */
class BadInputTests {

	private static final String CASE_HEADER = "reliability-case";

	@TempDir
	Path dir;

	@ParameterizedTest
	@ValueSource(strings = { "kafka", "nats" })
	void poisonGoesToDeadLetterAndBadPublishesFailClearlyWhileTheConsumerKeepsRunning(String transport)
			throws Exception {
		Assumptions.assumeTrue(transport.equals("kafka") || NatsServerProcess.installed(), "nats-server is not installed");
		int events = 400;
		int keys = 20;
		HeaderStyle style = transport.equals("kafka") ? HeaderStyle.KAFKA : HeaderStyle.NATS;
		try (Scenario scenario = new Scenario("bad-input", transport, this.dir, 3)) {
			ConsumerProcess consumer = scenario.startConsumer("256m",
					Map.of("workers", "4", "keys", "" + keys, "eventTypes", ReliabilityEvent.TYPE));
			EventBus bus = scenario.producerBus(Map.of());
			LoadProducer producer = scenario.producer(bus, events, keys, 100, 200);
			CompletableFuture<Void> produced = producer.start();
			await().atMost(Scenario.PROGRESS_TIMEOUT).until(() -> producer.acknowledged() >= events / 4);

			Map<String, WireMessage> poison = poison(style, scenario.topic());
			if (transport.equals("kafka")) {
				injectKafka(scenario, poison);
			}
			else {
				injectNats(scenario, poison);
			}
			// An event without a key is not poison: it is handled, without an ordering promise.
			Envelope<ReliabilityEvent> unkeyed = Envelope
				.builder(ReliabilityEvent.TYPE, new ReliabilityEvent("u-0", 0, System.currentTimeMillis(), ""))
				.build();
			bus.publish(scenario.topic(), unkeyed).get(30, TimeUnit.SECONDS);
			scenario.producerJournal().append("A", unkeyed.eventId(), "u-0", 0);

			scenario.awaitProduced(producer, produced);
			Verifier.Report report = scenario.awaitAllHandled(producer);
			Scenario.failIfDead(consumer);

			Map<String, Map<String, String>> deadLetters = transport.equals("kafka") ? readKafkaDeadLetters(scenario)
					: readNatsDeadLetters(scenario);
			await("every poison record dead-lettered").atMost(Scenario.PROGRESS_TIMEOUT)
				.pollInterval(Duration.ofSeconds(1))
				.until(() -> {
					deadLetters.putAll(transport.equals("kafka") ? readKafkaDeadLetters(scenario)
							: readNatsDeadLetters(scenario));
					return deadLetters.keySet().containsAll(poison.keySet());
				});
			StringBuilder notes = new StringBuilder("Poison injected with the raw client between " + events
					+ " good events; dead-letter reasons:");
			for (String name : poison.keySet()) {
				Map<String, String> headers = deadLetters.get(name);
				assertThat(headers).as(name).containsEntry(DeadLetterRecord.HEADER_REASON, DeadLetterRecord.REASON_POISON)
					.containsKey(DeadLetterRecord.HEADER_EXCEPTION_MESSAGE);
				assertThat(headers.get(DeadLetterRecord.HEADER_EXCEPTION_MESSAGE)).as(name).isNotBlank();
				notes.append("\n- ").append(name).append(": ").append(headers.get(DeadLetterRecord.HEADER_EXCEPTION_MESSAGE));
			}
			assertThat(deadLetters.keySet()).containsExactlyInAnyOrderElementsOf(poison.keySet());

			// A message above the broker's limit: the publisher gets a clear error.
			int oversize = transport.equals("kafka") ? 2 * KafkaBroker.MAX_MESSAGE_BYTES : 2 * Scenario.NATS_MAX_PAYLOAD_BYTES;
			Throwable tooLarge = failure(() -> bus.publish(scenario.topic(), Envelope.of("k-0", "Oversize",
					new ReliabilityEvent("big", 0, 0, "x".repeat(oversize)))));
			assertThat(tooLarge).as("oversized publish").isInstanceOf(EventBusException.class);
			assertThat(tooLarge.getMessage()).isNotBlank();
			notes.append("\n- oversized publish (").append(oversize).append(" bytes): ")
				.append(tooLarge.getClass().getSimpleName()).append(": ").append(tooLarge.getMessage());

			// A topic/stream that does not exist, with provisioning off: clear errors on publish and subscribe.
			EventBus strict = scenario.extraBus(
					Map.of("provisioning", "validate", "maxBlockMs", "2000"));
			Throwable missingPublish = failure(() -> strict.publish("no-such-topic", Envelope.of("k-0",
					ReliabilityEvent.TYPE, new ReliabilityEvent("k-0", 0, 0, ""))));
			assertThat(missingPublish).as("publish to a missing topic").isInstanceOf(EventBusException.class);
			assertThat(missingPublish.getMessage()).contains("no-such-topic");
			Throwable missingSubscribe = failure(() -> CompletableFuture.completedFuture(strict.subscribe(
					"no-such-topic", ReliabilityEvent.class, SubscriptionOptions.of("strict"), (envelope, context) -> {
					})));
			assertThat(missingSubscribe).as("subscribe to a missing topic").isNotNull();
			assertThat(missingSubscribe.getMessage()).contains("no-such-topic");
			notes.append("\n- publish to a missing topic: ").append(missingPublish.getMessage())
				.append("\n- subscribe to a missing topic: ").append(missingSubscribe.getMessage());

			Scenario.failIfDead(consumer);
			scenario.record(report, notes.toString());
			String table = report.toTable(transport);
			assertThat(report.lost()).as(table).isZero();
			assertThat(report.orderViolations()).as(table).isZero();
			assertThat(report.accepted()).as(table).isEqualTo(scenario.expectedAccepted(events + 1));
		}
	}

	/** The catalogue: a valid event's wire form, each broken in one way. */
	private static Map<String, WireMessage> poison(HeaderStyle style, String topic) {
		EnvelopeCodec codec = new EnvelopeCodec(new JsonPayloadCodec());
		Map<String, WireMessage> cases = new LinkedHashMap<>();
		int[] n = { 0 };
		Map<String, UnaryOperator<Map<String, String>>> headerBreaks = new LinkedHashMap<>();
		headerBreaks.put("no-ce-headers", (headers) -> new LinkedHashMap<>());
		headerBreaks.put("bad-specversion", (headers) -> put(headers, style.header("specversion"), "0.3"));
		headerBreaks.put("bad-time", (headers) -> put(headers, style.header("time"), "yesterday"));
		headerBreaks.put("missing-id", (headers) -> remove(headers, style.header("id")));
		headerBreaks.put("unknown-type", (headers) -> put(headers, style.header("type"), "SomethingElse"));
		for (var entry : headerBreaks.entrySet()) {
			WireMessage valid = valid(codec, style, "p-" + n[0]++);
			Map<String, String> headers = entry.getValue().apply(new LinkedHashMap<>(valid.headers()));
			headers.put(CASE_HEADER, entry.getKey());
			cases.put(entry.getKey(), new WireMessage(valid.key(), headers, valid.payload()));
		}
		WireMessage valid = valid(codec, style, "p-" + n[0]++);
		Map<String, String> headers = new LinkedHashMap<>(valid.headers());
		headers.put(CASE_HEADER, "non-json-payload");
		cases.put("non-json-payload",
				new WireMessage(valid.key(), headers, "this is not json {".getBytes(StandardCharsets.UTF_8)));
		return cases;
	}

	private static WireMessage valid(EnvelopeCodec codec, HeaderStyle style, String key) {
		return codec.encode(Envelope.builder(ReliabilityEvent.TYPE, new ReliabilityEvent(key, 0, 0, ""))
			.aggregateId(key)
			.source("reliability-poison")
			.build(), style);
	}

	private static Map<String, String> put(Map<String, String> headers, String name, String value) {
		headers.put(name, value);
		return headers;
	}

	private static Map<String, String> remove(Map<String, String> headers, String name) {
		headers.remove(name);
		return headers;
	}

	private static void injectKafka(Scenario scenario, Map<String, WireMessage> poison) throws Exception {
		try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
				Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, scenario.servers()), new StringSerializer(),
				new ByteArraySerializer())) {
			for (WireMessage message : poison.values()) {
				ProducerRecord<String, byte[]> record = new ProducerRecord<>(scenario.topic(), message.key(),
						message.payload());
				message.headers().forEach((name, value) -> record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
				producer.send(record).get(30, TimeUnit.SECONDS);
			}
		}
	}

	private static void injectNats(Scenario scenario, Map<String, WireMessage> poison) throws Exception {
		try (Connection connection = scenario.nats().connect()) {
			JetStream jetStream = connection.jetStream();
			for (WireMessage message : poison.values()) {
				Headers headers = new Headers();
				message.headers().forEach(headers::add);
				jetStream.publish(NatsMessage.builder().subject(scenario.topic()).headers(headers)
					.data(message.payload()).build());
			}
		}
	}

	private static Map<String, Map<String, String>> readKafkaDeadLetters(Scenario scenario) {
		Map<String, Map<String, String>> byCase = new LinkedHashMap<>();
		try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
				Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, scenario.servers(), ConsumerConfig.GROUP_ID_CONFIG,
						"dlt-reader-" + System.nanoTime(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
				new StringDeserializer(), new ByteArrayDeserializer())) {
			consumer.subscribe(List.of(scenario.topic() + "-dlt"));
			long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
			while (System.nanoTime() < deadline) {
				for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
					Map<String, String> headers = new LinkedHashMap<>();
					for (Header header : record.headers()) {
						headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
					}
					byCase.put(headers.getOrDefault(CASE_HEADER, "?" + record.offset()), headers);
				}
				if (!byCase.isEmpty() && consumer.assignment().size() > 0) {
					break;
				}
			}
		}
		return byCase;
	}

	private static Map<String, Map<String, String>> readNatsDeadLetters(Scenario scenario) throws Exception {
		Map<String, Map<String, String>> byCase = new LinkedHashMap<>();
		try (Connection connection = scenario.nats().connect()) {
			JetStreamSubscription subscription = connection.jetStream().subscribe(
					scenario.topic() + ".dlt",
					PullSubscribeOptions.builder().durable("dlt-reader-" + System.nanoTime()).build());
			List<Message> messages = new ArrayList<>(subscription.fetch(100, Duration.ofSeconds(2)));
			for (Message message : messages) {
				Map<String, String> headers = new LinkedHashMap<>();
				Headers natsHeaders = message.getHeaders();
				if (natsHeaders != null) {
					for (String name : natsHeaders.keySet()) {
						headers.put(name, natsHeaders.getFirst(name));
					}
				}
				byCase.put(headers.getOrDefault(CASE_HEADER, "?" + message.metaData().streamSequence()), headers);
			}
		}
		return byCase;
	}

	private static Throwable failure(PublishCall call) {
		try {
			call.run().get(30, TimeUnit.SECONDS);
		}
		catch (java.util.concurrent.ExecutionException ex) {
			return ex.getCause();
		}
		catch (Throwable ex) {
			return ex;
		}
		throw new AssertionError("expected a failure, but the call succeeded");
	}

	@FunctionalInterface
	private interface PublishCall {

		CompletableFuture<?> run() throws Exception;

	}

}

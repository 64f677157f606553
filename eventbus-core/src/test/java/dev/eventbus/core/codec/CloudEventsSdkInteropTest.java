package dev.eventbus.core.codec;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.eventbus.core.api.Envelope;
import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.message.Encoding;
import io.cloudevents.kafka.CloudEventDeserializer;
import io.cloudevents.kafka.CloudEventSerializer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads our Kafka wire form with the official CloudEvents Kafka binding (cloudevents-kafka) and
 * decodes what that binding writes in binary mode. Headers travel as UTF-8 bytes, the way the Kafka
 * transport maps {@link WireMessage} headers onto a record.
 */
class CloudEventsSdkInteropTest {

	private static final String TOPIC = "orders";

	private static final Instant TIME = Instant.parse("2026-03-04T05:06:07.123456789Z");

	private final EnvelopeCodec codec = new EnvelopeCodec(new JsonPayloadCodec());

	record OrderPlaced(String orderId, int quantity) {
	}

	@Test
	void officialKafkaDeserializerReadsEveryAttributeWeWrite() {
		Envelope<OrderPlaced> envelope = Envelope.builder("com.example.OrderPlaced", new OrderPlaced("o-1", 3))
			.aggregateId("order-1")
			.eventVersion(4)
			.time(TIME)
			.source("/orders-service")
			.traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
			.correlationId("corr-42")
			.tenantId("tenant-7")
			.header("region", "eu")
			.header("city", "Zürich €")
			.build();
		WireMessage wire = this.codec.encode(envelope, HeaderStyle.KAFKA);

		CloudEvent event;
		try (CloudEventDeserializer deserializer = new CloudEventDeserializer()) {
			deserializer.configure(Map.of(), false);
			event = deserializer.deserialize(TOPIC, toKafkaHeaders(wire), wire.payload());
		}

		assertThat(event.getSpecVersion()).isEqualTo(SpecVersion.V1);
		assertThat(event.getId()).isEqualTo(envelope.eventId());
		assertThat(event.getType()).isEqualTo("com.example.OrderPlaced");
		assertThat(event.getSource()).isEqualTo(URI.create("/orders-service"));
		assertThat(event.getTime()).isNotNull();
		assertThat(event.getTime().toInstant()).isEqualTo(TIME);
		assertThat(event.getSubject()).isEqualTo("order-1");
		assertThat(event.getDataContentType()).isEqualTo("application/json");
		assertThat(event.getData()).isNotNull();
		assertThat(event.getData().toBytes()).isEqualTo(wire.payload());
		assertThat(new String(event.getData().toBytes(), StandardCharsets.UTF_8))
			.isEqualTo("{\"orderId\":\"o-1\",\"quantity\":3}");
		assertThat(event.getExtensionNames()).containsExactlyInAnyOrder("eventversion", "traceparent",
				"correlationid", "tenantid", "region", "city");
		assertThat(event.getExtension("eventversion")).hasToString("4");
		assertThat(event.getExtension("traceparent")).isEqualTo(envelope.traceparent());
		assertThat(event.getExtension("correlationid")).isEqualTo("corr-42");
		assertThat(event.getExtension("tenantid")).isEqualTo("tenant-7");
		assertThat(event.getExtension("region")).isEqualTo("eu");
		assertThat(event.getExtension("city")).isEqualTo("Zürich €");
	}

	@Test
	void eventWrittenByTheOfficialKafkaSerializerInBinaryModeDecodesToTheSameAttributes() {
		OffsetDateTime time = OffsetDateTime.of(2026, 3, 4, 7, 6, 7, 987654321, ZoneOffset.ofHours(2));
		byte[] data = "{\"orderId\":\"o-2\",\"quantity\":5}".getBytes(StandardCharsets.UTF_8);
		CloudEvent sdkEvent = CloudEventBuilder.v1()
			.withId("sdk-id-1")
			.withType("com.example.OrderPlaced")
			.withSource(URI.create("https://example.com/orders"))
			.withTime(time)
			.withSubject("order-2")
			.withDataContentType("application/json")
			.withData(data)
			.withExtension("eventversion", 7)
			.withExtension("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
			.withExtension("correlationid", "corr-9")
			.withExtension("tenantid", "tenant-3")
			.withExtension("region", "us")
			.build();

		Headers kafkaHeaders = new RecordHeaders();
		byte[] value;
		try (CloudEventSerializer serializer = new CloudEventSerializer()) {
			serializer.configure(Map.of(CloudEventSerializer.ENCODING_CONFIG, Encoding.BINARY), false);
			value = serializer.serialize(TOPIC, kafkaHeaders, sdkEvent);
		}
		assertThat(kafkaHeaders.lastHeader("ce_specversion")).as("binary mode writes ce_ headers").isNotNull();

		Envelope<OrderPlaced> decoded = this.codec.decode(new WireMessage(null, fromKafkaHeaders(kafkaHeaders), value),
				HeaderStyle.KAFKA, OrderPlaced.class);

		assertThat(decoded.eventId()).isEqualTo("sdk-id-1");
		assertThat(decoded.eventType()).isEqualTo("com.example.OrderPlaced");
		assertThat(decoded.source()).isEqualTo("https://example.com/orders");
		assertThat(decoded.time()).isEqualTo(time.toInstant());
		assertThat(decoded.aggregateId()).isEqualTo("order-2");
		assertThat(decoded.eventVersion()).isEqualTo(7);
		assertThat(decoded.traceparent()).isEqualTo("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
		assertThat(decoded.correlationId()).isEqualTo("corr-9");
		assertThat(decoded.tenantId()).isEqualTo("tenant-3");
		assertThat(decoded.headers()).containsExactly(Map.entry("region", "us"));
		assertThat(decoded.payload()).isEqualTo(new OrderPlaced("o-2", 5));
	}

	@Test
	void ourEventSurvivesARoundTripThroughTheOfficialKafkaBinding() {
		Envelope<OrderPlaced> envelope = Envelope.builder("OrderPlaced", new OrderPlaced("o-3", 1))
			.aggregateId("order-3")
			.source("orders")
			.correlationId("c")
			.header("channel", "web")
			.build();
		WireMessage wire = this.codec.encode(envelope, HeaderStyle.KAFKA);
		CloudEvent event;
		try (CloudEventDeserializer deserializer = new CloudEventDeserializer()) {
			event = deserializer.deserialize(TOPIC, toKafkaHeaders(wire), wire.payload());
		}
		Headers rewritten = new RecordHeaders();
		byte[] value;
		try (CloudEventSerializer serializer = new CloudEventSerializer()) {
			serializer.configure(Map.of(CloudEventSerializer.ENCODING_CONFIG, Encoding.BINARY), false);
			value = serializer.serialize(TOPIC, rewritten, event);
		}
		Envelope<OrderPlaced> decoded = this.codec.decode(new WireMessage(wire.key(), fromKafkaHeaders(rewritten), value),
				HeaderStyle.KAFKA, OrderPlaced.class);
		assertThat(decoded).isEqualTo(envelope);
	}

	/** What the Kafka transport does on publish: every string header becomes UTF-8 bytes. */
	private static Headers toKafkaHeaders(WireMessage wire) {
		Headers headers = new RecordHeaders();
		wire.headers().forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
		return headers;
	}

	/** What the Kafka transport does on consume. */
	private static Map<String, String> fromKafkaHeaders(Headers kafkaHeaders) {
		Map<String, String> headers = new LinkedHashMap<>();
		for (Header header : kafkaHeaders) {
			headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
		}
		return headers;
	}

}

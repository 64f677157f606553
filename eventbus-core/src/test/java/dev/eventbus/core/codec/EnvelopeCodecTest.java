package dev.eventbus.core.codec;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.eventbus.core.api.DeadLetterRecord;
import dev.eventbus.core.codec.HeaderStyle;
import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.SerializationException;
import dev.eventbus.core.support.DeadLetter;
import dev.eventbus.core.support.InboundMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EnvelopeCodecTest {

	private static final Instant TIME = Instant.parse("2026-03-04T05:06:07.123456789Z");

	private final EnvelopeCodec codec = new EnvelopeCodec(new JsonPayloadCodec());

	record OrderPlaced(String orderId, int quantity, Instant placedAt) {
	}

	static final class Unserializable {

		public String getValue() {
			throw new IllegalStateException("not today");
		}

	}

	private static Envelope<OrderPlaced> fullEnvelope() {
		return Envelope.builder("OrderPlaced", new OrderPlaced("o-1", 3, TIME))
			.eventId("0190f3a2-7b1c-7def-8123-456789abcdef")
			.aggregateId("order-1")
			.eventVersion(4)
			.time(TIME)
			.source("orders-service")
			.traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
			.correlationId("corr-42")
			.tenantId("tenant-7")
			.header("region", "eu")
			.header("priority2", "high")
			.build();
	}

	@ParameterizedTest
	@EnumSource(HeaderStyle.class)
	void encodeWritesEveryAttributeAsBinaryModeHeaders(HeaderStyle style) {
		WireMessage wire = this.codec.encode(fullEnvelope(), style);
		String p = style.prefix();
		assertThat(wire.key()).isEqualTo("order-1");
		assertThat(wire.headers()).containsExactly(Map.entry(p + "specversion", "1.0"),
				Map.entry(p + "id", "0190f3a2-7b1c-7def-8123-456789abcdef"), Map.entry(p + "source", "orders-service"),
				Map.entry(p + "type", "OrderPlaced"), Map.entry(p + "time", "2026-03-04T05:06:07.123456789Z"),
				Map.entry(p + "subject", "order-1"), Map.entry(p + "eventversion", "4"),
				Map.entry(p + "traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
				Map.entry(p + "correlationid", "corr-42"), Map.entry(p + "tenantid", "tenant-7"),
				Map.entry(p + "region", "eu"), Map.entry(p + "priority2", "high"),
				Map.entry("content-type", "application/json"));
		assertThat(new String(wire.payload(), StandardCharsets.UTF_8))
			.isEqualTo("{\"orderId\":\"o-1\",\"quantity\":3,\"placedAt\":\"2026-03-04T05:06:07.123456789Z\"}");
	}

	@ParameterizedTest
	@EnumSource(HeaderStyle.class)
	void everyAttributeRoundTrips(HeaderStyle style) {
		Envelope<OrderPlaced> original = fullEnvelope();
		Envelope<OrderPlaced> decoded = this.codec.decode(this.codec.encode(original, style), style,
				OrderPlaced.class);
		assertThat(decoded).isEqualTo(original);
		assertThat(decoded.eventId()).isEqualTo(original.eventId());
		assertThat(decoded.aggregateId()).isEqualTo("order-1");
		assertThat(decoded.eventType()).isEqualTo("OrderPlaced");
		assertThat(decoded.eventVersion()).isEqualTo(4);
		assertThat(decoded.time()).isEqualTo(TIME);
		assertThat(decoded.source()).isEqualTo("orders-service");
		assertThat(decoded.traceparent()).isEqualTo(original.traceparent());
		assertThat(decoded.correlationId()).isEqualTo("corr-42");
		assertThat(decoded.tenantId()).isEqualTo("tenant-7");
		assertThat(decoded.headers()).containsExactly(Map.entry("region", "eu"), Map.entry("priority2", "high"));
		assertThat(decoded.payload()).isEqualTo(original.payload());
	}

	@ParameterizedTest
	@EnumSource(HeaderStyle.class)
	void timeRoundTripsAtEveryPrecision(HeaderStyle style) {
		for (Instant time : new Instant[] { Instant.parse("2026-01-01T00:00:00Z"),
				Instant.parse("2026-01-01T00:00:00.100Z"), Instant.parse("2026-01-01T00:00:00.000001Z"),
				Instant.parse("1969-12-31T23:59:59.999999999Z"), Instant.now() }) {
			Envelope<String> envelope = Envelope.builder("T", "x").source("s").time(time).build();
			WireMessage wire = this.codec.encode(envelope, style);
			assertThat(wire.header(style.header("time"))).endsWith("Z");
			assertThat(this.codec.decode(wire, style, String.class).time()).isEqualTo(time);
		}
	}

	@ParameterizedTest
	@EnumSource(HeaderStyle.class)
	void unkeyedEnvelopeHasNoKeyNoSubjectAndDecodesUnkeyed(HeaderStyle style) {
		Envelope<String> envelope = Envelope.builder("Ping", "hello").source("s").build();
		WireMessage wire = this.codec.encode(envelope, style);
		assertThat(wire.key()).isNull();
		assertThat(wire.headers()).doesNotContainKey(style.header("subject"))
			.doesNotContainKey(style.header("traceparent"))
			.doesNotContainKey(style.header("correlationid"))
			.doesNotContainKey(style.header("tenantid"))
			.containsEntry(style.header("eventversion"), "1");
		Envelope<String> decoded = this.codec.decode(wire, style, String.class);
		assertThat(decoded.aggregateId()).isNull();
		assertThat(decoded.traceparent()).isNull();
		assertThat(decoded.correlationId()).isNull();
		assertThat(decoded.tenantId()).isNull();
		assertThat(decoded.headers()).isEmpty();
		assertThat(decoded).isEqualTo(envelope);
	}

	@Test
	void rawBytesPassThroughUnchanged() {
		byte[] bytes = { 0, 1, 2, (byte) 0xFF, '{' };
		Envelope<byte[]> envelope = Envelope.builder("Raw", bytes).source("s").build();
		WireMessage wire = this.codec.encode(envelope, HeaderStyle.KAFKA);
		assertThat(wire.payload()).containsExactly(bytes);
		assertThat(this.codec.decode(wire, HeaderStyle.KAFKA, byte[].class).payload()).containsExactly(bytes);
	}

	@Test
	void encodeWithoutSourceExplainsThatTheBusFillsIt() {
		Envelope<String> envelope = Envelope.of("a-1", "T", "x");
		assertThatIllegalArgumentException().isThrownBy(() -> this.codec.encode(envelope, HeaderStyle.KAFKA))
			.withMessageContaining("source")
			.withMessageContaining("toBuilder().source(");
	}

	@Test
	void encodeOfUnserializablePayloadNamesItsClass() {
		Envelope<Unserializable> envelope = Envelope.builder("T", new Unserializable()).source("s").build();
		assertThatThrownBy(() -> this.codec.encode(envelope, HeaderStyle.KAFKA))
			.isInstanceOf(SerializationException.class)
			.hasMessageContaining(Unserializable.class.getName());
	}

	@Test
	void aggregateIdComesFromTheKeyWhenThereIsNoSubject() {
		Map<String, String> headers = minimalHeaders(HeaderStyle.KAFKA);
		Envelope<String> decoded = this.codec.decode(new WireMessage("key-9", headers, json("x")), HeaderStyle.KAFKA,
				String.class);
		assertThat(decoded.aggregateId()).isEqualTo("key-9");
	}

	@Test
	void subjectWinsOverTheKey() {
		Map<String, String> headers = minimalHeaders(HeaderStyle.KAFKA);
		headers.put("ce_subject", "from-subject");
		Envelope<String> decoded = this.codec.decode(new WireMessage("from-key", headers, json("x")),
				HeaderStyle.KAFKA, String.class);
		assertThat(decoded.aggregateId()).isEqualTo("from-subject");
	}

	@Test
	void minimalForeignEventDecodesWithDefaults() {
		Map<String, String> headers = minimalHeaders(HeaderStyle.NATS);
		Instant before = Instant.now();
		Envelope<String> decoded = this.codec.decode(new WireMessage(null, headers, json("x")), HeaderStyle.NATS,
				String.class);
		assertThat(decoded.eventVersion()).isEqualTo(1);
		assertThat(decoded.time()).isBetween(before, Instant.now());
		assertThat(decoded.eventId()).isEqualTo("id-1");
		assertThat(decoded.eventType()).isEqualTo("Thing");
		assertThat(decoded.source()).isEqualTo("/foreign");
		assertThat(decoded.payload()).isEqualTo("x");
	}

	@Test
	void timeWithAnOffsetOrLowercaseSeparatorsIsConvertedToTheInstant() {
		Map<String, String> headers = minimalHeaders(HeaderStyle.KAFKA);
		headers.put("ce_time", "2026-03-04T07:06:07.5+02:00");
		assertThat(decodeKafka(headers).time()).isEqualTo(Instant.parse("2026-03-04T05:06:07.5Z"));
		headers.put("ce_time", "2026-03-04t05:06:07z");
		assertThat(decodeKafka(headers).time()).isEqualTo(Instant.parse("2026-03-04T05:06:07Z"));
	}

	@Test
	void unknownValidExtensionsBecomeUserHeadersAndEverythingElseIsIgnored() {
		Map<String, String> headers = minimalHeaders(HeaderStyle.KAFKA);
		headers.put("ce_region", "eu");
		headers.put("ce_dataschema", "https://example.com/schema"); // reserved attribute
		headers.put("ce_tracestate", "vendor=1"); // reserved attribute
		headers.put("ce_partitionkey", "p"); // reserved attribute
		headers.put("ce_Upper", "x"); // not a valid extension name
		headers.put("ce_with-dash", "x"); // not a valid extension name
		headers.put("ce_averyveryverylongextensionname", "x"); // longer than 20
		headers.put("ce_", "x"); // empty name
		headers.put("ce-region2", "x"); // NATS prefix on a Kafka message
		headers.put("traceid", "abc"); // plain transport header
		headers.put("kafka_retry", "3");
		Envelope<String> decoded = decodeKafka(headers);
		assertThat(decoded.headers()).containsExactly(Map.entry("region", "eu"));
	}

	@Test
	void deadLetteredMessageStillDecodesToTheOriginalEnvelope() {
		Envelope<OrderPlaced> original = fullEnvelope();
		WireMessage wire = this.codec.encode(original, HeaderStyle.NATS);
		WireMessage deadLettered = new DeadLetter(new InboundMessage("orders", wire, null, null, 12L),
				DeadLetterRecord.REASON_POISON, "E", "boom", 0, "g")
			.toWireMessage(HeaderStyle.KAFKA);
		assertThat(this.codec.decode(deadLettered, HeaderStyle.NATS, OrderPlaced.class)).isEqualTo(original);
	}

	@Test
	void extensionWithAControlCharacterIsRejectedNamingTheHeader() {
		Map<String, String> headers = minimalHeaders(HeaderStyle.KAFKA);
		headers.put("ce_region", "e\nu");
		assertDecodeFails(headers, "ce_region");
	}

	@Test
	void missingSpecVersionIsRejectedNamingTheHeader() {
		Map<String, String> headers = minimalHeaders(HeaderStyle.KAFKA);
		headers.remove("ce_specversion");
		assertDecodeFails(headers, "missing header ce_specversion");
	}

	@Test
	void structuredModeIsRejectedWithAHint() {
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put("content-type", "application/cloudevents+json; charset=UTF-8");
		assertDecodeFails(headers, "ce_specversion", "structured content mode");
	}

	@Test
	void otherSpecVersionIsRejectedNamingTheHeader() {
		Map<String, String> headers = minimalHeaders(HeaderStyle.NATS);
		headers.put("ce-specversion", "0.3");
		assertThatThrownBy(() -> this.codec.decode(new WireMessage(null, headers, json("x")), HeaderStyle.NATS,
				String.class))
			.isInstanceOf(SerializationException.class)
			.hasMessageContaining("ce-specversion")
			.hasMessageContaining("0.3");
	}

	@ParameterizedTest
	@EnumSource(HeaderStyle.class)
	void missingOrBlankRequiredAttributesAreRejectedNamingTheHeader(HeaderStyle style) {
		for (String attribute : new String[] { "id", "type", "source" }) {
			Map<String, String> missing = minimalHeaders(style);
			missing.remove(style.header(attribute));
			assertThatThrownBy(() -> this.codec.decode(new WireMessage(null, missing, json("x")), style,
					String.class))
				.isInstanceOf(SerializationException.class)
				.hasMessageContaining("missing header " + style.header(attribute));
			Map<String, String> blank = minimalHeaders(style);
			blank.put(style.header(attribute), " ");
			assertThatThrownBy(() -> this.codec.decode(new WireMessage(null, blank, json("x")), style, String.class))
				.isInstanceOf(SerializationException.class)
				.hasMessageContaining("blank header " + style.header(attribute));
		}
	}

	@Test
	void malformedTimeIsRejectedNamingTheHeader() {
		for (String time : new String[] { "yesterday", "2026-03-04", "2026-03-04T05:06:07", "1700000000000" }) {
			Map<String, String> headers = minimalHeaders(HeaderStyle.KAFKA);
			headers.put("ce_time", time);
			assertDecodeFails(headers, "malformed header ce_time", time);
		}
	}

	@Test
	void malformedEventVersionIsRejectedNamingTheHeader() {
		for (String version : new String[] { "v2", "1.5", "", "0", "-3", "99999999999" }) {
			Map<String, String> headers = minimalHeaders(HeaderStyle.KAFKA);
			headers.put("ce_eventversion", version);
			assertDecodeFails(headers, "malformed header ce_eventversion");
		}
	}

	@Test
	void invalidAttributeValuesAreRejectedNamingTheHeaderOrKey() {
		Map<String, String> headers = minimalHeaders(HeaderStyle.KAFKA);
		headers.put("ce_subject", "x".repeat(Envelope.MAX_AGGREGATE_ID_LENGTH + 1));
		assertDecodeFails(headers, "invalid header ce_subject", "aggregateId must be at most 256");

		Map<String, String> keyed = minimalHeaders(HeaderStyle.KAFKA);
		assertThatThrownBy(() -> this.codec.decode(new WireMessage("bad\u0000key", keyed, json("x")),
				HeaderStyle.KAFKA, String.class))
			.isInstanceOf(SerializationException.class)
			.hasMessageContaining("invalid message key");

		Map<String, String> type = minimalHeaders(HeaderStyle.KAFKA);
		type.put("ce_type", "a\tb");
		assertDecodeFails(type, "invalid header ce_type");

		Map<String, String> tenant = minimalHeaders(HeaderStyle.KAFKA);
		tenant.put("ce_tenantid", " ");
		assertDecodeFails(tenant, "invalid header ce_tenantid");
	}

	@Test
	void undecodablePayloadIsRejectedNamingTheTargetType() {
		Map<String, String> headers = minimalHeaders(HeaderStyle.KAFKA);
		assertThatThrownBy(() -> this.codec.decode(new WireMessage(null, headers,
				"{\"orderId\": [1,2".getBytes(StandardCharsets.UTF_8)), HeaderStyle.KAFKA, OrderPlaced.class))
			.isInstanceOf(SerializationException.class)
			.hasMessageContaining(OrderPlaced.class.getName());
	}

	@Test
	void jsonNullPayloadIsRejectedNamingTheTargetType() {
		Map<String, String> headers = minimalHeaders(HeaderStyle.KAFKA);
		assertThatThrownBy(() -> this.codec.decode(new WireMessage(null, headers, json("null")), HeaderStyle.KAFKA,
				OrderPlaced.class))
			.isInstanceOf(SerializationException.class)
			.hasMessageContaining("null")
			.hasMessageContaining(OrderPlaced.class.getName());
	}

	@Test
	void decodeFailureMessagesQuoteOnlyAShortSanitisedPrefixOfAHeader() {
		Map<String, String> headers = minimalHeaders(HeaderStyle.KAFKA);
		headers.put("ce_time", "x\r\n" + "y".repeat(5000));
		assertThatThrownBy(() -> decodeKafka(headers)).isInstanceOf(SerializationException.class)
			.hasMessageContaining("ce_time")
			.hasMessageNotContaining("\n")
			.satisfies((ex) -> assertThat(ex.getMessage()).hasSizeLessThan(300));
	}

	@Test
	void encodedHeadersAreUnmodifiable() {
		WireMessage wire = this.codec.encode(fullEnvelope(), HeaderStyle.KAFKA);
		assertThatThrownBy(() -> wire.headers().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
	}

	private Envelope<String> decodeKafka(Map<String, String> headers) {
		return this.codec.decode(new WireMessage(null, headers, json("x")), HeaderStyle.KAFKA, String.class);
	}

	private void assertDecodeFails(Map<String, String> headers, String... messageParts) {
		assertThatThrownBy(() -> decodeKafka(headers)).isInstanceOf(SerializationException.class)
			.hasMessageContainingAll(messageParts);
	}

	private static Map<String, String> minimalHeaders(HeaderStyle style) {
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put(style.header("specversion"), "1.0");
		headers.put(style.header("id"), "id-1");
		headers.put(style.header("type"), "Thing");
		headers.put(style.header("source"), "/foreign");
		return headers;
	}

	private static byte[] json(String value) {
		String text = value.equals("null") ? value : "\"" + value + "\"";
		return text.getBytes(StandardCharsets.UTF_8);
	}

}

package dev.eventbus.core.support;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.eventbus.core.api.DeadLetterRecord;
import dev.eventbus.core.codec.HeaderStyle;
import dev.eventbus.core.codec.WireMessage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DeadLetterTest {

	private static final byte[] PAYLOAD = "{\"orderId\":\"o-1\"}".getBytes(StandardCharsets.UTF_8);

	private static WireMessage original() {
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put("ce_specversion", "1.0");
		headers.put("ce_id", "id-1");
		headers.put("ce_type", "OrderPlaced");
		headers.put("ce_source", "shop");
		headers.put("content-type", "application/json");
		return new WireMessage("order-1", headers, PAYLOAD);
	}

	@Test
	void kafkaWireFormKeepsTheOriginalAndAddsEveryDeadLetterHeader() {
		DeadLetter deadLetter = new DeadLetter(new InboundMessage("orders", original(), 2, 41L, null),
				DeadLetterRecord.REASON_FAILED, "java.lang.IllegalStateException", "stock service down", 3, "billing");
		WireMessage wire = deadLetter.toWireMessage(HeaderStyle.KAFKA);
		assertThat(wire.key()).isEqualTo("order-1");
		assertThat(wire.payload()).isEqualTo(PAYLOAD);
		assertThat(wire.headers()).containsExactly(Map.entry("ce_specversion", "1.0"), Map.entry("ce_id", "id-1"),
				Map.entry("ce_type", "OrderPlaced"), Map.entry("ce_source", "shop"),
				Map.entry("content-type", "application/json"),
				Map.entry(DeadLetterRecord.HEADER_ORIGINAL_TOPIC, "orders"),
				Map.entry(DeadLetterRecord.HEADER_ORIGINAL_PARTITION, "2"), Map.entry(DeadLetterRecord.HEADER_ORIGINAL_OFFSET, "41"),
				Map.entry(DeadLetterRecord.HEADER_EXCEPTION_CLASS, "java.lang.IllegalStateException"),
				Map.entry(DeadLetterRecord.HEADER_EXCEPTION_MESSAGE, "stock service down"),
				Map.entry(DeadLetterRecord.HEADER_ATTEMPTS, "3"), Map.entry(DeadLetterRecord.HEADER_REASON, "failed"),
				Map.entry(DeadLetterRecord.HEADER_GROUP, "billing"));
		assertThat(wire.headers()).doesNotContainKey(DeadLetterRecord.HEADER_ORIGINAL_SEQUENCE);
	}

	@Test
	void natsWireFormCarriesTheStreamSequenceInsteadOfPartitionAndOffset() {
		DeadLetter deadLetter = new DeadLetter(new InboundMessage("orders", original(), null, null, 977L),
				DeadLetterRecord.REASON_POISON, "dev.eventbus.core.api.SerializationException", "missing header ce-type", 0,
				"audit");
		WireMessage wire = deadLetter.toWireMessage(HeaderStyle.KAFKA);
		assertThat(wire.headers()).containsEntry(DeadLetterRecord.HEADER_ORIGINAL_SEQUENCE, "977")
			.containsEntry(DeadLetterRecord.HEADER_REASON, "poison")
			.containsEntry(DeadLetterRecord.HEADER_ATTEMPTS, "0")
			.doesNotContainKeys(DeadLetterRecord.HEADER_ORIGINAL_PARTITION, DeadLetterRecord.HEADER_ORIGINAL_OFFSET);
	}

	@Test
	void theOriginalMessageIsNotModified() {
		WireMessage original = original();
		new DeadLetter(new InboundMessage("orders", original, 0, 1L, null), DeadLetterRecord.REASON_FAILED, "E", "m", 1, "g")
			.toWireMessage(HeaderStyle.KAFKA);
		assertThat(original.headers()).hasSize(5);
	}

	@Test
	void controlCharactersInTheExceptionMessageBecomeSpaces() {
		DeadLetter deadLetter = new DeadLetter(new InboundMessage("orders", original(), 0, 1L, null),
				DeadLetterRecord.REASON_FAILED, "E", "line one\r\nline two\tand\u0000nul\u0085", 1, "g");
		assertThat(deadLetter.toWireMessage(HeaderStyle.KAFKA).header(DeadLetterRecord.HEADER_EXCEPTION_MESSAGE))
			.isEqualTo("line one  line two and nul ");
	}

	@Test
	void longExceptionMessageIsTruncatedToTheLimit() {
		String message = "x".repeat(DeadLetterRecord.MAX_MESSAGE_LENGTH) + "TAIL";
		DeadLetter deadLetter = new DeadLetter(new InboundMessage("orders", original(), 0, 1L, null),
				DeadLetterRecord.REASON_FAILED, "E", message, 1, "g");
		assertThat(deadLetter.toWireMessage(HeaderStyle.KAFKA).header(DeadLetterRecord.HEADER_EXCEPTION_MESSAGE))
			.hasSize(DeadLetterRecord.MAX_MESSAGE_LENGTH)
			.doesNotContain("TAIL");
	}

	@Test
	void emptyExceptionMessageIsKeptAsAnEmptyHeader() {
		DeadLetter deadLetter = new DeadLetter(new InboundMessage("orders", original(), 0, 1L, null),
				DeadLetterRecord.REASON_FAILED, "E", "", 1, "g");
		assertThat(deadLetter.toWireMessage(HeaderStyle.KAFKA).header(DeadLetterRecord.HEADER_EXCEPTION_MESSAGE)).isEmpty();
	}

	@Test
	void aForeignOriginalWithoutCloudEventsHeadersGetsTheAttributesADeadLetterNeedsToBeReadBack() {
		WireMessage foreign = new WireMessage(null, Map.of("x-producer", "legacy"), PAYLOAD);
		DeadLetter deadLetter = new DeadLetter(new InboundMessage("orders", foreign, null, null, 5L),
				DeadLetterRecord.REASON_POISON, "dev.eventbus.core.api.SerializationException", "missing header ce-specversion",
				0, "audit");
		WireMessage wire = deadLetter.toWireMessage(HeaderStyle.NATS);
		assertThat(wire.headers()).containsEntry("ce-specversion", "1.0")
			.containsEntry("ce-type", DeadLetter.FOREIGN_TYPE)
			.containsEntry("ce-source", DeadLetter.FOREIGN_SOURCE)
			.containsEntry("x-producer", "legacy")
			.containsKey("ce-id");
		assertThat(new dev.eventbus.core.codec.EnvelopeCodec(new dev.eventbus.core.codec.JsonPayloadCodec())
			.decode(wire, HeaderStyle.NATS, byte[].class)
			.payload()).isEqualTo(PAYLOAD);
	}

	@Test
	void malformedTimeAndEventVersionOfThePoisonAreDroppedSoTheDeadLetterDecodes() {
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put("ce_specversion", "0.3");
		headers.put("ce_id", " ");
		headers.put("ce_time", "yesterday");
		headers.put("ce_eventversion", "zero");
		WireMessage poison = new WireMessage("k", headers, PAYLOAD);
		WireMessage wire = new DeadLetter(new InboundMessage("orders", poison, 0, 3L, null), DeadLetterRecord.REASON_POISON,
				"E", "m", 0, "g")
			.toWireMessage(HeaderStyle.KAFKA);
		assertThat(wire.headers()).containsEntry("ce_specversion", "1.0").doesNotContainKeys("ce_time",
				"ce_eventversion");
		assertThat(wire.header("ce_id")).isNotBlank();
		assertThat(new dev.eventbus.core.codec.EnvelopeCodec(new dev.eventbus.core.codec.JsonPayloadCodec())
			.decode(wire, HeaderStyle.KAFKA, byte[].class)
			.aggregateId()).isEqualTo("k");
	}

}

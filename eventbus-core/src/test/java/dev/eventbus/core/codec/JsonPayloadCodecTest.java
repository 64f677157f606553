package dev.eventbus.core.codec;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import dev.eventbus.core.api.SerializationException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonPayloadCodecTest {

	private final JsonPayloadCodec codec = new JsonPayloadCodec();

	record Shipment(String id, Instant shippedAt, LocalDate due, Duration window, List<String> items) {
	}

	record Small(String id) {
	}

	static final class Exploding {

		public String getValue() {
			throw new IllegalStateException("boom");
		}

	}

	@Test
	void contentTypeIsApplicationJson() {
		assertThat(this.codec.contentType()).isEqualTo("application/json");
	}

	@Test
	void javaTimeTypesRoundTripAsIsoStringsWithTheDefaultMapper() {
		Shipment shipment = new Shipment("s-1", Instant.parse("2026-03-04T05:06:07.000000001Z"),
				LocalDate.of(2026, 4, 1), Duration.ofMinutes(90), List.of("a", "b"));
		byte[] json = this.codec.encode(shipment);
		assertThat(new String(json, StandardCharsets.UTF_8)).contains("\"shippedAt\":\"2026-03-04T05:06:07.000000001Z\"")
			.contains("\"due\":\"2026-04-01\"")
			.contains("\"window\":\"PT1H30M\"");
		assertThat(this.codec.decode(json, Shipment.class)).isEqualTo(shipment);
	}

	@Test
	void byteArraysPassThroughUnchangedBothWays() {
		byte[] bytes = { 1, 2, 3, (byte) 0x80 };
		assertThat(this.codec.encode(bytes)).isSameAs(bytes);
		assertThat(this.codec.decode(bytes, byte[].class)).isSameAs(bytes);
	}

	@Test
	void defaultMapperIgnoresFieldsAddedByANewerProducer() {
		byte[] json = "{\"id\":\"x\",\"addedLater\":42}".getBytes(StandardCharsets.UTF_8);
		assertThat(this.codec.decode(json, Small.class)).isEqualTo(new Small("x"));
	}

	@Test
	void givenMapperIsUsed() {
		JsonMapper strict = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
		JsonPayloadCodec strictCodec = new JsonPayloadCodec(strict);
		assertThat(strictCodec.mapper()).isSameAs(strict);
		byte[] json = "{\"id\":\"x\",\"addedLater\":42}".getBytes(StandardCharsets.UTF_8);
		assertThatThrownBy(() -> strictCodec.decode(json, Small.class)).isInstanceOf(SerializationException.class)
			.hasMessageContaining(Small.class.getName())
			.hasMessageContaining("addedLater");
	}

	@Test
	void encodeFailureNamesThePayloadClass() {
		assertThatThrownBy(() -> this.codec.encode(new Exploding())).isInstanceOf(SerializationException.class)
			.hasMessageContaining(Exploding.class.getName())
			.hasRootCauseMessage("boom");
	}

	@Test
	void decodeFailureNamesTheTargetTypeWithoutDumpingThePayload() {
		String secret = "{\"id\": 12, \"card\": \"4111111111111111\", " + "\"pad\": \"" + "z".repeat(10_000)
				+ "\" broken";
		assertThatThrownBy(() -> this.codec.decode(secret.getBytes(StandardCharsets.UTF_8), Small.class))
			.isInstanceOf(SerializationException.class)
			.hasMessageContaining(Small.class.getName())
			.hasMessageNotContaining("4111111111111111")
			.satisfies((ex) -> assertThat(ex.getMessage()).hasSizeLessThan(400).doesNotContain("\n"));
	}

	@Test
	void decodeFailureNamesTheJsonPathOfTheBadField() {
		byte[] json = "{\"id\":{\"nested\":1}}".getBytes(StandardCharsets.UTF_8);
		assertThatThrownBy(() -> this.codec.decode(json, Small.class)).isInstanceOf(SerializationException.class)
			.hasMessageContaining(Small.class.getName())
			.hasMessageContaining("[\"id\"]");
	}

	@Test
	void decodeOfGarbageNamesTheTargetType() {
		byte[] garbage = { (byte) 0xC3, 0x28, '{', '}' };
		assertThatThrownBy(() -> this.codec.decode(garbage, Map.class)).isInstanceOf(SerializationException.class)
			.hasMessageContaining("java.util.Map");
	}

}

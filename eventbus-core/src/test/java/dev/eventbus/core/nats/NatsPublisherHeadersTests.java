package dev.eventbus.core.nats;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.eventbus.core.codec.WireMessage;
import io.nats.client.impl.Headers;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The headers {@link NatsPublisher} hands to jnats: what reaches the wire must be what jnats writes
 * for plain {@link Headers} holding the same entries.
 */
class NatsPublisherHeadersTests {

	@Test
	void frozenHeadersSerializeToTheBytesJnatsWritesForPlainHeaders() {
		Map<String, String> wire = new LinkedHashMap<>();
		wire.put("ce-specversion", "1.0");
		wire.put("ce-id", "0190f1c2-7d3a-7b2c-9e1f-3c4d5e6f7a8b");
		wire.put("ce-source", "orders");
		wire.put("ce-type", "OrderPlaced");
		wire.put("ce-time", "2026-12-04T19:00:00.123Z");
		wire.put("ce-subject", "Zürich-42 100%");
		wire.put("ce-eventversion", "1");
		wire.put("content-type", "application/json");
		Headers built = NatsPublisher.headers(new WireMessage("Zürich-42 100%", wire, new byte[0]), "evt-1");

		Headers plain = new Headers();
		wire.forEach((name, value) -> plain.put(name, NatsHeaderValues.encode(value)));
		plain.put(NatsPublisher.MSG_ID_HEADER, "evt-1");
		byte[] expected = plain.getSerialized();
		byte[] actual = new byte[expected.length + 7];
		int written = built.serializeToArray(3, actual);

		assertThat(written).isEqualTo(expected.length).isEqualTo(built.serializedLength());
		assertThat(java.util.Arrays.copyOfRange(actual, 3, 3 + written)).isEqualTo(expected);
		assertThat(built.getFirst("ce-subject")).isEqualTo("Z%C3%BCrich-42 100%25");
		assertThat(built.isReadOnly()).isTrue();
	}

}

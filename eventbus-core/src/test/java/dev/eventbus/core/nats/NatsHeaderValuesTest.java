package dev.eventbus.core.nats;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NatsHeaderValuesTest {

	@ParameterizedTest
	@ValueSource(strings = { "müller", "a\u2028b", "tab\tand\nnewline", "100%", "%41 stays %41", "emoji 😀 ok",
			"\u0000\u007f", "" })
	void anyTextRoundTripsAndEncodesToPrintableAscii(String value) {
		String encoded = NatsHeaderValues.encode(value);
		assertThat(encoded.chars()).allMatch((c) -> c >= 0x20 && c <= 0x7E);
		assertThat(NatsHeaderValues.decode(encoded)).isEqualTo(value);
	}

	@Test
	void printableAsciiWithoutPercentIsSentUnchanged() {
		String value = "order-42 ~!\"#$&'()*+,-./:;<=>?@[\\]^_`{|}";
		assertThat(NatsHeaderValues.encode(value)).isSameAs(value);
	}

	@Test
	void encodesUtf8BytesAndPercent() {
		assertThat(NatsHeaderValues.encode("müller 5%")).isEqualTo("m%C3%BCller 5%25");
	}

	@Test
	void foreignValuesWithAStrayPercentReadBackAsWritten() {
		assertThat(NatsHeaderValues.decode("50% off")).isEqualTo("50% off");
		assertThat(NatsHeaderValues.decode("ends with %4")).isEqualTo("ends with %4");
		assertThat(NatsHeaderValues.decode("%zz")).isEqualTo("%zz");
	}

}

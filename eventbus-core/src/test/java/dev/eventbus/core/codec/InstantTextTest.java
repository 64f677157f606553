package dev.eventbus.core.codec;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class InstantTextTest {

	@Test
	void writesWhatIsoInstantWritesForEveryFractionShape() {
		long second = Instant.parse("2026-12-03T12:05:53Z").getEpochSecond();
		int[] nanos = { 0, 1, 7, 999_999_999, 100_000_000, 120_000_000, 123_000_000, 123_400_000, 123_456_000,
				123_456_700, 1_000, 1_000_000, 5_000_000, 999_000, 10 };
		for (int nano : nanos) {
			Instant instant = Instant.ofEpochSecond(second, nano);
			assertThat(InstantText.format(instant)).as("nanos %d", nano)
				.isEqualTo(DateTimeFormatter.ISO_INSTANT.format(instant));
		}
	}

	@Test
	void agreesWithIsoInstantAcrossSecondsYearsAndTheEpoch() {
		SplittableRandom random = new SplittableRandom(42);
		for (int i = 0; i < 20_000; i++) {
			long second = random.nextLong(-62_135_596_800L, 253_402_300_799L); // years 0001 to 9999
			int nano = switch (i % 4) {
				case 0 -> 0;
				case 1 -> random.nextInt(1000) * 1_000_000;
				case 2 -> random.nextInt(1_000_000) * 1_000;
				default -> random.nextInt(1_000_000_000);
			};
			Instant instant = Instant.ofEpochSecond(second, nano);
			assertThat(InstantText.format(instant)).isEqualTo(DateTimeFormatter.ISO_INSTANT.format(instant));
			// the same second again, as events published in one second do: the cached text is reused
			Instant sameSecond = Instant.ofEpochSecond(second, (nano + 1) % 1_000_000_000);
			assertThat(InstantText.format(sameSecond)).isEqualTo(DateTimeFormatter.ISO_INSTANT.format(sameSecond));
		}
		assertThat(InstantText.format(Instant.EPOCH)).isEqualTo("1970-01-01T00:00:00Z");
		assertThat(InstantText.format(Instant.ofEpochSecond(-1, 500_000_000))).isEqualTo("1969-12-31T23:59:59.500Z");
	}

	@Test
	void yearsBeyondFourDigitsKeepIsoInstantsSign() {
		Instant far = Instant.parse("+12026-01-01T00:00:00.250Z");
		assertThat(InstantText.format(far)).isEqualTo(DateTimeFormatter.ISO_INSTANT.format(far));
	}

}

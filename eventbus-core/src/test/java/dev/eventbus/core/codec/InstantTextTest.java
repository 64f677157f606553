package dev.eventbus.core.codec;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.Locale;
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

	/** The general parser the codec falls back to (the codec's own RFC 3339 formatter). */
	private static final DateTimeFormatter RFC_3339 = new DateTimeFormatterBuilder().parseCaseInsensitive()
		.append(DateTimeFormatter.ISO_OFFSET_DATE_TIME)
		.toFormatter(Locale.ROOT);

	@Test
	void readsBackWhatItWritesAsTheGeneralParserDoes() {
		SplittableRandom random = new SplittableRandom(7);
		for (int i = 0; i < 20_000; i++) {
			long second = random.nextLong(-62_167_219_200L, 253_402_300_799L); // years 0000 to 9999
			int nano = switch (i % 4) {
				case 0 -> 0;
				case 1 -> random.nextInt(1000) * 1_000_000;
				case 2 -> random.nextInt(1_000_000) * 1_000;
				default -> random.nextInt(1_000_000_000);
			};
			Instant instant = Instant.ofEpochSecond(second, nano);
			String text = InstantText.format(instant);
			assertThat(InstantText.parse(text)).as(text).isEqualTo(instant).isEqualTo(general(text));
		}
	}

	@Test
	void agreesWithTheGeneralParserOnEveryFractionLength() {
		SplittableRandom random = new SplittableRandom(11);
		for (int i = 0; i < 20_000; i++) {
			StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%04d-%02d-%02dT%02d:%02d:%02d",
					random.nextInt(10_000), 1 + random.nextInt(12), 1 + random.nextInt(28), random.nextInt(24),
					random.nextInt(60), random.nextInt(60)));
			int digits = random.nextInt(10);
			if (digits > 0) {
				text.append('.');
				for (int d = 0; d < digits; d++) {
					text.append((char) ('0' + random.nextInt(10)));
				}
			}
			String value = text.append('Z').toString();
			assertThat(InstantText.parse(value)).as(value).isEqualTo(general(value));
		}
	}

	@Test
	void agreesWithTheGeneralParserOnCalendarEdges() {
		String[] valid = { "2024-02-29T23:59:59.999999999Z", "2000-02-29T00:00:00Z", "0000-01-01T00:00:00Z",
				"9999-12-31T23:59:59Z", "1970-01-01T00:00:00.000Z", "1969-12-31T23:59:59.500Z",
				"2026-04-30T12:00:00.1Z", "2026-12-31T00:00:00.12345678Z" };
		for (String value : valid) {
			assertThat(InstantText.parse(value)).as(value).isNotNull().isEqualTo(general(value));
		}
	}

	@Test
	void leavesEveryOtherShapeToTheGeneralParser() {
		String[] others = { "2026-03-04T07:06:07.5+02:00", "2026-03-04t05:06:07z", "2026-03-04T05:06:07z",
				" 2026-03-04T05:06:07Z", "2026-03-04T05:06:07Z ", "+12026-01-01T00:00:00.250Z", "2026-03-04T05:06Z",
				"2026-03-04T05:06:07.Z", "2026-03-04T05:06:07.1234567890Z", "2026-03-04T05:06:07,5Z",
				"2026-03-04 05:06:07Z", "2026-3-04T05:06:07Z", "yesterday", "2026-03-04", "2026-03-04T05:06:07",
				"1700000000000", "", "2026-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2026-04-31T00:00:00Z",
				"2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z", "2026-01-00T00:00:00Z", "2026-01-01T24:00:00Z",
				"2026-01-01T00:60:00Z", "2026-01-01T00:00:60Z", "2026-01-01T00:00:0xZ", "2026-0a-01T00:00:00Z",
				"-026-01-01T00:00:00Z", "2026-01-01T00:00:00.-5Z" };
		for (String value : others) {
			assertThat(InstantText.parse(value)).as(value).isNull();
		}
	}

	private static Instant general(String value) {
		try {
			return OffsetDateTime.parse(value.strip(), RFC_3339).toInstant();
		}
		catch (DateTimeParseException ex) {
			throw new AssertionError("the general parser rejects " + value, ex);
		}
	}

}

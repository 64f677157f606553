package dev.eventbus.core.api;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EnvelopeTest {

	@Test
	void ofBuildsAKeyedVersionOneEventWithAFreshUuidV7AndTheCurrentTime() {
		Instant before = Instant.now();
		Envelope<String> envelope = Envelope.of("order-1", "OrderPlaced", "payload");
		assertThat(envelope.aggregateId()).isEqualTo("order-1");
		assertThat(envelope.eventType()).isEqualTo("OrderPlaced");
		assertThat(envelope.eventVersion()).isEqualTo(1);
		assertThat(envelope.payload()).isEqualTo("payload");
		assertThat(UUID.fromString(envelope.eventId()).version()).isEqualTo(7);
		assertThat(envelope.time()).isBetween(before, Instant.now());
		assertThat(envelope.source()).isNull();
		assertThat(envelope.traceparent()).isNull();
		assertThat(envelope.correlationId()).isNull();
		assertThat(envelope.tenantId()).isNull();
		assertThat(envelope.headers()).isEmpty();
	}

	@Test
	void twoEnvelopesGetDifferentEventIds() {
		assertThat(Envelope.of("a", "T", 1).eventId()).isNotEqualTo(Envelope.of("a", "T", 1).eventId());
	}

	@Test
	void toBuilderCopiesEveryFieldSoAChangedCopyDiffersOnlyThere() {
		Envelope<String> original = Envelope.builder("T", "p")
			.eventId("id-1")
			.aggregateId("a")
			.eventVersion(3)
			.time(Instant.parse("2026-01-02T03:04:05Z"))
			.traceparent("tp")
			.correlationId("c")
			.tenantId("t")
			.header("region", "eu")
			.build();
		assertThat(original.toBuilder().build()).isEqualTo(original);
		Envelope<String> withSource = original.toBuilder().source("svc").build();
		assertThat(withSource.source()).isEqualTo("svc");
		assertThat(withSource).isNotEqualTo(original);
		assertThat(withSource.toBuilder().source(null).build()).isEqualTo(original);
	}

	@Test
	void headersAreACopyAndUnmodifiable() {
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put("region", "eu");
		Envelope<String> envelope = Envelope.builder("T", "p").headers(headers).build();
		headers.put("other", "x");
		assertThat(envelope.headers()).containsExactly(Map.entry("region", "eu"));
		assertThatThrownBy(() -> envelope.headers().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
	}

	@ParameterizedTest
	@ValueSource(strings = { "", " ", "\t" })
	void blankEventTypeIsRejected(String type) {
		assertInvalid(() -> Envelope.builder(type, "p").build(), "eventType", "eventType must not be blank");
	}

	@Test
	void nullEventTypeIsRejected() {
		assertInvalid(() -> Envelope.builder(null, "p").build(), "eventType", "eventType must not be blank");
	}

	@Test
	void tooLongEventTypeIsRejected() {
		assertInvalid(() -> Envelope.builder("t".repeat(257), "p").build(), "eventType",
				"eventType must be at most 256 characters but was 257");
	}

	@Test
	void aggregateIdOfExactlyTheLimitIsAccepted() {
		String id = "k".repeat(Envelope.MAX_AGGREGATE_ID_LENGTH);
		assertThat(Envelope.of(id, "T", "p").aggregateId()).isEqualTo(id);
	}

	@Test
	void aggregateIdLongerThanTheLimitIsRejected() {
		assertInvalid(() -> Envelope.of("k".repeat(257), "T", "p"), "aggregateId",
				"aggregateId must be at most 256 characters but was 257");
	}

	@ParameterizedTest
	@ValueSource(strings = { "a\u0000b", "line\nbreak", "tab\there", "del\u007f", "c1\u0085" })
	void aggregateIdWithAControlCharacterIsRejected(String id) {
		assertInvalid(() -> Envelope.of(id, "T", "p"), "aggregateId", "aggregateId must not contain control characters");
	}

	@Test
	void blankAggregateIdIsRejectedButNullMeansUnkeyed() {
		assertInvalid(() -> Envelope.of(" ", "T", "p"), "aggregateId", "aggregateId must not be blank");
		assertThat(Envelope.builder("T", "p").aggregateId(null).build().aggregateId()).isNull();
	}

	@ParameterizedTest
	@ValueSource(ints = { 0, -1, Integer.MIN_VALUE })
	void eventVersionBelowOneIsRejected(int version) {
		assertInvalid(() -> Envelope.builder("T", "p").eventVersion(version).build(), "eventVersion",
				"eventVersion must be at least 1 but was " + version);
	}

	@Test
	void nullPayloadIsRejected() {
		assertInvalid(() -> Envelope.builder("T", null).build(), "payload", "payload must not be null");
	}

	@Test
	void blankEventIdIsRejected() {
		assertInvalid(() -> Envelope.builder("T", "p").eventId("  ").build(), "eventId", "eventId must not be blank");
	}

	@Test
	void optionalTextFieldsMustNotBeBlankOrContainControlCharacters() {
		assertInvalid(() -> Envelope.builder("T", "p").source("").build(), "source", "source must not be blank");
		assertInvalid(() -> Envelope.builder("T", "p").traceparent("a\nb").build(), "traceparent",
				"traceparent must not contain control characters");
		assertInvalid(() -> Envelope.builder("T", "p").correlationId(" ").build(), "correlationId",
				"correlationId must not be blank");
		assertInvalid(() -> Envelope.builder("T", "p").tenantId("x".repeat(4097)).build(), "tenantId",
				"tenantId must be at most 4096 characters but was 4097");
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "Region", "my-header", "my_header", "with space", "abcdefghijklmnopqrstu", "ü" })
	void invalidHeaderNamesAreRejected(String name) {
		assertInvalid(() -> Envelope.builder("T", "p").header(name, "v").build(), "headers",
				"header name '" + name + "' is invalid: use 1 to 20 lowercase letters or digits");
	}

	@Test
	void headerNameOfTwentyLowercaseLettersAndDigitsIsAccepted() {
		String name = "abcdefghij0123456789";
		assertThat(Envelope.builder("T", "p").header(name, "v").build().headers()).containsEntry(name, "v");
	}

	@ParameterizedTest
	@ValueSource(strings = { "id", "type", "source", "specversion", "subject", "time", "eventversion", "traceparent",
			"tenantid", "correlationid", "datacontenttype", "partitionkey" })
	void reservedHeaderNamesAreRejected(String name) {
		assertInvalid(() -> Envelope.builder("T", "p").header(name, "v").build(), "headers",
				"header name '" + name + "' is reserved for an envelope attribute; choose another name");
	}

	@Test
	void headerValuesMustBeNonNullWithoutControlCharacters() {
		Map<String, String> withNull = new LinkedHashMap<>();
		withNull.put("region", null);
		assertInvalid(() -> Envelope.builder("T", "p").headers(withNull).build(), "headers",
				"header 'region' has a null value");
		assertInvalid(() -> Envelope.builder("T", "p").header("region", "e\r\nu").build(), "headers",
				"header 'region' contains a control character");
	}

	@Test
	void equalEnvelopesHaveEqualHashCodes() {
		Envelope<String> a = Envelope.builder("T", "p").eventId("id").time(Instant.EPOCH).build();
		Envelope<String> b = Envelope.builder("T", "p").eventId("id").time(Instant.EPOCH).build();
		assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
		assertThat(a).isNotEqualTo(b.toBuilder().time(Instant.EPOCH.plus(Duration.ofNanos(1))).build());
	}

	@Test
	void toStringShowsTheIdsButNotThePayload() {
		Envelope<String> envelope = Envelope.builder("T", "secret-payload").eventId("id-7").aggregateId("a-1").build();
		assertThat(envelope.toString()).contains("eventId=id-7", "aggregateId=a-1", "eventType=T")
			.doesNotContain("secret-payload");
	}

	private static void assertInvalid(Runnable build, String field, String message) {
		assertThatThrownBy(build::run).isInstanceOfSatisfying(InvalidEnvelopeException.class, (ex) -> {
			assertThat(ex.field()).isEqualTo(field);
			assertThat(ex.getMessage()).startsWith(message);
		});
	}

}

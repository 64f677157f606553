package dev.eventbus.core.support;

import dev.eventbus.core.api.InvalidEnvelopeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TopicsTest {

	@ParameterizedTest
	@ValueSource(strings = { "orders", "Orders.v2", "a", "a_b-c.d9", "orders-dlt" })
	void validTopicsAreReturnedUnchanged(String topic) {
		assertThat(Topics.validate(topic)).isSameAs(topic);
	}

	@Test
	void topicOfTheMaximumLengthIsAccepted() {
		String topic = "t".repeat(Topics.MAX_LENGTH);
		assertThat(Topics.validate(topic)).isEqualTo(topic);
	}

	@Test
	void nullOrBlankTopicIsRejected() {
		assertInvalid(null, "topic must not be blank");
		assertInvalid("", "topic must not be blank");
		assertInvalid("  ", "topic must not be blank");
	}

	@ParameterizedTest
	@ValueSource(strings = { "with space", "a/b", "orders.*", "orders.>", "a:b", "tópico", "a\nb" })
	void topicWithACharacterOutsideTheCommonSetIsRejectedNamingTheTopic(String topic) {
		assertInvalid(topic, "topic '" + topic + "' is invalid: use 1 to 249 letters, digits, '.', '_' or '-'");
	}

	@Test
	void topicLongerThanTheMaximumIsRejected() {
		String topic = "t".repeat(Topics.MAX_LENGTH + 1);
		assertInvalid(topic, "topic '" + topic + "' is invalid: use 1 to 249");
	}

	@ParameterizedTest
	@ValueSource(strings = { ".orders", "orders.", "orders..dlt", "." })
	void topicThatWouldMakeAnEmptyNatsTokenIsRejected(String topic) {
		assertInvalid(topic,
				"topic '" + topic + "' is invalid: it must not start or end with '.' or contain '..'");
	}

	private static void assertInvalid(String topic, String message) {
		assertThatThrownBy(() -> Topics.validate(topic)).isInstanceOfSatisfying(InvalidEnvelopeException.class,
				(ex) -> {
					assertThat(ex.field()).isEqualTo("topic");
					assertThat(ex.getMessage()).startsWith(message);
				});
	}

	@Test
	void validateAllKeepsTheGivenOrderAndDropsRepeats() {
		assertThat(Topics.validateAll(java.util.List.of("orders", "payments", "orders"))).containsExactly("orders",
				"payments");
	}

	@Test
	void validateAllRejectsNoTopicsNamingTheArgument() {
		assertThatExceptionOfType(InvalidEnvelopeException.class)
			.isThrownBy(() -> Topics.validateAll(java.util.List.of()))
			.satisfies((ex) -> assertThat(ex.field()).isEqualTo("topics"))
			.withMessage("subscribe needs at least one topic");
	}

	@Test
	void validateAllNamesTheFirstInvalidTopic() {
		assertThatExceptionOfType(InvalidEnvelopeException.class)
			.isThrownBy(() -> Topics.validateAll(java.util.List.of("orders", "bad topic")))
			.withMessageContaining("'bad topic'");
	}

}

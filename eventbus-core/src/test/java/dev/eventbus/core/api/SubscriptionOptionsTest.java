package dev.eventbus.core.api;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SubscriptionOptionsTest {

	@Test
	void defaultsAreKeyOrderingDefaultRetryAndDeadLetterOn() {
		SubscriptionOptions options = SubscriptionOptions.of("billing");
		assertThat(options.group()).isEqualTo("billing");
		assertThat(options.ordering()).isEqualTo(SubscriptionOptions.DEFAULT_ORDERING).isEqualTo(Ordering.KEY);
		assertThat(options.retryPolicy()).isEqualTo(RetryPolicy.defaults());
		assertThat(options.deadLetter()).isEqualTo(SubscriptionOptions.DEFAULT_DEAD_LETTER).isTrue();
		assertThat(options.eventTypes()).isEmpty();
		assertThat(options.accepts("Anything")).isTrue();
	}

	@Test
	void settingsAreKept() {
		RetryPolicy retry = RetryPolicy.builder().maxAttempts(5).initialBackoff(Duration.ofMillis(10)).build();
		SubscriptionOptions options = SubscriptionOptions.builder("audit.v2_x-1")
			.ordering(Ordering.NONE)
			.retryPolicy(retry)
			.deadLetter(false)
			.eventTypes(Set.of("OrderPlaced", "OrderCancelled"))
			.build();
		assertThat(options.ordering()).isEqualTo(Ordering.NONE);
		assertThat(options.retryPolicy()).isSameAs(retry);
		assertThat(options.deadLetter()).isFalse();
		assertThat(options.eventTypes()).containsExactlyInAnyOrder("OrderPlaced", "OrderCancelled");
		assertThat(options.accepts("OrderPlaced")).isTrue();
		assertThat(options.accepts("OrderShipped")).isFalse();
		assertThat(options.toString()).contains("group=audit.v2_x-1", "ordering=NONE", "deadLetter=false");
	}

	@Test
	void eventTypesAreACopyAndUnmodifiable() {
		Set<String> types = new LinkedHashSet<>(Set.of("A"));
		SubscriptionOptions options = SubscriptionOptions.builder("g").eventTypes(types).build();
		types.add("B");
		assertThat(options.eventTypes()).containsExactly("A");
		assertThatThrownBy(() -> options.eventTypes().add("C")).isInstanceOf(UnsupportedOperationException.class);
	}

	@ParameterizedTest
	@ValueSource(strings = { "", " ", "with space", "slash/group", "star*", "gt>", "ümlaut" })
	void invalidGroupNamesAreRejectedNamingTheGroupAndTheRule(String group) {
		assertThatIllegalArgumentException().isThrownBy(() -> SubscriptionOptions.of(group))
			.withMessage("subscription group '" + group + "' is invalid: use 1 to 200 letters, digits, '.', '_' or '-'");
	}

	@Test
	void nullGroupIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> SubscriptionOptions.of(null))
			.withMessageStartingWith("subscription group 'null' is invalid");
	}

	@Test
	void groupOfTwoHundredCharactersIsAcceptedButNotOneMore() {
		assertThat(SubscriptionOptions.of("g".repeat(200)).group()).hasSize(200);
		assertThatIllegalArgumentException().isThrownBy(() -> SubscriptionOptions.of("g".repeat(201)))
			.withMessageContaining("is invalid: use 1 to 200");
	}

	@Test
	void nullOrderingOrRetryPolicyIsRejectedNamingTheSetting() {
		assertThatNullPointerException().isThrownBy(() -> SubscriptionOptions.builder("g").ordering(null))
			.withMessage("ordering must not be null");
		assertThatNullPointerException().isThrownBy(() -> SubscriptionOptions.builder("g").retryPolicy(null))
			.withMessage("retryPolicy must not be null");
	}

}

package dev.eventbus.core.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RetryPolicyTest {

	@Test
	void defaultsAreThreeAttemptsDoublingFromOneHundredMillisUpToTenSeconds() {
		RetryPolicy policy = RetryPolicy.defaults();
		assertThat(policy.maxAttempts()).isEqualTo(RetryPolicy.DEFAULT_MAX_ATTEMPTS).isEqualTo(3);
		assertThat(policy.initialBackoff()).isEqualTo(Duration.ofMillis(100));
		assertThat(policy.maxBackoff()).isEqualTo(Duration.ofSeconds(10));
		assertThat(policy.multiplier()).isEqualTo(2.0);
		assertThat(policy).isEqualTo(RetryPolicy.builder().build()).hasSameHashCodeAs(RetryPolicy.builder().build());
	}

	@Test
	void backoffGrowsByTheMultiplierUntilTheCap() {
		RetryPolicy policy = RetryPolicy.builder()
			.maxAttempts(10)
			.initialBackoff(Duration.ofMillis(100))
			.multiplier(2.0)
			.maxBackoff(Duration.ofSeconds(1))
			.build();
		List<Long> millis = new ArrayList<>();
		for (int failed = 1; failed <= 8; failed++) {
			millis.add(policy.backoffAfter(failed).toMillis());
		}
		assertThat(millis).containsExactly(100L, 200L, 400L, 800L, 1000L, 1000L, 1000L, 1000L);
	}

	@Test
	void fractionalMultiplierGrowsExactly() {
		RetryPolicy policy = RetryPolicy.builder()
			.initialBackoff(Duration.ofMillis(200))
			.multiplier(1.5)
			.maxBackoff(Duration.ofSeconds(5))
			.build();
		assertThat(policy.backoffAfter(1)).isEqualTo(Duration.ofMillis(200));
		assertThat(policy.backoffAfter(2)).isEqualTo(Duration.ofMillis(300));
		assertThat(policy.backoffAfter(3)).isEqualTo(Duration.ofMillis(450));
	}

	@Test
	void multiplierOfOneKeepsTheDelayConstant() {
		RetryPolicy policy = RetryPolicy.builder().initialBackoff(Duration.ofMillis(250)).multiplier(1.0).build();
		assertThat(policy.backoffAfter(1)).isEqualTo(policy.backoffAfter(50)).isEqualTo(Duration.ofMillis(250));
	}

	@Test
	void hugeAttemptNumbersStayAtTheCapInsteadOfOverflowing() {
		RetryPolicy policy = RetryPolicy.builder().maxAttempts(Integer.MAX_VALUE).multiplier(10).build();
		assertThat(policy.backoffAfter(400)).isEqualTo(Duration.ofSeconds(10));
		assertThat(policy.backoffAfter(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(10));
	}

	@Test
	void attemptZeroOrBelowIsTreatedAsTheFirst() {
		assertThat(RetryPolicy.defaults().backoffAfter(0)).isEqualTo(Duration.ofMillis(100));
	}

	@Test
	void hasAttemptAfterCountsTheFirstDelivery() {
		RetryPolicy policy = RetryPolicy.builder().maxAttempts(3).build();
		assertThat(policy.hasAttemptAfter(1)).isTrue();
		assertThat(policy.hasAttemptAfter(2)).isTrue();
		assertThat(policy.hasAttemptAfter(3)).isFalse();
		assertThat(RetryPolicy.none().maxAttempts()).isEqualTo(1);
		assertThat(RetryPolicy.none().hasAttemptAfter(1)).isFalse();
	}

	@Test
	void zeroBackoffIsAllowed() {
		RetryPolicy policy = RetryPolicy.builder().initialBackoff(Duration.ZERO).maxBackoff(Duration.ZERO).build();
		assertThat(policy.backoffAfter(5)).isZero();
	}

	@Test
	void maxAttemptsBelowOneIsRejectedNamingTheSetting() {
		assertThatIllegalArgumentException().isThrownBy(() -> RetryPolicy.builder().maxAttempts(0).build())
			.withMessage("retry maxAttempts must be at least 1 but was 0");
	}

	@Test
	void negativeOrMissingInitialBackoffIsRejectedNamingTheSetting() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RetryPolicy.builder().initialBackoff(Duration.ofMillis(-1)).build())
			.withMessage("retry initialBackoff must not be negative but was PT-0.001S");
		assertThatIllegalArgumentException().isThrownBy(() -> RetryPolicy.builder().initialBackoff(null).build())
			.withMessageContaining("retry initialBackoff");
	}

	@Test
	void maxBackoffShorterThanInitialIsRejectedNamingBothSettings() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RetryPolicy.builder()
				.initialBackoff(Duration.ofSeconds(2))
				.maxBackoff(Duration.ofSeconds(1))
				.build())
			.withMessage("retry maxBackoff (PT1S) must not be shorter than initialBackoff (PT2S)");
		assertThatIllegalArgumentException().isThrownBy(() -> RetryPolicy.builder().maxBackoff(null).build())
			.withMessageContaining("retry maxBackoff");
	}

	@Test
	void multiplierBelowOneOrNotFiniteIsRejectedNamingTheSetting() {
		for (double bad : new double[] { 0.5, 0.0, -2.0, Double.NaN, Double.POSITIVE_INFINITY }) {
			assertThatIllegalArgumentException().isThrownBy(() -> RetryPolicy.builder().multiplier(bad).build())
				.withMessage("retry multiplier must be at least 1.0 but was " + bad);
		}
	}

	@Test
	void toStringNamesEverySetting() {
		assertThat(RetryPolicy.defaults())
			.hasToString("RetryPolicy{maxAttempts=3, initialBackoff=PT0.1S, maxBackoff=PT10S, multiplier=2.0, "
					+ "jitter=0.0, fatalExceptions=[dev.eventbus.core.api.SerializationException, "
					+ "dev.eventbus.core.api.InvalidEnvelopeException, java.lang.ClassCastException]}");
	}

	@Test
	void maxBackoffLongerThanOneDayIsRejectedNamingTheSetting() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RetryPolicy.builder().maxBackoff(Duration.ofDays(400)).build())
			.withMessageContaining("retry maxBackoff must be at most PT24H")
			.withMessageContaining("PT9600H");
	}

}

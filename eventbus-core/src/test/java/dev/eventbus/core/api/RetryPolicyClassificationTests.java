package dev.eventbus.core.api;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** Fatal exceptions and jitter of {@link RetryPolicy}. */
class RetryPolicyClassificationTests {

	@Test
	void serializationInvalidEnvelopeAndClassCastAreFatalByDefault() {
		RetryPolicy policy = RetryPolicy.defaults();
		assertThat(policy.fatalExceptions()).containsExactly(SerializationException.class,
				InvalidEnvelopeException.class, ClassCastException.class);
		assertThat(policy.isFatal(new SerializationException("bad json"))).isTrue();
		assertThat(policy.isFatal(new InvalidEnvelopeException("aggregateId", "blank"))).isTrue();
		assertThat(policy.isFatal(new ClassCastException("not an order"))).isTrue();
		assertThat(policy.isFatal(new IllegalStateException("database down"))).isFalse();
		assertThat(policy.jitter()).isEqualTo(RetryPolicy.DEFAULT_JITTER).isZero();
	}

	@Test
	void theCauseChainIsCheckedAndCyclesEnd() {
		RetryPolicy policy = RetryPolicy.defaults();
		assertThat(policy.isFatal(new CompletionException(new IllegalStateException("wrapped",
				new ClassCastException("deep"))))).isTrue();
		IllegalStateException first = new IllegalStateException("first");
		IllegalArgumentException second = new IllegalArgumentException("second", first);
		first.initCause(second);
		assertThat(policy.isFatal(first)).isFalse();
	}

	@Test
	void fatalExceptionsCanBeAddedOrReplacedAndSubclassesMatch() {
		RetryPolicy added = RetryPolicy.builder().addFatalException(IllegalArgumentException.class).build();
		assertThat(added.fatalExceptions()).hasSize(4).endsWith(IllegalArgumentException.class);
		assertThat(added.isFatal(new NumberFormatException("x"))).isTrue();

		RetryPolicy replaced = RetryPolicy.builder().fatalExceptions(List.of(UncheckedIOException.class)).build();
		assertThat(replaced.fatalExceptions()).containsExactly(UncheckedIOException.class);
		assertThat(replaced.isFatal(new ClassCastException())).isFalse();

		RetryPolicy none = RetryPolicy.builder().fatalExceptions(List.of()).build();
		assertThat(none.isFatal(new SerializationException("x"))).isFalse();
		assertThat(none).isNotEqualTo(RetryPolicy.defaults());
		assertThat(added.toBuilder().build()).isEqualTo(added).hasSameHashCodeAs(added);
		assertThat(added.toString()).contains("java.lang.IllegalArgumentException");
	}

	@Test
	@SuppressWarnings({ "unchecked", "rawtypes" })
	void aNonExceptionTypeIsRejectedNamingTheSetting() {
		Class notAThrowable = String.class;
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RetryPolicy.builder().addFatalException(notAThrowable).build())
			.withMessageContaining("retry fatalExceptions")
			.withMessageContaining("java.lang.String");
	}

	@Test
	void jitterShortensTheBackoffByUpToItsFraction() {
		RetryPolicy policy = RetryPolicy.builder()
			.maxAttempts(10)
			.initialBackoff(Duration.ofMillis(100))
			.maxBackoff(Duration.ofSeconds(1))
			.jitter(0.5)
			.build();
		assertThat(policy.backoffAfter(1, 0.0)).isEqualTo(Duration.ofMillis(100));
		assertThat(policy.backoffAfter(1, 0.5)).isEqualTo(Duration.ofMillis(75));
		assertThat(policy.backoffAfter(2, 0.999999)).isBetween(Duration.ofMillis(100), Duration.ofMillis(101));
		assertThat(policy.backoffAfter(8, 0.0)).isEqualTo(Duration.ofSeconds(1));
		assertThat(policy.backoffAfter(8, 0.5)).isEqualTo(Duration.ofMillis(750));
		Set<Duration> drawn = new HashSet<>();
		for (int i = 0; i < 200; i++) {
			Duration backoff = policy.backoffAfter(3);
			assertThat(backoff).isBetween(Duration.ofMillis(200), Duration.ofMillis(400));
			drawn.add(backoff);
		}
		assertThat(drawn).hasSizeGreaterThan(1);
	}

	@Test
	void withoutJitterTheBackoffIsExact() {
		RetryPolicy policy = RetryPolicy.builder().initialBackoff(Duration.ofMillis(100)).build();
		for (int i = 0; i < 20; i++) {
			assertThat(policy.backoffAfter(2)).isEqualTo(Duration.ofMillis(200));
		}
	}

	@Test
	void jitterOutsideZeroToOneIsRejectedNamingTheSetting() {
		for (double bad : new double[] { -0.1, 1.01, Double.NaN }) {
			assertThatIllegalArgumentException().isThrownBy(() -> RetryPolicy.builder().jitter(bad).build())
				.withMessageStartingWith("retry jitter must be between 0.0 and 1.0 but was " + bad);
		}
		assertThat(RetryPolicy.builder().jitter(1.0).build().backoffAfter(1, 0.5)).isEqualTo(Duration.ofMillis(50));
	}

}

package dev.eventbus.core.keyed;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

/**
 * Options validation, argument checks and worker thread naming.
 */
class KeyedExecutorOptionsTest {

	@Test
	void defaultsMatchTheDocumentedConstants() {
		KeyedExecutorOptions options = KeyedExecutorOptions.defaults();
		assertThat(options.workers()).isEqualTo(KeyedExecutorOptions.DEFAULT_WORKERS);
		assertThat(options.maxPending()).isEqualTo(KeyedExecutorOptions.DEFAULT_MAX_PENDING);
		assertThat(options.highWatermarkTasks()).isEqualTo(8_000);
		assertThat(options.lowWatermarkTasks()).isEqualTo(5_000);
		assertThat(options.threadNamePrefix()).isEqualTo("eventbus-keyed");
	}

	@Test
	void invalidOptionsAreRejectedNamingTheSetting() {
		assertInvalid((b) -> b.workers(0), "workers");
		assertInvalid((b) -> b.maxPending(0), "maxPending");
		assertInvalid((b) -> b.highWatermark(0), "highWatermark");
		assertInvalid((b) -> b.highWatermark(1.5), "highWatermark");
		assertInvalid((b) -> b.highWatermark(0.6).lowWatermark(0.6), "lowWatermark");
		assertInvalid((b) -> b.lowWatermark(-0.1), "lowWatermark");
		assertInvalid((b) -> b.shutdownTimeout(Duration.ofSeconds(-1)), "shutdownTimeout");
		assertInvalid((b) -> b.threadNamePrefix(" "), "threadNamePrefix");
	}

	@Test
	void invalidArgumentsAreRejectedNamingTheArgument() {
		try (KeyedExecutor executor = KeyedExecutor
			.create(KeyedExecutorOptions.builder().workers(1).threadNamePrefix("args-test").build())) {
			assertThatNullPointerException().isThrownBy(() -> executor.submit("k", null)).withMessageContaining("task");
			assertThatIllegalArgumentException()
				.isThrownBy(() -> executor.submit("k", () -> {
				}, Duration.ofMillis(-1)))
				.withMessageContaining("maxWait");
			assertThatNullPointerException().isThrownBy(() -> executor.submitAsync("k", null, Duration.ZERO))
				.withMessageContaining("task");
			assertThatIllegalArgumentException().isThrownBy(() -> executor.shutdown(Duration.ofSeconds(-1)))
				.withMessageContaining("timeout");
			assertThat(executor.pending()).isZero();
		}
	}

	@Test
	void workersAreNamedWithThePrefixAndACounter() throws Exception {
		try (KeyedExecutor executor = KeyedExecutor
			.create(KeyedExecutorOptions.builder().workers(3).threadNamePrefix("naming-test").build())) {
			Set<String> names = ConcurrentHashMap.newKeySet();
			CompletableFuture<?>[] futures = new CompletableFuture<?>[300];
			for (int i = 0; i < futures.length; i++) {
				futures[i] = executor.submit("k" + i, () -> names.add(Thread.currentThread().getName()));
			}
			CompletableFuture.allOf(futures).get(10, TimeUnit.SECONDS);
			assertThat(names).isNotEmpty().isSubsetOf("naming-test-0", "naming-test-1", "naming-test-2");
		}
	}

	private static void assertInvalid(UnaryOperator<KeyedExecutorOptions.Builder> change, String setting) {
		assertThatIllegalArgumentException().isThrownBy(() -> change.apply(KeyedExecutorOptions.builder()).build())
			.withMessageContaining(setting);
	}

}

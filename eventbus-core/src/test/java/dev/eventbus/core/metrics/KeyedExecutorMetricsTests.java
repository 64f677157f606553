package dev.eventbus.core.metrics;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.eventbus.core.keyed.KeyedExecutor;
import dev.eventbus.core.keyed.KeyedExecutorOptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class KeyedExecutorMetricsTests {

	private final KeyedExecutor executor = KeyedExecutor.create(KeyedExecutorOptions.builder()
		.workers(2)
		.maxPending(4)
		.highWatermark(0.75)
		.lowWatermark(0.25)
		.threadNamePrefix("metrics-test")
		.build());

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	@AfterEach
	void shutdown() {
		this.executor.shutdown(Duration.ofSeconds(5));
	}

	@Test
	void gaugesFollowTheExecutorsLoadAndPressure() throws Exception {
		new KeyedExecutorMetrics(this.executor).bindTo(this.registry);
		assertThat(gauge("eventbus.keyed.workers")).isEqualTo(2);
		assertThat(gauge("eventbus.keyed.pending.max")).isEqualTo(4);
		assertThat(gauge("eventbus.keyed.pending")).isZero();

		CountDownLatch release = new CountDownLatch(1);
		for (int i = 0; i < 3; i++) {
			this.executor.submit("same-key", () -> block(release));
		}
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			assertThat(gauge("eventbus.keyed.pending")).isEqualTo(3);
			assertThat(gauge("eventbus.keyed.workers.busy")).isEqualTo(1);
			assertThat(gauge("eventbus.keyed.queued")).isEqualTo(2);
			assertThat(gauge("eventbus.keyed.lanes")).isEqualTo(1);
			assertThat(gauge("eventbus.keyed.pressure")).isEqualTo(1);
		});
		release.countDown();
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			assertThat(gauge("eventbus.keyed.pending")).isZero();
			assertThat(gauge("eventbus.keyed.pressure")).isZero();
		});
		assertThat(this.registry.get("eventbus.keyed.pressure.time").functionCounter().count()).isPositive();
	}

	private double gauge(String name) {
		return this.registry.get(name).gauge().value();
	}

	private static void block(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}

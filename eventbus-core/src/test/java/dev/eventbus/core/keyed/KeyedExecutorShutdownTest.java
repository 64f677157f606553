package dev.eventbus.core.keyed;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Graceful shutdown, shutdown past its timeout, and rejection afterwards.
 */
@Timeout(60)
class KeyedExecutorShutdownTest {

	private KeyedExecutor executor;

	@AfterEach
	void shutDown() {
		if (this.executor != null) {
			this.executor.shutdown(Duration.ofSeconds(5));
		}
	}

	@Test
	void gracefulShutdownFinishesQueuedWorkAndThenRejects() throws Exception {
		this.executor = KeyedExecutor.create(
				KeyedExecutorOptions.builder().workers(1).threadNamePrefix("graceful-test").build());
		CountDownLatch release = new CountDownLatch(1);
		List<String> ran = new CopyOnWriteArrayList<>();
		CompletableFuture<Void> first = this.executor.submit("a", () -> {
			awaitQuietly(release);
			ran.add("a1");
		});
		CompletableFuture<Void> a2 = this.executor.submit("a", () -> ran.add("a2"));
		CompletableFuture<Void> b1 = this.executor.submit("b", () -> ran.add("b1"));
		CompletableFuture<Void> none = this.executor.submit(null, () -> ran.add("none"));

		CompletableFuture<ShutdownReport> report = CompletableFuture
			.supplyAsync(() -> this.executor.shutdown(Duration.ofSeconds(30)));
		await().atMost(Duration.ofSeconds(5)).until(this.executor::isShutdown);
		assertThatThrownBy(() -> this.executor.submit("c", () -> ran.add("c")))
			.isInstanceOf(RejectedExecutionException.class)
			.hasMessageContaining("executor is shut down");
		assertThat(report).isNotDone();

		release.countDown();
		assertThat(report.get(10, TimeUnit.SECONDS)).isEqualTo(new ShutdownReport(true, 0, 0, 0));
		assertThat(CompletableFuture.allOf(first, a2, b1, none)).isCompleted();
		assertThat(ran).containsExactlyInAnyOrder("a1", "a2", "b1", "none");
		assertThat(ran.indexOf("a1")).isLessThan(ran.indexOf("a2"));
		assertThat(this.executor.completedTasks()).isEqualTo(4);
		assertThat(this.executor.shutdown(Duration.ZERO)).as("idempotent").isEqualTo(new ShutdownReport(true, 0, 0, 0));
		assertThatThrownBy(() -> this.executor.workers().execute(() -> {
		})).isInstanceOf(RejectedExecutionException.class).hasMessageContaining("executor is shut down");
		assertThatThrownBy(() -> this.executor.submitAsync("d", CompletableFuture::new, Duration.ZERO))
			.isInstanceOf(RejectedExecutionException.class)
			.hasMessageContaining("executor is shut down");
	}

	@Test
	void shutdownPastItsTimeoutDiscardsQueuedTasksAndInterruptsRunningOnes() throws Exception {
		this.executor = KeyedExecutor.create(
				KeyedExecutorOptions.builder().workers(1).threadNamePrefix("forced-test").build());
		CountDownLatch never = new CountDownLatch(1);
		AtomicBoolean interrupted = new AtomicBoolean();
		CompletableFuture<Void> running = this.executor.submit("a", () -> {
			try {
				never.await(60, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				interrupted.set(true);
				throw new IllegalStateException("interrupted at shutdown", ex);
			}
		});
		await().atMost(Duration.ofSeconds(5)).until(() -> this.executor.busyWorkers() == 1);
		List<String> ran = new CopyOnWriteArrayList<>();
		List<CompletableFuture<Void>> queued = List.of(this.executor.submit("a", () -> ran.add("a2")),
				this.executor.submit("a", () -> ran.add("a3")), this.executor.submit("b", () -> ran.add("b1")),
				this.executor.submit(null, () -> ran.add("none")));
		assertThat(this.executor.queued()).isEqualTo(4);

		ShutdownReport report = this.executor.shutdown(Duration.ofMillis(200));

		assertThat(report).isEqualTo(new ShutdownReport(false, 4, 1, 2));
		for (CompletableFuture<Void> future : queued) {
			assertThat(future).isCancelled();
			assertThatThrownBy(future::join).isInstanceOf(CancellationException.class);
		}
		await().atMost(Duration.ofSeconds(5)).until(interrupted::get);
		assertThat(running).failsWithin(Duration.ofSeconds(5));
		assertThat(ran).isEmpty();
		await().atMost(Duration.ofSeconds(5))
			.until(() -> this.executor.activeLanes() == 0 && this.executor.pending() == 0);
		assertThat(this.executor.shutdown(Duration.ofSeconds(1))).as("idempotent").isSameAs(report);
		assertThatThrownBy(() -> this.executor.submit("c", () -> ran.add("c"), Duration.ZERO))
			.isInstanceOf(RejectedExecutionException.class)
			.hasMessageContaining("executor is shut down");
	}

	@Test
	void submitterWaitingForRoomIsRejectedAtShutdown() throws Exception {
		this.executor = KeyedExecutor.create(
				KeyedExecutorOptions.builder().workers(1).maxPending(1).threadNamePrefix("waiting-test").build());
		CountDownLatch release = new CountDownLatch(1);
		CompletableFuture<Void> blocker = this.executor.submit("a", () -> awaitQuietly(release));
		AtomicReference<Throwable> failure = new AtomicReference<>();
		Thread waiter = new Thread(() -> {
			try {
				this.executor.submit("b", () -> {
				});
			}
			catch (RejectedExecutionException ex) {
				failure.set(ex);
			}
		});
		waiter.start();
		await().atMost(Duration.ofSeconds(5)).until(() -> waiter.getState() == Thread.State.WAITING);

		CompletableFuture<ShutdownReport> report = CompletableFuture
			.supplyAsync(() -> this.executor.shutdown(Duration.ofSeconds(30)));
		waiter.join(10_000);
		assertThat(failure.get()).isInstanceOf(RejectedExecutionException.class)
			.hasMessageContaining("executor is shut down");
		release.countDown();
		assertThat(report.get(10, TimeUnit.SECONDS).terminated()).isTrue();
		assertThat(blocker).isCompleted();
		assertThat(this.executor.completedTasks()).isEqualTo(1);
	}

	@Test
	void asyncTaskStillOpenAtTheDeadlineCountsAsRunningAndReleasesItsLaneWhenItEnds() throws Exception {
		this.executor = KeyedExecutor.create(
				KeyedExecutorOptions.builder().workers(1).threadNamePrefix("async-shutdown-test").build());
		CompletableFuture<String> stage = new CompletableFuture<>();
		CompletableFuture<String> async = this.executor.submitAsync("a", () -> stage, Duration.ZERO);
		CompletableFuture<Void> behind = this.executor.submit("a", () -> {
		});

		ShutdownReport report = this.executor.shutdown(Duration.ofMillis(100));

		assertThat(report).isEqualTo(new ShutdownReport(false, 1, 1, 1));
		assertThat(behind).isCancelled();
		assertThat(this.executor.activeLanes()).isEqualTo(1);
		stage.complete("late");
		assertThat(async.get(5, TimeUnit.SECONDS)).isEqualTo("late");
		assertThat(this.executor.activeLanes()).isZero();
		assertThat(this.executor.pending()).isZero();
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			if (!latch.await(30, TimeUnit.SECONDS)) {
				throw new IllegalStateException("latch not released within 30 s");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}

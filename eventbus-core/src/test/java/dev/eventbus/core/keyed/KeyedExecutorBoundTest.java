package dev.eventbus.core.keyed;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The pending-task bound (waiting, timing out, never losing an accepted task) and the watermarks.
 */
@Timeout(60)
class KeyedExecutorBoundTest {

	private KeyedExecutor executor;

	@AfterEach
	void shutDown() {
		if (this.executor != null) {
			this.executor.shutdown(Duration.ofSeconds(5));
		}
	}

	@Test
	void submissionsBeyondTheBoundWaitOrAreRejectedAndAreNeverLost() throws Exception {
		this.executor = KeyedExecutor.create(
				KeyedExecutorOptions.builder().workers(1).maxPending(2).threadNamePrefix("bound-test").build());
		CountDownLatch release = new CountDownLatch(1);
		List<String> ran = new CopyOnWriteArrayList<>();
		CompletableFuture<Void> first = this.executor.submit("a", () -> {
			awaitQuietly(release);
			ran.add("a");
		});
		CompletableFuture<Void> second = this.executor.submit("b", () -> ran.add("b"));
		assertThat(this.executor.pending()).isEqualTo(2);

		assertThatThrownBy(() -> this.executor.submit("c", () -> ran.add("c"), Duration.ofMillis(100)))
			.isInstanceOf(RejectedExecutionException.class)
			.hasMessageContaining("2 tasks pending")
			.hasMessageContaining("maxPending=2")
			.hasMessageContaining("maxWait=PT0.1S");
		assertThatThrownBy(() -> this.executor.submit("c", () -> ran.add("c"), Duration.ZERO))
			.isInstanceOf(RejectedExecutionException.class)
			.hasMessageContaining("maxPending=2");

		AtomicReference<CompletableFuture<Void>> waitedWithoutLimit = new AtomicReference<>();
		AtomicReference<CompletableFuture<Void>> waitedWithLimit = new AtomicReference<>();
		Thread unbounded = new Thread(() -> waitedWithoutLimit.set(this.executor.submit("d", () -> ran.add("d"))));
		Thread bounded = new Thread(
				() -> waitedWithLimit.set(this.executor.submit("e", () -> ran.add("e"), Duration.ofSeconds(30))));
		unbounded.start();
		bounded.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> unbounded.getState() == Thread.State.WAITING
				&& bounded.getState() == Thread.State.TIMED_WAITING);
		assertThat(waitedWithoutLimit.get()).isNull();
		assertThat(waitedWithLimit.get()).isNull();
		assertThat(this.executor.pending()).isEqualTo(2);

		release.countDown();
		unbounded.join(10_000);
		bounded.join(10_000);
		CompletableFuture.allOf(first, second, waitedWithoutLimit.get(), waitedWithLimit.get())
			.get(10, TimeUnit.SECONDS);
		assertThat(ran).containsExactlyInAnyOrder("a", "b", "d", "e");
		assertThat(this.executor.completedTasks()).isEqualTo(4);
		assertThat(this.executor.pending()).isZero();
	}

	@Test
	void interruptedWaitingSubmitterIsRejectedAndItsTaskNeverRuns() throws Exception {
		this.executor = KeyedExecutor.create(
				KeyedExecutorOptions.builder().workers(1).maxPending(1).threadNamePrefix("interrupt-test").build());
		CountDownLatch release = new CountDownLatch(1);
		CompletableFuture<Void> blocker = this.executor.submit("a", () -> awaitQuietly(release));
		AtomicInteger ranLate = new AtomicInteger();
		AtomicReference<Throwable> failure = new AtomicReference<>();
		Thread waiter = new Thread(() -> {
			try {
				this.executor.submit("b", ranLate::incrementAndGet);
			}
			catch (RejectedExecutionException ex) {
				failure.set(ex);
			}
		});
		waiter.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> waiter.getState() == Thread.State.WAITING);
		waiter.interrupt();
		waiter.join(10_000);

		assertThat(failure.get()).isInstanceOf(RejectedExecutionException.class)
			.hasMessageContaining("Interrupted while waiting for room")
			.hasMessageContaining("maxPending=1");
		release.countDown();
		blocker.get(10, TimeUnit.SECONDS);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.executor.pending() == 0);
		assertThat(ranLate.get()).isZero();
	}

	@Test
	void pressureListenerIsToldHighAtTheHighWatermarkAndLowOnlyAtTheLowWatermark() throws Exception {
		// maxPending 10: high watermark 8 tasks, low watermark 5 tasks
		this.executor = KeyedExecutor.create(KeyedExecutorOptions.builder()
			.workers(1)
			.maxPending(10)
			.highWatermark(0.8)
			.lowWatermark(0.5)
			.threadNamePrefix("pressure-test")
			.build());
		Semaphore permits = new Semaphore(0);
		List<Boolean> told = new CopyOnWriteArrayList<>();
		PressureListener listener = told::add;
		this.executor.addPressureListener(listener);
		AtomicInteger keys = new AtomicInteger();
		Runnable submitOne = () -> this.executor.submit("k" + keys.incrementAndGet(), () -> acquire(permits));

		for (int i = 0; i < 7; i++) {
			submitOne.run();
		}
		assertThat(this.executor.pending()).isEqualTo(7);
		assertThat(told).isEmpty();
		assertThat(this.executor.isUnderPressure()).isFalse();
		assertThat(this.executor.timeUnderPressure()).isZero();

		submitOne.run();
		await().atMost(Duration.ofSeconds(5)).until(() -> told.equals(List.of(true)));
		assertThat(this.executor.isUnderPressure()).isTrue();

		finishOne(permits, 7);
		finishOne(permits, 6);
		assertThat(this.executor.isUnderPressure()).as("above the low watermark").isTrue();
		assertThat(told).containsExactly(true);
		finishOne(permits, 5);
		await().atMost(Duration.ofSeconds(5)).until(() -> told.equals(List.of(true, false)));
		assertThat(this.executor.isUnderPressure()).isFalse();
		Duration firstEpisode = this.executor.timeUnderPressure();
		assertThat(firstEpisode).isPositive();

		submitOne.run();
		submitOne.run();
		assertThat(this.executor.pending()).isEqualTo(7);
		assertThat(this.executor.isUnderPressure()).as("below the high watermark").isFalse();
		submitOne.run();
		await().atMost(Duration.ofSeconds(5)).until(() -> told.equals(List.of(true, false, true)));

		List<Boolean> lateTold = new CopyOnWriteArrayList<>();
		this.executor.addPressureListener(lateTold::add);
		await().atMost(Duration.ofSeconds(5)).until(() -> lateTold.equals(List.of(true)));
		this.executor.removePressureListener(listener);

		permits.release(100);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.executor.pending() == 0);
		await().atMost(Duration.ofSeconds(5)).until(() -> lateTold.equals(List.of(true, false)));
		assertThat(told).as("removed listener").containsExactly(true, false, true);
		assertThat(this.executor.isUnderPressure()).isFalse();
		assertThat(this.executor.timeUnderPressure()).isGreaterThan(firstEpisode);
	}

	@Test
	void tinyBoundStillHasALowWatermarkBelowTheHighOne() throws Exception {
		// maxPending 1: both fractions round to one task; the low watermark must stay below it
		this.executor = KeyedExecutor.create(
				KeyedExecutorOptions.builder().workers(1).maxPending(1).threadNamePrefix("tiny-test").build());
		List<Boolean> told = new CopyOnWriteArrayList<>();
		this.executor.addPressureListener(told::add);
		CountDownLatch release = new CountDownLatch(1);
		CompletableFuture<Void> only = this.executor.submit("a", () -> awaitQuietly(release));
		await().atMost(Duration.ofSeconds(5)).until(() -> told.equals(List.of(true)));
		release.countDown();
		only.get(10, TimeUnit.SECONDS);
		await().atMost(Duration.ofSeconds(5)).until(() -> told.equals(List.of(true, false)));
		assertThat(this.executor.isUnderPressure()).isFalse();
	}

	private void finishOne(Semaphore permits, int expectedPending) {
		permits.release();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.executor.pending() == expectedPending);
	}

	private static void acquire(Semaphore permits) {
		try {
			if (!permits.tryAcquire(30, TimeUnit.SECONDS)) {
				throw new IllegalStateException("no permit within 30 s");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
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

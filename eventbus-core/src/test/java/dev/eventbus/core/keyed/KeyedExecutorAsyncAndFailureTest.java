package dev.eventbus.core.keyed;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Asynchronous tasks hold their lane but not a worker; failing tasks neither kill their worker nor
 * block their lane.
 */
@Timeout(60)
class KeyedExecutorAsyncAndFailureTest {

	private static final Duration WAIT = Duration.ofSeconds(5);

	private KeyedExecutor executor;

	@AfterEach
	void shutDown() {
		if (this.executor != null) {
			this.executor.shutdown(Duration.ofSeconds(5));
		}
	}

	private KeyedExecutor oneWorker(String prefix) {
		this.executor = KeyedExecutor.create(KeyedExecutorOptions.builder().workers(1).threadNamePrefix(prefix).build());
		return this.executor;
	}

	@Test
	void asyncTaskHoldsItsLaneUntilItsStageCompletesButNotTheWorker() throws Exception {
		KeyedExecutor executor = oneWorker("async-test");
		CompletableFuture<String> stage = new CompletableFuture<>();
		List<String> ran = new CopyOnWriteArrayList<>();
		CompletableFuture<String> async = executor.submitAsync("a", () -> {
			ran.add("a1-started");
			return stage;
		}, WAIT);
		CompletableFuture<Void> nextOfA = executor.submit("a", () -> ran.add("a2"));
		CompletableFuture<Void> otherKey = executor.submit("b", () -> ran.add("b"));

		// the single worker is free while a1's stage is open: b runs, a2 waits for a1
		otherKey.get(10, TimeUnit.SECONDS);
		assertThat(ran).containsExactly("a1-started", "b");
		assertThat(async).isNotDone();
		assertThat(nextOfA).isNotDone();
		// b's future completes just before its worker releases b's lane and counters: wait for that
		await().atMost(WAIT).untilAsserted(() -> {
			assertThat(executor.pending()).isEqualTo(2);
			assertThat(executor.queued()).isEqualTo(1);
			assertThat(executor.activeLanes()).isEqualTo(1);
			assertThat(executor.busyWorkers()).isZero();
		});

		// workers() runs a continuation on the pool, beside the held lane, outside pending()
		AtomicReference<String> continuationThread = new AtomicReference<>();
		AtomicInteger pendingSeenByContinuation = new AtomicInteger(-1);
		executor.workers().execute(() -> {
			continuationThread.set(Thread.currentThread().getName());
			pendingSeenByContinuation.set(executor.pending());
			stage.complete("done");
		});

		assertThat(async.get(10, TimeUnit.SECONDS)).isEqualTo("done");
		nextOfA.get(10, TimeUnit.SECONDS);
		assertThat(ran).containsExactly("a1-started", "b", "a2");
		assertThat(continuationThread.get()).isEqualTo("async-test-0");
		assertThat(pendingSeenByContinuation.get()).isEqualTo(2);
		await().atMost(WAIT).until(() -> executor.activeLanes() == 0 && executor.pending() == 0);
		assertThat(executor.completedTasks()).isEqualTo(3);
	}

	@Test
	void failingTaskCompletesExceptionallyAndItsLaneAndWorkerGoOn() throws Exception {
		KeyedExecutor executor = oneWorker("failure-test");
		AtomicReference<Thread> failingThread = new AtomicReference<>();
		AtomicReference<Thread> nextThread = new AtomicReference<>();
		CompletableFuture<Void> failing = executor.submit("k", () -> {
			failingThread.set(Thread.currentThread());
			throw new IllegalStateException("boom");
		});
		CompletableFuture<Void> next = executor.submit("k", () -> nextThread.set(Thread.currentThread()));

		next.get(10, TimeUnit.SECONDS);
		assertThat(failing).failsWithin(WAIT)
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(IllegalStateException.class)
			.withMessageContaining("boom");
		assertThat(nextThread.get()).as("the worker that ran the failing task survived").isSameAs(failingThread.get());
		assertThat(executor.completedTasks()).isEqualTo(2);
		await().atMost(WAIT).until(() -> executor.activeLanes() == 0 && executor.pending() == 0);
	}

	@Test
	void failingAsyncTasksCompleteExceptionallyAndTheLaneGoesOn() throws Exception {
		KeyedExecutor executor = oneWorker("async-failure-test");
		CompletableFuture<String> supplierThrew = executor.submitAsync("k", () -> {
			throw new IllegalArgumentException("supplier failed");
		}, WAIT);
		CompletableFuture<String> stage = new CompletableFuture<>();
		CompletableFuture<String> stageFailed = executor.submitAsync("k", () -> stage, WAIT);
		CompletableFuture<String> nullStage = executor.submitAsync("k", () -> null, WAIT);
		CompletableFuture<Void> last = executor.submit("k", () -> {
		});
		await().atMost(WAIT).until(supplierThrew::isDone);
		assertThat(nullStage).isNotDone();
		stage.completeExceptionally(new IllegalStateException("stage failed"));

		last.get(10, TimeUnit.SECONDS);
		assertThat(supplierThrew).failsWithin(WAIT)
			.withThrowableOfType(ExecutionException.class)
			.withMessageContaining("supplier failed");
		assertThat(stageFailed).failsWithin(WAIT)
			.withThrowableOfType(ExecutionException.class)
			.withMessageContaining("stage failed");
		assertThat(nullStage).failsWithin(WAIT)
			.withThrowableOfType(ExecutionException.class)
			.withMessageContaining("returned null instead of a CompletionStage");
		await().atMost(WAIT).until(() -> executor.activeLanes() == 0 && executor.pending() == 0);
	}

	@Test
	void asyncTaskWithoutKeyHoldsItsRoomUntilItsStageCompletes() throws Exception {
		KeyedExecutor executor = oneWorker("async-nokey-test");
		CompletableFuture<Integer> stage = new CompletableFuture<>();
		CompletableFuture<Integer> async = executor.submitAsync(null, () -> stage, WAIT);
		CompletableFuture<Void> plain = executor.submit(null, () -> {
		});
		plain.get(10, TimeUnit.SECONDS);
		assertThat(executor.pending()).isEqualTo(1);
		assertThat(executor.activeLanes()).isZero();
		stage.complete(42);
		assertThat(async.get(10, TimeUnit.SECONDS)).isEqualTo(42);
		assertThat(executor.pending()).isZero();
	}

	@Test
	void taskCancelledByItsSubmitterBeforeItsTurnIsSkipped() throws Exception {
		KeyedExecutor executor = oneWorker("cancel-test");
		CompletableFuture<String> stage = new CompletableFuture<>();
		executor.submitAsync("k", () -> stage, WAIT);
		AtomicInteger ran = new AtomicInteger();
		CompletableFuture<Void> cancelled = executor.submit("k", ran::incrementAndGet);
		CompletableFuture<Void> after = executor.submit("k", ran::incrementAndGet);
		cancelled.cancel(false);
		stage.complete("go");
		after.get(10, TimeUnit.SECONDS);
		assertThat(ran.get()).isEqualTo(1);
		await().atMost(WAIT).until(() -> executor.pending() == 0);
	}

}

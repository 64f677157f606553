package dev.eventbus.core.keyed;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Virtual-thread workers ({@link KeyedExecutorOptions.Builder#virtualThreads(boolean)}): on Java 21+
 * the tasks run on virtual threads with the same key order and pending bound; on older runtimes the
 * option fails with a message naming it and the runtime. The Java 21+ tests are skipped on 17; the
 * root pom's {@code jdk25-tests} profile runs them on Temurin 25 where it is installed.
 */
@Timeout(60)
class KeyedExecutorVirtualThreadsTest {

	private KeyedExecutor executor;

	@AfterEach
	void shutDown() {
		if (this.executor != null) {
			this.executor.shutdown(Duration.ofSeconds(5));
		}
	}

	@Test
	@EnabledForJreRange(max = JRE.JAVA_20)
	void beforeJava21TheOptionFailsNamingItselfAndTheRuntime() {
		KeyedExecutorOptions.Builder builder = KeyedExecutorOptions.builder().virtualThreads(true);
		assertThatThrownBy(builder::build).isInstanceOf(IllegalArgumentException.class)
			.hasMessageStartingWith("executor virtualThreads needs Java 21+, this runtime is Java "
					+ Runtime.version().feature() + " (")
			.hasMessageContaining("run on Java 21 or later or turn it off");
		assertThat(KeyedExecutorOptions.builder().virtualThreads(false).build().virtualThreads()).isFalse();
	}

	@Test
	@EnabledForJreRange(min = JRE.JAVA_21)
	void tasksRunOnVirtualThreadsNamedLikeWorkers() throws Exception {
		this.executor = KeyedExecutor.create(
				KeyedExecutorOptions.builder().virtualThreads(true).threadNamePrefix("vt-test").build());
		AtomicReference<Thread> keyed = new AtomicReference<>();
		AtomicReference<Thread> unkeyed = new AtomicReference<>();
		AtomicReference<Thread> continuation = new AtomicReference<>();
		this.executor.submit("a", () -> keyed.set(Thread.currentThread())).get(10, TimeUnit.SECONDS);
		this.executor.submit(null, () -> unkeyed.set(Thread.currentThread())).get(10, TimeUnit.SECONDS);
		CompletableFuture.runAsync(() -> continuation.set(Thread.currentThread()), this.executor.workers())
			.get(10, TimeUnit.SECONDS);
		for (Thread thread : List.of(keyed.get(), unkeyed.get(), continuation.get())) {
			assertThat(isVirtual(thread)).as("%s is virtual", thread).isTrue();
			assertThat(thread.getName()).startsWith("vt-test-");
		}
		assertThat(this.executor.completedTasks()).isEqualTo(2);
		assertThat(this.executor.pending()).isZero();
	}

	@Test
	@EnabledForJreRange(min = JRE.JAVA_21)
	void workersDefaultToMaxPendingUnlessSetAndPlatformOptionsAreUnchanged() {
		assertThat(KeyedExecutorOptions.builder().virtualThreads(true).maxPending(500).build().workers())
			.isEqualTo(500);
		assertThat(KeyedExecutorOptions.builder().virtualThreads(true).maxPending(500).workers(8).build().workers())
			.isEqualTo(8);
		assertThat(KeyedExecutorOptions.builder().maxPending(500).build().workers())
			.isEqualTo(KeyedExecutorOptions.DEFAULT_WORKERS);
	}

	@Test
	@EnabledForJreRange(min = JRE.JAVA_21)
	void keyOrderHoldsAndAKeyNeverRunsTwiceAtOnce() throws Exception {
		this.executor = KeyedExecutor.create(KeyedExecutorOptions.builder().virtualThreads(true).maxPending(2_000)
			.threadNamePrefix("vt-order").build());
		int keys = 200;
		int perKey = 40;
		Map<Integer, List<Integer>> seen = new ConcurrentHashMap<>();
		Map<Integer, AtomicBoolean> running = new ConcurrentHashMap<>();
		AtomicInteger overlaps = new AtomicInteger();
		AtomicInteger notVirtual = new AtomicInteger();
		List<CompletableFuture<Void>> futures = new ArrayList<>();
		for (int i = 0; i < perKey; i++) {
			for (int key = 0; key < keys; key++) {
				int k = key;
				int sequence = i;
				futures.add(this.executor.submit(k, () -> {
					if (!running.computeIfAbsent(k, (x) -> new AtomicBoolean()).compareAndSet(false, true)) {
						overlaps.incrementAndGet();
					}
					if (!isVirtual(Thread.currentThread())) {
						notVirtual.incrementAndGet();
					}
					if (sequence % 8 == 0) {
						sleepQuietly(1); // parks the virtual thread, letting other keys overtake
					}
					seen.computeIfAbsent(k, (x) -> new CopyOnWriteArrayList<>()).add(sequence);
					running.get(k).set(false);
				}));
			}
		}
		CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).get(30, TimeUnit.SECONDS);
		assertThat(overlaps).hasValue(0);
		assertThat(notVirtual).hasValue(0);
		assertThat(seen).hasSize(keys);
		List<Integer> expected = new ArrayList<>();
		for (int i = 0; i < perKey; i++) {
			expected.add(i);
		}
		seen.forEach((key, sequence) -> assertThat(sequence).as("key %s", key).isEqualTo(expected));
		assertThat(this.executor.completedTasks()).isEqualTo((long) keys * perKey);
	}

	@Test
	@EnabledForJreRange(min = JRE.JAVA_21)
	void thePendingBoundHoldsAndEveryPendingKeyRunsAtOnce() throws Exception {
		int bound = 1_000;
		this.executor = KeyedExecutor.create(KeyedExecutorOptions.builder().virtualThreads(true).maxPending(bound)
			.threadNamePrefix("vt-bound").build());
		CountDownLatch allStarted = new CountDownLatch(bound);
		CountDownLatch release = new CountDownLatch(1);
		List<CompletableFuture<Void>> futures = new ArrayList<>();
		for (int key = 0; key < bound; key++) {
			futures.add(this.executor.submit(key, () -> {
				allStarted.countDown();
				awaitQuietly(release); // blocking: parks a virtual thread, holds no platform thread
			}));
		}
		// workers default to maxPending: all 1,000 blocked handlers run at the same time
		assertThat(allStarted.await(30, TimeUnit.SECONDS)).isTrue();
		assertThat(this.executor.pending()).isEqualTo(bound);
		assertThat(this.executor.busyWorkers()).isEqualTo(bound);
		assertThat(this.executor.isUnderPressure()).isTrue();
		assertThatThrownBy(() -> this.executor.submit("one-more", () -> { }, Duration.ZERO))
			.isInstanceOf(RejectedExecutionException.class)
			.hasMessageContaining("maxPending=" + bound);

		AtomicReference<CompletableFuture<Void>> waited = new AtomicReference<>();
		Thread submitter = new Thread(
				() -> waited.set(this.executor.submit("waits", () -> { }, Duration.ofSeconds(30))));
		submitter.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> submitter.getState() == Thread.State.TIMED_WAITING);
		assertThat(waited.get()).isNull();
		assertThat(this.executor.pending()).isEqualTo(bound);

		release.countDown();
		submitter.join(10_000);
		futures.add(waited.get());
		CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).get(30, TimeUnit.SECONDS);
		assertThat(this.executor.completedTasks()).isEqualTo(bound + 1);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.executor.pending() == 0);
		assertThat(this.executor.isUnderPressure()).isFalse();
	}

	@Test
	@EnabledForJreRange(min = JRE.JAVA_21)
	void anExplicitWorkerCountCapsHowManyRunAtOnce() throws Exception {
		this.executor = KeyedExecutor.create(KeyedExecutorOptions.builder().virtualThreads(true).workers(3)
			.maxPending(100).threadNamePrefix("vt-cap").build());
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger started = new AtomicInteger();
		List<CompletableFuture<Void>> futures = new ArrayList<>();
		for (int key = 0; key < 10; key++) {
			futures.add(this.executor.submit(key, () -> {
				started.incrementAndGet();
				awaitQuietly(release);
			}));
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> started.get() == 3 && this.executor.busyWorkers() == 3);
		assertThat(this.executor.queued()).isEqualTo(7);
		release.countDown();
		CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).get(30, TimeUnit.SECONDS);
		assertThat(started).hasValue(10);
	}

	@Test
	@EnabledForJreRange(min = JRE.JAVA_21)
	void shutdownDrainsAndInterruptsVirtualWorkers() throws Exception {
		this.executor = KeyedExecutor.create(
				KeyedExecutorOptions.builder().virtualThreads(true).threadNamePrefix("vt-shutdown").build());
		CountDownLatch never = new CountDownLatch(1);
		CountDownLatch started = new CountDownLatch(1);
		CompletableFuture<Void> stuck = this.executor.submit("a", () -> {
			started.countDown();
			awaitQuietly(never);
		});
		this.executor.submit("a", () -> { });
		assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
		ShutdownReport report = this.executor.shutdown(Duration.ofMillis(200));
		assertThat(report.terminated()).isFalse();
		assertThat(report.runningTasks()).isEqualTo(1);
		assertThat(report.unstartedTasks()).isEqualTo(1);
		await().atMost(Duration.ofSeconds(10)).until(stuck::isDone);
	}

	static boolean isVirtual(Thread thread) {
		try {
			return (boolean) Thread.class.getMethod("isVirtual").invoke(thread);
		}
		catch (ReflectiveOperationException ex) {
			throw new AssertionError("Thread.isVirtual() is missing on Java " + Runtime.version(), ex);
		}
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void sleepQuietly(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}

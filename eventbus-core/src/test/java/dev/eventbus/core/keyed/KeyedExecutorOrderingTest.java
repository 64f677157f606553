package dev.eventbus.core.keyed;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Per-key order, mutual exclusion per key, no lane leak, slow keys delaying only themselves, and
 * fairness between lanes.
 */
@Timeout(120)
class KeyedExecutorOrderingTest {

	private static final int TASKS = 100_000;

	private static final int KEYS = 1_000;

	private static final int SUBMITTERS = 4;

	private KeyedExecutor executor;

	@AfterEach
	void shutDown() {
		if (this.executor != null) {
			this.executor.shutdown(Duration.ofSeconds(10));
		}
	}

	@Test
	void everyTaskRunsOnceInPerKeyOrderAndNeverTwoOfOneKeyAtOnce() throws Exception {
		everyTaskRunsOnceInPerKeyOrder(4);
	}

	/**
	 * Far more workers than cores (the 1 ms handler benchmark's 256): most workers wait for the pool's
	 * queue at any time, and those woken are often descheduled; order and the drain still hold.
	 */
	@Test
	void manyMoreWorkersThanCoresKeepEveryKeyInOrderAndDrain() throws Exception {
		everyTaskRunsOnceInPerKeyOrder(256);
	}

	private void everyTaskRunsOnceInPerKeyOrder(int workers) throws Exception {
		this.executor = KeyedExecutor.create(KeyedExecutorOptions.builder()
			.workers(workers)
			.maxPending(2_000)
			.threadNamePrefix("order-test")
			.build());
		Object[] keyLocks = new Object[KEYS];
		int[] nextSequence = new int[KEYS];
		int[] lastRun = new int[KEYS];
		AtomicBoolean[] inTask = new AtomicBoolean[KEYS];
		for (int k = 0; k < KEYS; k++) {
			keyLocks[k] = new Object();
			lastRun[k] = -1;
			inTask[k] = new AtomicBoolean();
		}
		AtomicIntegerArray runs = new AtomicIntegerArray(TASKS);
		AtomicInteger ids = new AtomicInteger();
		AtomicInteger overlaps = new AtomicInteger();
		AtomicInteger outOfOrder = new AtomicInteger();
		List<CompletableFuture<Void>> futures = new CopyOnWriteArrayList<>();

		Runnable submitter = () -> {
			List<CompletableFuture<Void>> mine = new ArrayList<>();
			for (int i = 0; i < TASKS / SUBMITTERS; i++) {
				int k = ThreadLocalRandom.current().nextInt(KEYS);
				// the per-key lock makes submission order = sequence order across submitter threads
				synchronized (keyLocks[k]) {
					int sequence = nextSequence[k]++;
					int id = ids.getAndIncrement();
					mine.add(this.executor.submit("key-" + k, () -> {
						if (!inTask[k].compareAndSet(false, true)) {
							overlaps.incrementAndGet();
						}
						if (lastRun[k] != sequence - 1) {
							outOfOrder.incrementAndGet();
						}
						lastRun[k] = sequence;
						runs.incrementAndGet(id);
						if ((sequence & 7) == 0) {
							Thread.yield(); // widen the window in which a second task of the key could enter
						}
						inTask[k].set(false);
					}));
				}
			}
			futures.addAll(mine);
		};
		List<Thread> threads = new ArrayList<>();
		for (int t = 0; t < SUBMITTERS; t++) {
			Thread thread = new Thread(submitter, "submitter-" + t);
			threads.add(thread);
			thread.start();
		}
		for (Thread thread : threads) {
			thread.join(TimeUnit.SECONDS.toMillis(90));
		}

		assertThat(futures).hasSize(TASKS);
		CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
		assertThat(overlaps.get()).as("times a second task of a key started while one ran").isZero();
		assertThat(outOfOrder.get()).as("tasks that ran out of their key's submission order").isZero();
		for (int id = 0; id < TASKS; id++) {
			assertThat(runs.get(id)).as("runs of task %d", id).isEqualTo(1);
		}
		int submittedPerKey = 0;
		for (int k = 0; k < KEYS; k++) {
			assertThat(lastRun[k]).isEqualTo(nextSequence[k] - 1);
			submittedPerKey += nextSequence[k];
		}
		assertThat(submittedPerKey).isEqualTo(TASKS);
		assertThat(this.executor.completedTasks()).isEqualTo(TASKS);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.executor.activeLanes() == 0);
		assertThat(this.executor.pending()).isZero();
		assertThat(this.executor.queued()).isZero();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.executor.busyWorkers() == 0);
	}

	@Test
	void slowKeyDoesNotDelayOtherKeys() throws Exception {
		this.executor = KeyedExecutor.create(
				KeyedExecutorOptions.builder().workers(2).threadNamePrefix("slow-test").build());
		CountDownLatch holdFirstSlowTask = new CountDownLatch(1);
		List<Integer> slowDone = new CopyOnWriteArrayList<>();
		int slowTasks = 20;
		List<CompletableFuture<Void>> slowFutures = new ArrayList<>();
		for (int i = 0; i < slowTasks; i++) {
			int n = i;
			slowFutures.add(this.executor.submit("slow", () -> {
				try {
					if (n == 0) {
						holdFirstSlowTask.await(60, TimeUnit.SECONDS);
					}
					Thread.sleep(50);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				slowDone.add(n);
			}));
		}
		AtomicInteger otherDone = new AtomicInteger();
		List<CompletableFuture<Void>> others = new ArrayList<>();
		for (int i = 0; i < 2_000; i++) {
			others.add(this.executor.submit("other-" + (i % 500), otherDone::incrementAndGet));
		}

		// every other key finishes while the slow key has not finished a single task
		CompletableFuture.allOf(others.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
		assertThat(otherDone.get()).isEqualTo(2_000);
		assertThat(slowDone).isEmpty();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.executor.activeLanes() == 1);
		assertThat(this.executor.queued()).isEqualTo(slowTasks - 1);
		assertThat(this.executor.pending()).isEqualTo(slowTasks);

		holdFirstSlowTask.countDown();
		CompletableFuture.allOf(slowFutures.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
		assertThat(slowDone).containsExactlyElementsOf(java.util.stream.IntStream.range(0, slowTasks).boxed().toList());
		await().atMost(Duration.ofSeconds(10)).until(() -> this.executor.activeLanes() == 0);
	}

	@Test
	void busyLaneYieldsItsWorkerToOtherLanesAfterABatch() throws Exception {
		this.executor = KeyedExecutor.create(
				KeyedExecutorOptions.builder().workers(1).threadNamePrefix("fair-test").build());
		CountDownLatch holdWorker = new CountDownLatch(1);
		this.executor.submit(null, () -> {
			try {
				holdWorker.await(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		List<String> ran = new CopyOnWriteArrayList<>();
		List<CompletableFuture<Void>> futures = new ArrayList<>();
		int busyTasks = 10 * Lane.BATCH;
		for (int i = 0; i < busyTasks; i++) {
			futures.add(this.executor.submit("busy", () -> ran.add("busy")));
		}
		futures.add(this.executor.submit("quiet", () -> ran.add("quiet")));
		holdWorker.countDown();

		CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
		assertThat(ran).hasSize(busyTasks + 1);
		assertThat(ran.indexOf("quiet")).as("tasks of the busy key that ran before the quiet key's only task")
			.isLessThanOrEqualTo(Lane.BATCH);
	}

}

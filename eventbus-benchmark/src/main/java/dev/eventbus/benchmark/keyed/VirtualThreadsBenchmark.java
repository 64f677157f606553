package dev.eventbus.benchmark.keyed;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.eventbus.core.keyed.KeyedExecutor;
import dev.eventbus.core.keyed.KeyedExecutorOptions;

/**
 * Handlers that block (sleep) on platform and on virtual-thread workers: 10,000 keys, a 10 ms and a
 * 100 ms handler. A plain main class, not JMH: each run is a fixed window of steady state, and the
 * figures are the completed tasks per second, the ceiling {@code min(in-flight keys, workers) / handler
 * time}, the peak platform threads of the JVM, the peak busy workers and the peak heap used.
 *
 * <p><b>Load.</b> One submitter feeds the executor round-robin over the keys, waiting for room at the
 * pending bound (max-pending 10,000, so about one pending task per key). After a warm-up of
 * {@code warmup} seconds the completed-task counter is read at the start and the end of a
 * {@code seconds}-second window; a sampler reads threads, busy workers and heap every 50 ms of the
 * window. The executor is then shut down without waiting (queued tasks discarded, sleeps interrupted).
 * Configurations per handler time: platform threads with the default 64 workers, platform with 256,
 * and virtual threads (workers default to max-pending). Needs Java 21+ for the virtual rows.
 *
 * <pre>
 * /usr/lib/jvm/temurin-25-jdk-amd64/bin/java -Xmx1g -cp eventbus-benchmark/target/benchmarks.jar \
 *     dev.eventbus.benchmark.keyed.VirtualThreadsBenchmark [seconds=5] [warmup=2]
 * </pre>
 */
public final class VirtualThreadsBenchmark {

	private static final int KEYS = 10_000;

	private static final int MAX_PENDING = 10_000;

	private VirtualThreadsBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
		int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 2;
		System.out.printf(Locale.ROOT, "Java %s, %d CPUs, max heap %d MiB, %d keys, max-pending %d, window %d s%n",
				Runtime.version(), Runtime.getRuntime().availableProcessors(),
				Runtime.getRuntime().maxMemory() >> 20, KEYS, MAX_PENDING, seconds);
		System.out.println("| handler | threads | workers | tasks/s | ceiling/s | of ceiling | peak platform threads "
				+ "| peak busy workers | peak heap used MiB |");
		System.out.println("|---|---|---|---|---|---|---|---|---|");
		for (int handlerMillis : new int[] { 10, 100 }) {
			run(handlerMillis, false, KeyedExecutorOptions.DEFAULT_WORKERS, seconds, warmup);
			run(handlerMillis, false, 256, seconds, warmup);
			run(handlerMillis, true, 0, seconds, warmup);
		}
	}

	private static void run(int handlerMillis, boolean virtual, int workers, int seconds, int warmup)
			throws Exception {
		KeyedExecutorOptions.Builder builder = KeyedExecutorOptions.builder()
			.maxPending(MAX_PENDING)
			.virtualThreads(virtual)
			.threadNamePrefix(virtual ? "bench-virtual" : "bench-platform");
		if (!virtual) {
			builder.workers(workers);
		}
		KeyedExecutor executor = KeyedExecutor.create(builder.build());
		AtomicBoolean stop = new AtomicBoolean();
		Runnable handler = () -> {
			try {
				Thread.sleep(handlerMillis);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		};
		Thread submitter = new Thread(() -> {
			int key = 0;
			while (!stop.get()) {
				try {
					executor.submit(key, handler, Duration.ofMillis(200));
				}
				catch (java.util.concurrent.RejectedExecutionException ex) {
					continue; // full for 200 ms, or shut down: the loop checks stop
				}
				key = (key + 1) % KEYS;
			}
		}, "bench-submitter");
		submitter.start();
		Thread.sleep(warmup * 1000L);

		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		long start = System.nanoTime();
		long completedAtStart = executor.completedTasks();
		long deadline = start + seconds * 1_000_000_000L;
		int peakThreads = 0;
		int peakBusy = 0;
		long peakHeap = 0;
		while (System.nanoTime() < deadline) {
			peakThreads = Math.max(peakThreads, threads.getThreadCount());
			peakBusy = Math.max(peakBusy, executor.busyWorkers());
			peakHeap = Math.max(peakHeap, memory.getHeapMemoryUsage().getUsed());
			Thread.sleep(50);
		}
		long completed = executor.completedTasks() - completedAtStart;
		double elapsed = (System.nanoTime() - start) / 1e9;
		stop.set(true);
		executor.shutdown(Duration.ZERO);
		submitter.join(10_000);

		int effectiveWorkers = executor.options().workers();
		double throughput = completed / elapsed;
		double ceiling = Math.min(Math.min(KEYS, MAX_PENDING), effectiveWorkers) * 1000.0 / handlerMillis;
		System.out.printf(Locale.ROOT, "| %d ms | %s | %d | %,.0f | %,.0f | %.2f | %d | %d | %d |%n", handlerMillis,
				virtual ? "virtual" : "platform", effectiveWorkers, throughput, ceiling, throughput / ceiling,
				peakThreads, peakBusy, peakHeap >> 20);
		System.gc();
		Thread.sleep(500);
	}

}

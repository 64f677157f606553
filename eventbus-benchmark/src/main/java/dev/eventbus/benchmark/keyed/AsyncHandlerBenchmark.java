package dev.eventbus.benchmark.keyed;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.api.SubscriptionOptions;
import dev.eventbus.core.keyed.KeyedExecutor;
import dev.eventbus.core.keyed.KeyedExecutorOptions;
import dev.eventbus.core.memory.MemoryEventBus;
import dev.eventbus.core.memory.MemoryOptions;

/**
 * Asynchronous handlers ({@code subscribeAsync}, a {@code CompletionStage} result) against blocking
 * ones on the memory transport, so that the broker is not the bound: 10,000 keys, every handler takes
 * 10 ms. A plain main class, not JMH, in the style of {@link VirtualThreadsBenchmark}. Rows: (a) an
 * async handler whose {@link CompletableFuture} a {@link ScheduledExecutorService} completes after
 * 10 ms, on the default 64 platform workers; (b) a blocking handler sleeping 10 ms on the same 64
 * workers; (c) the blocking handler on 256 workers.
 *
 * <p><b>Load.</b> One publisher thread publishes round-robin over the keys to one memory topic (topic
 * capacity 10,000, so it waits when the group is 10,000 events behind); one subscription with key
 * ordering handles them on a {@link KeyedExecutor} the benchmark creates (max-pending 10,000, default
 * watermarks 0.8 / 0.5), so that it can read its busy workers. After a warm-up of {@code warmup}
 * seconds the handled events are counted over a {@code seconds}-second window while a sampler reads
 * platform threads, busy workers (mean and peak of the samples), pending tasks and heap used every
 * 50 ms. Then the publisher stops, the benchmark waits until every published event is handled, and
 * checks that each key's events started in publish order, each only after the previous one of its key
 * completed; the run fails (exit status 1) otherwise.
 *
 * <p><b>Ceiling.</b> The memory delivery thread hands nothing over while the executor's pending tasks
 * are at its high watermark ({@code floor(max-pending × high-watermark)} = 8,000) and resumes at the
 * low watermark (5,000), so at most 8,000 keys are in flight: ceiling =
 * {@code min(keys, floor(max-pending × high-watermark), workers if blocking) / 10 ms}, 800,000/s for
 * the async row, 6,400/s and 25,600/s for the blocking ones.
 *
 * <pre>
 * java -Xmx1g -cp eventbus-benchmark/target/benchmarks.jar \
 *     dev.eventbus.benchmark.keyed.AsyncHandlerBenchmark [seconds=5] [warmup=2]
 * </pre>
 */
public final class AsyncHandlerBenchmark {

	private static final int KEYS = 10_000;

	private static final int MAX_PENDING = 10_000;

	private static final int HANDLER_MILLIS = 10;

	private static final String TOPIC = "bench-async";

	private static final String EVENT_TYPE = "bench.step";

	private AsyncHandlerBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
		int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 2;
		System.out.printf(Locale.ROOT, "Java %s, %d CPUs, max heap %d MiB, %d keys, max-pending %d, handler %d ms, "
				+ "window %d s, warm-up %d s%n", Runtime.version(), Runtime.getRuntime().availableProcessors(),
				Runtime.getRuntime().maxMemory() >> 20, KEYS, MAX_PENDING, HANDLER_MILLIS, seconds, warmup);
		System.out.println("load average before: " + loadAverage());
		System.out.println("| handler | workers | events/s | ceiling/s | of ceiling | peak platform threads "
				+ "| busy workers mean / peak | peak pending | peak heap used MiB | handled, in order |");
		System.out.println("|---|---|---|---|---|---|---|---|---|---|");
		boolean ok = run(true, KeyedExecutorOptions.DEFAULT_WORKERS, seconds, warmup);
		ok &= run(false, KeyedExecutorOptions.DEFAULT_WORKERS, seconds, warmup);
		ok &= run(false, 256, seconds, warmup);
		System.out.println("load average after: " + loadAverage());
		if (!ok) {
			System.out.println("FAILED: an event was lost or handled out of key order (see the rows above)");
			System.exit(1);
		}
	}

	private static boolean run(boolean async, int workers, int seconds, int warmup) throws Exception {
		KeyedExecutor executor = KeyedExecutor.create(KeyedExecutorOptions.builder()
			.workers(workers)
			.maxPending(MAX_PENDING)
			.threadNamePrefix(async ? "bench-async" : "bench-blocking")
			.build());
		ScheduledExecutorService delays = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "bench-delay");
			thread.setDaemon(true);
			return thread;
		});
		EventBus bus = MemoryEventBus.builder(MemoryOptions.builder().build()).executor(executor).build();
		String[] keys = new String[KEYS];
		for (int k = 0; k < KEYS; k++) {
			keys[k] = "key-" + k;
		}
		// next[k]: the sequence number the next event of key k must carry when its handler starts; set
		// only when the previous one completed, so a start out of order or overlapping its predecessor
		// counts as a violation
		AtomicIntegerArray next = new AtomicIntegerArray(KEYS);
		AtomicLong violations = new AtomicLong();
		AtomicLong handled = new AtomicLong();
		SubscriptionOptions options = SubscriptionOptions.of("bench");
		if (async) {
			bus.subscribeAsync(TOPIC, byte[].class, options, (envelope, context) -> {
				ByteBuffer payload = ByteBuffer.wrap(envelope.payload());
				int key = payload.getInt();
				int seq = payload.getInt();
				check(next, violations, key, seq);
				CompletableFuture<Void> done = new CompletableFuture<>();
				delays.schedule(() -> {
					next.set(key, seq + 1);
					handled.incrementAndGet();
					done.complete(null);
				}, HANDLER_MILLIS, TimeUnit.MILLISECONDS);
				return done;
			});
		}
		else {
			bus.subscribe(TOPIC, byte[].class, options, (envelope, context) -> {
				ByteBuffer payload = ByteBuffer.wrap(envelope.payload());
				int key = payload.getInt();
				int seq = payload.getInt();
				check(next, violations, key, seq);
				Thread.sleep(HANDLER_MILLIS);
				next.set(key, seq + 1);
				handled.incrementAndGet();
			});
		}

		AtomicBoolean stop = new AtomicBoolean();
		AtomicLong published = new AtomicLong();
		AtomicLong publishFailures = new AtomicLong();
		Thread publisher = new Thread(() -> {
			int[] seqs = new int[KEYS];
			int key = 0;
			while (!stop.get()) {
				byte[] payload = ByteBuffer.allocate(8).putInt(key).putInt(seqs[key]).array();
				if (bus.publish(TOPIC, Envelope.of(keys[key], EVENT_TYPE, payload)).isCompletedExceptionally()) {
					// the topic stayed full for max-block (5 s): the same sequence number is sent again
					publishFailures.incrementAndGet();
					continue;
				}
				seqs[key]++;
				published.incrementAndGet();
				key = (key + 1) % KEYS;
			}
		}, "bench-publisher");
		publisher.start();
		Thread.sleep(warmup * 1000L);

		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		long start = System.nanoTime();
		long handledAtStart = handled.get();
		long deadline = start + seconds * 1_000_000_000L;
		int peakThreads = 0;
		int peakBusy = 0;
		int peakPending = 0;
		long peakHeap = 0;
		long busySum = 0;
		int samples = 0;
		while (System.nanoTime() < deadline) {
			peakThreads = Math.max(peakThreads, threads.getThreadCount());
			int busy = executor.busyWorkers();
			peakBusy = Math.max(peakBusy, busy);
			busySum += busy;
			samples++;
			peakPending = Math.max(peakPending, executor.pending());
			peakHeap = Math.max(peakHeap, memory.getHeapMemoryUsage().getUsed());
			Thread.sleep(50);
		}
		long count = handled.get() - handledAtStart;
		double elapsed = (System.nanoTime() - start) / 1e9;
		stop.set(true);
		publisher.join(30_000);

		// drain: every published event handled, each key's last handled sequence number = its published count
		long total = published.get();
		long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
		while (handled.get() < total && System.nanoTime() < drainDeadline) {
			Thread.sleep(20);
		}
		long missingKeys = 0;
		for (int k = 0; k < KEYS; k++) {
			long expected = total / KEYS + ((k < total % KEYS) ? 1 : 0);
			if (next.get(k) != expected) {
				missingKeys++;
			}
		}
		boolean ok = handled.get() == total && violations.get() == 0 && missingKeys == 0
				&& publishFailures.get() == 0;
		bus.close();
		executor.shutdown(Duration.ofSeconds(5));
		delays.shutdownNow();

		int inFlightBound = Math.min(KEYS, executor.options().highWatermarkTasks());
		double ceiling = (async ? inFlightBound : Math.min(inFlightBound, workers)) * 1000.0 / HANDLER_MILLIS;
		double throughput = count / elapsed;
		String verdict = ok ? String.format(Locale.ROOT, "%,d of %,d, yes", handled.get(), total)
				: String.format(Locale.ROOT, "FAILED: %,d of %,d handled, %d order violations, %d keys short, "
						+ "%d publish failures", handled.get(), total, violations.get(), missingKeys,
						publishFailures.get());
		System.out.printf(Locale.ROOT, "| %s | %d | %,.0f | %,.0f | %.2f | %d | %.0f / %d | %d | %d | %s |%n",
				async ? "async (CompletableFuture, 10 ms delay)" : "blocking (sleep 10 ms)", workers, throughput,
				ceiling, throughput / ceiling, peakThreads, (double) busySum / Math.max(1, samples), peakBusy,
				peakPending, peakHeap >> 20, verdict);
		System.gc();
		Thread.sleep(500);
		return ok;
	}

	private static void check(AtomicIntegerArray next, AtomicLong violations, int key, int seq) {
		if (next.get(key) != seq) {
			violations.incrementAndGet();
		}
	}

	private static String loadAverage() {
		try {
			return Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).trim();
		}
		catch (java.io.IOException ex) {
			return "unavailable (" + ex.getMessage() + ")";
		}
	}

}

package dev.eventbus.benchmark.keyed;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Latency of ordinary keys next to one slow key, under a fixed offered rate (open loop).
 *
 * <p>One invocation is one run of {@link #seconds} seconds: the benchmark thread submits tasks on a
 * fixed schedule of {@link #ratePerSecond} tasks per second over 1,000 keys. Every
 * {@value #SLOW_EVERY}th task goes to key 0; with {@code slowKey=true} that task sleeps
 * {@value #SLOW_MILLIS} ms (10 slow tasks per second at 2,000/s, so the slow key keeps one worker
 * about half busy), otherwise it is a no-op like the rest. Every other task is a no-op on one of the
 * 999 other keys and records its latency <b>from its scheduled submit time to its start</b> (the
 * queueing delay; a submitter that falls behind schedule is charged too, so there is no coordinated
 * omission). After the run, the harness waits for every task, sorts the samples and reports their
 * percentiles through JMH auxiliary counters ({@code p50Micros}, {@code p99Micros},
 * {@code p999Micros}, {@code maxMicros}; averaged over the measurement iterations). The primary
 * score (wall time of one run) only shows the run length.
 *
 * <pre>
 * java -jar eventbus-benchmark/target/benchmarks.jar SlowKeyLatencyBenchmark -f 1 -wi 1 -i 3
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class SlowKeyLatencyBenchmark {

	static final int KEYS = 1_000;

	static final int SLOW_EVERY = 200;

	static final int SLOW_MILLIS = 50;

	@Param({ Contender.KEYED, Contender.HASHED })
	public String executor;

	@Param({ "true", "false" })
	public boolean slowKey;

	@Param("2000")
	public int ratePerSecond;

	@Param("5")
	public int seconds;

	@Param("4")
	public int workers;

	private Contender contender;

	private Integer[] keys;

	/** Percentiles of one run, in microseconds; written by the benchmark thread after the run. */
	@State(Scope.Thread)
	@AuxCounters(AuxCounters.Type.EVENTS)
	public static class Latency {

		public double p50Micros;

		public double p99Micros;

		public double p999Micros;

		public double maxMicros;

	}

	@Setup(Level.Trial)
	public void setUp() {
		this.contender = Contender.create(this.executor, this.workers);
		this.keys = new Integer[KEYS];
		for (int k = 0; k < KEYS; k++) {
			this.keys[k] = k;
		}
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		this.contender.close();
	}

	@Benchmark
	public void offeredLoad(Latency latency) throws InterruptedException {
		int total = this.ratePerSecond * this.seconds;
		long periodNanos = TimeUnit.SECONDS.toNanos(1) / this.ratePerSecond;
		long[] samples = new long[total];
		boolean[] measured = new boolean[total];
		CountDownLatch done = new CountDownLatch(total);
		SplittableRandom random = new SplittableRandom(7);
		long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10);
		for (int i = 0; i < total; i++) {
			long scheduled = start + i * periodNanos;
			waitUntil(scheduled);
			int index = i;
			if (i % SLOW_EVERY == 0) {
				boolean slow = this.slowKey;
				this.contender.submit(this.keys[0], () -> {
					if (slow) {
						sleepQuietly(SLOW_MILLIS);
					}
					done.countDown();
				});
			}
			else {
				measured[i] = true;
				this.contender.submit(this.keys[1 + random.nextInt(KEYS - 1)], () -> {
					samples[index] = System.nanoTime() - scheduled;
					done.countDown();
				});
			}
		}
		if (!done.await(120, TimeUnit.SECONDS)) {
			throw new IllegalStateException(done.getCount() + " tasks did not run within 120 s");
		}
		long[] sorted = new long[total];
		int n = 0;
		for (int i = 0; i < total; i++) {
			if (measured[i]) {
				sorted[n++] = samples[i];
			}
		}
		sorted = Arrays.copyOf(sorted, n);
		Arrays.sort(sorted);
		latency.p50Micros = micros(sorted, 0.50);
		latency.p99Micros = micros(sorted, 0.99);
		latency.p999Micros = micros(sorted, 0.999);
		latency.maxMicros = sorted[n - 1] / 1_000.0;
		System.out.printf("%n[%s slowKey=%s] other keys, submit->start: p50=%.0f us p99=%.0f us p99.9=%.0f us max=%.0f us "
				+ "(%d samples)%n", this.executor, this.slowKey, latency.p50Micros, latency.p99Micros,
				latency.p999Micros, latency.maxMicros, n);
	}

	private static double micros(long[] sorted, double quantile) {
		int index = (int) Math.ceil(quantile * sorted.length) - 1;
		return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1_000.0;
	}

	private static void waitUntil(long deadline) {
		for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
			if (left > 100_000) {
				LockSupport.parkNanos(left - 50_000);
			}
			else {
				Thread.onSpinWait();
			}
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

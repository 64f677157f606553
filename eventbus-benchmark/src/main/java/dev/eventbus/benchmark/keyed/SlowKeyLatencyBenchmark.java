package dev.eventbus.benchmark.keyed;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

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
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * Latency of ordinary keys next to one slow key, under a fixed offered rate (open loop): our
 * keyed executor and the hash-to-fixed-worker pool, each with and without the slow key.
 *
 * <p><b>Load.</b> One run submits {@link #ratePerSecond} tasks per second for {@link #seconds}
 * seconds from one thread on a fixed schedule, over 1,000 keys. Every {@value #SLOW_EVERY}th task
 * goes to key 0; in the "+slow" configurations that task sleeps {@value #SLOW_MILLIS} ms (10 slow
 * tasks per second at 2,000/s: the slow key keeps one worker about half busy), otherwise it is a
 * no-op like the rest, so the arrival pattern is identical. Every other task is a no-op on one of
 * the 999 other keys and records its latency <b>from its scheduled submit time to its start</b>
 * (queueing delay; a submitter that falls behind schedule is charged too, so there is no
 * coordinated omission). After the run the harness waits for every task and takes percentiles.
 *
 * <p><b>Why a harness inside JMH.</b> JMH's SampleTime mode times closed-loop calls, which cannot
 * offer a fixed rate, and its per-parameter runs are minutes apart, so on a shared machine a load
 * change lands on one configuration and not the other. Here one JMH invocation is one <em>round</em>
 * that runs all four configurations back to back (a fresh executor each, rotating the order every
 * round), so the comparison within a round is paired. The JMH score (seconds per round) only shows
 * the round length; the figures are the lines the harness prints: each run, and at the end the
 * median over the measurement rounds of p50/p90/p99/p99.9/max, of the share of samples over 10 ms
 * (the collateral damage of the slow key: with hash-to-fixed-worker, about one key in four waits
 * behind it), and of the paired per-round p99 ratios.
 *
 * <pre>
 * java -jar eventbus-benchmark/target/benchmarks.jar SlowKeyLatencyBenchmark -f 1 -wi 1 -i 5
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 1)
@Measurement(iterations = 5)
public class SlowKeyLatencyBenchmark {

	static final int KEYS = 1_000;

	static final int SLOW_EVERY = 200;

	static final int SLOW_MILLIS = 50;

	private static final String[] CONFIGURATIONS = { "keyed+slow", "keyed", "hashed+slow", "hashed" };

	@Param("2000")
	public int ratePerSecond;

	@Param("3")
	public int seconds;

	@Param("4")
	public int workers;

	private Integer[] keys;

	private boolean measuring;

	private int round;

	/**
	 * Per configuration, {p50, p99, p99.9, max, p90} of each measurement round in microseconds, and
	 * the percentage of samples over 10 ms.
	 */
	private final Map<String, List<double[]>> results = new LinkedHashMap<>();

	@Setup(Level.Trial)
	public void setUp() {
		this.keys = new Integer[KEYS];
		for (int k = 0; k < KEYS; k++) {
			this.keys[k] = k;
		}
		for (String configuration : CONFIGURATIONS) {
			this.results.put(configuration, new ArrayList<>());
		}
	}

	@Setup(Level.Iteration)
	public void startIteration(IterationParams params) {
		this.measuring = params.getType() == IterationType.MEASUREMENT;
	}

	@Benchmark
	public void round() throws InterruptedException {
		for (int j = 0; j < CONFIGURATIONS.length; j++) {
			String configuration = CONFIGURATIONS[(this.round + j) % CONFIGURATIONS.length];
			boolean slow = configuration.endsWith("+slow");
			double[] percentiles;
			try (Contender contender = Contender.create(configuration.replace("+slow", ""), this.workers)) {
				percentiles = offeredLoad(contender, slow);
			}
			System.out.printf(
					"%n[%s %s] other keys, submit->start: p50=%.0f us p90=%.0f us p99=%.0f us p99.9=%.0f us max=%.0f us"
							+ " over10ms=%.2f%%",
					this.measuring ? "round " + this.round : "warmup", configuration, percentiles[0], percentiles[4],
					percentiles[1], percentiles[2], percentiles[3], percentiles[5]);
			if (this.measuring) {
				this.results.get(configuration).add(percentiles);
			}
		}
		System.out.println();
		this.round++;
	}

	@TearDown(Level.Trial)
	public void summary() {
		int rounds = this.results.get(CONFIGURATIONS[0]).size();
		if (rounds == 0) {
			return;
		}
		StringBuilder out = new StringBuilder();
		out.append(String.format("%n=== median over %d measurement rounds (other keys, submit->start, microseconds)%n",
				rounds));
		out.append(String.format("%-12s %10s %10s %10s %10s %10s %10s%n", "config", "p50", "p90", "p99", "p99.9",
				"max", "over10ms%"));
		for (String configuration : CONFIGURATIONS) {
			List<double[]> runs = this.results.get(configuration);
			out.append(String.format("%-12s %10.0f %10.0f %10.0f %10.0f %10.0f %10.2f%n", configuration,
					median(runs, 0), median(runs, 4), median(runs, 1), median(runs, 2), median(runs, 3),
					median(runs, 5)));
		}
		out.append(String.format("p99 ratio keyed+slow / keyed  (median of per-round ratios): %.2f%n",
				medianRatio("keyed+slow", "keyed")));
		out.append(String.format("p99 ratio hashed+slow / keyed (median of per-round ratios): %.2f%n",
				medianRatio("hashed+slow", "keyed")));
		out.append(String.format("p99 ratio hashed+slow / keyed+slow (median of per-round ratios): %.2f%n",
				medianRatio("hashed+slow", "keyed+slow")));
		System.out.print(out);
	}

	private double[] offeredLoad(Contender contender, boolean slowKey) throws InterruptedException {
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
				contender.submit(this.keys[0], () -> {
					if (slowKey) {
						sleepQuietly(SLOW_MILLIS);
					}
					done.countDown();
				});
			}
			else {
				measured[i] = true;
				contender.submit(this.keys[1 + random.nextInt(KEYS - 1)], () -> {
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
		long tenMillis = TimeUnit.MILLISECONDS.toNanos(10);
		int over = 0;
		for (long sample : sorted) {
			if (sample > tenMillis) {
				over++;
			}
		}
		return new double[] { micros(sorted, 0.50), micros(sorted, 0.99), micros(sorted, 0.999),
				sorted[n - 1] / 1_000.0, micros(sorted, 0.90), 100.0 * over / n };
	}

	private double medianRatio(String numerator, String denominator) {
		List<double[]> top = this.results.get(numerator);
		List<double[]> bottom = this.results.get(denominator);
		double[] ratios = new double[top.size()];
		for (int i = 0; i < ratios.length; i++) {
			ratios[i] = top.get(i)[1] / bottom.get(i)[1];
		}
		return median(ratios);
	}

	private static double median(List<double[]> runs, int column) {
		double[] values = new double[runs.size()];
		for (int i = 0; i < values.length; i++) {
			values[i] = runs.get(i)[column];
		}
		return median(values);
	}

	private static double median(double[] values) {
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		int middle = sorted.length / 2;
		return (sorted.length % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
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

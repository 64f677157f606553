package dev.eventbus.benchmark.keyed;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

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
 * The same no-op workload as {@link KeyedThroughputBenchmark} (batches of 10,000 tasks over 1,000
 * keys, one submitting thread, 4 workers each), measured in <em>paired rounds</em>: one JMH
 * invocation runs each contender for {@link #segmentMillis} ms back to back, in an order that
 * rotates every round, and records its tasks per second. On a machine shared with other work the
 * load changes from second to second; a per-round ratio compares the contenders under (nearly) the
 * same load, and the median over many rounds discards the rounds that a load spike hit unevenly.
 * The JMH score (seconds per round) only shows the round length; the figures are the summary the
 * harness prints at the end.
 *
 * <pre>
 * java -jar eventbus-benchmark/target/benchmarks.jar PairedThroughputBenchmark -f 1 -wi 5 -i 30
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 5)
@Measurement(iterations = 30)
public class PairedThroughputBenchmark {

	private static final String[] CONTENDERS = { Contender.KEYED, Contender.UNORDERED, Contender.HASHED };

	@Param("4")
	public int workers;

	/**
	 * Bound of the keyed executor. The default, 4 batches, keeps the bound out of the way (the
	 * baselines have none); {@code -p maxPending=10000} makes the submitter wait at the bound.
	 */
	@Param("40000")
	public int maxPending;

	@Param("300")
	public int segmentMillis;

	private final Map<String, Contender> contenders = new LinkedHashMap<>();

	private final Map<String, List<Double>> opsPerSecond = new LinkedHashMap<>();

	private Integer[] batchKeys;

	private boolean measuring;

	private int round;

	private volatile CountDownLatch done;

	private final Runnable task = () -> this.done.countDown();

	@Setup(Level.Trial)
	public void setUp() {
		for (String name : CONTENDERS) {
			this.contenders.put(name, Contender.create(name, this.workers, this.maxPending));
			this.opsPerSecond.put(name, new ArrayList<>());
		}
		SplittableRandom random = new SplittableRandom(42);
		this.batchKeys = new Integer[KeyedThroughputBenchmark.BATCH];
		Integer[] keys = new Integer[KeyedThroughputBenchmark.KEYS];
		for (int k = 0; k < keys.length; k++) {
			keys[k] = k;
		}
		for (int i = 0; i < this.batchKeys.length; i++) {
			this.batchKeys[i] = keys[random.nextInt(keys.length)];
		}
	}

	@Setup(Level.Iteration)
	public void startIteration(IterationParams params) {
		this.measuring = params.getType() == IterationType.MEASUREMENT;
	}

	@Benchmark
	public void round() throws InterruptedException {
		for (int j = 0; j < CONTENDERS.length; j++) {
			String name = CONTENDERS[(this.round + j) % CONTENDERS.length];
			Contender contender = this.contenders.get(name);
			long start = System.nanoTime();
			long end = start + TimeUnit.MILLISECONDS.toNanos(this.segmentMillis);
			long tasks = 0;
			long now;
			do {
				runBatch(contender);
				tasks += this.batchKeys.length;
				now = System.nanoTime();
			}
			while (now < end);
			if (this.measuring) {
				this.opsPerSecond.get(name).add(tasks * 1e9 / (now - start));
			}
		}
		this.round++;
	}

	private void runBatch(Contender contender) throws InterruptedException {
		CountDownLatch latch = new CountDownLatch(this.batchKeys.length);
		this.done = latch;
		for (Integer key : this.batchKeys) {
			contender.submit(key, this.task);
		}
		if (!latch.await(60, TimeUnit.SECONDS)) {
			throw new IllegalStateException(latch.getCount() + " tasks did not run within 60 s");
		}
	}

	@TearDown(Level.Trial)
	public void summary() {
		for (Contender contender : this.contenders.values()) {
			contender.close();
		}
		int rounds = this.opsPerSecond.get(Contender.KEYED).size();
		if (rounds == 0) {
			return;
		}
		StringBuilder out = new StringBuilder(
				String.format("%n=== %d paired rounds, no-op tasks over 1,000 keys, ops/s%n", rounds));
		out.append(String.format("%-10s %12s %12s %12s%n", "executor", "median", "min", "max"));
		for (String name : CONTENDERS) {
			double[] values = this.opsPerSecond.get(name).stream().mapToDouble(Double::doubleValue).toArray();
			Arrays.sort(values);
			out.append(String.format("%-10s %12.0f %12.0f %12.0f%n", name, median(values), values[0],
					values[values.length - 1]));
		}
		out.append(String.format("keyed/unordered: median of per-round ratios %.2f%n",
				medianRatio(Contender.KEYED, Contender.UNORDERED)));
		out.append(String.format("keyed/hashed:    median of per-round ratios %.2f%n",
				medianRatio(Contender.KEYED, Contender.HASHED)));
		System.out.print(out);
	}

	private double medianRatio(String numerator, String denominator) {
		List<Double> top = this.opsPerSecond.get(numerator);
		List<Double> bottom = this.opsPerSecond.get(denominator);
		double[] ratios = new double[top.size()];
		for (int i = 0; i < ratios.length; i++) {
			ratios[i] = top.get(i) / bottom.get(i);
		}
		Arrays.sort(ratios);
		return median(ratios);
	}

	private static double median(double[] sorted) {
		int middle = sorted.length / 2;
		return (sorted.length % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
	}

}

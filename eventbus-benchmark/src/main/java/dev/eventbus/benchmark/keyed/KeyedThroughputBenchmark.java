package dev.eventbus.benchmark.keyed;

import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * No-op task throughput over 1,000 keys: one benchmark thread submits a batch of
 * {@value #BATCH} tasks with random keys and waits until all of them ran; the score is tasks per
 * second (submit through completion). Same worker count for every contender.
 *
 * <pre>
 * java -jar eventbus-benchmark/target/benchmarks.jar KeyedThroughputBenchmark -f 1 -wi 2 -i 3
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class KeyedThroughputBenchmark {

	static final int BATCH = 10_000;

	static final int KEYS = 1_000;

	@Param({ Contender.KEYED, Contender.UNORDERED, Contender.HASHED })
	public String executor;

	@Param("4")
	public int workers;

	/**
	 * Bound of the keyed executor. The default, 4 batches, keeps the bound out of the way (the
	 * baselines have none); {@code -p maxPending=10000} makes the submitter wait at the bound.
	 */
	@Param("40000")
	public int maxPending;

	private Contender contender;

	private Integer[] batchKeys;

	private volatile CountDownLatch done;

	private final Runnable task = () -> this.done.countDown();

	@Setup(Level.Trial)
	public void setUp() {
		this.contender = Contender.create(this.executor, this.workers, this.maxPending);
		Integer[] keys = new Integer[KEYS];
		for (int k = 0; k < KEYS; k++) {
			keys[k] = k;
		}
		SplittableRandom random = new SplittableRandom(42);
		this.batchKeys = new Integer[BATCH];
		for (int i = 0; i < BATCH; i++) {
			this.batchKeys[i] = keys[random.nextInt(KEYS)];
		}
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		this.contender.close();
	}

	@Benchmark
	@OperationsPerInvocation(BATCH)
	public void noOpTasks() throws InterruptedException {
		CountDownLatch latch = new CountDownLatch(BATCH);
		this.done = latch;
		for (Integer key : this.batchKeys) {
			this.contender.submit(key, this.task);
		}
		if (!latch.await(60, TimeUnit.SECONDS)) {
			throw new IllegalStateException(latch.getCount() + " tasks did not run within 60 s");
		}
	}

}

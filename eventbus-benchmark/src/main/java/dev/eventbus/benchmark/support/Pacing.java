package dev.eventbus.benchmark.support;

import java.util.concurrent.TimeUnit;

/**
 * The fixed-rate send loop of the latency benchmarks: step {@code i} runs at {@code i} ms after the
 * start (1,000 a second), never early; a late step runs at once and the schedule does not drift.
 */
public final class Pacing {

	/** One step of the loop, given its index. */
	@FunctionalInterface
	public interface Step {

		void run(int i) throws Exception;

	}

	private Pacing() {
	}

	/**
	 * Runs {@code n} steps at 1,000 a second on the calling thread.
	 * @param n how many steps
	 * @param step what each step does
	 * @throws Exception what a step threw, or {@link InterruptedException}
	 */
	public static void perMillisecond(int n, Step step) throws Exception {
		long start = System.nanoTime();
		for (int i = 0; i < n; i++) {
			long due = start + i * 1_000_000L;
			long wait;
			while ((wait = due - System.nanoTime()) > 0) {
				TimeUnit.NANOSECONDS.sleep(Math.min(wait, 200_000));
			}
			step.run(i);
		}
	}

}

package dev.eventbus.benchmark.keyed;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.eventbus.core.keyed.KeyedExecutor;
import dev.eventbus.core.keyed.KeyedExecutorOptions;

/**
 * One executor design under test, behind the same two calls. Created and closed by the JMH setup
 * thread; {@link #submit} is called by the benchmark thread only.
 */
abstract class Contender implements AutoCloseable {

	/** Our {@link KeyedExecutor}: per-key FIFO lanes on one shared pool. */
	static final String KEYED = "keyed";

	/** Baseline (a): a plain {@code ThreadPoolExecutor}, no ordering at all. */
	static final String UNORDERED = "unordered";

	/** Baseline (b): the seed design, N single-thread executors, {@code key.hashCode() % N}. */
	static final String HASHED = "hashed";

	abstract void submit(Object key, Runnable task);

	@Override
	public abstract void close();

	static Contender create(String name, int workers) {
		return create(name, workers, KeyedExecutorOptions.DEFAULT_MAX_PENDING);
	}

	/**
	 * @param maxPending bound of the keyed executor (the baselines are unbounded)
	 */
	static Contender create(String name, int workers, int maxPending) {
		return switch (name) {
			case KEYED -> new Keyed(workers, maxPending);
			case UNORDERED -> new Unordered(workers);
			case HASHED -> new Hashed(workers);
			default -> throw new IllegalArgumentException("unknown executor '" + name + "'; use one of " + KEYED
					+ ", " + UNORDERED + ", " + HASHED);
		};
	}

	static ThreadFactory named(String prefix) {
		AtomicInteger next = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, prefix + "-" + next.getAndIncrement());
			thread.setDaemon(true);
			return thread;
		};
	}

	private static final class Keyed extends Contender {

		private final KeyedExecutor executor;

		Keyed(int workers, int maxPending) {
			this.executor = KeyedExecutor.create(KeyedExecutorOptions.builder()
				.workers(workers)
				.maxPending(maxPending)
				.threadNamePrefix("bench-keyed")
				.build());
		}

		@Override
		void submit(Object key, Runnable task) {
			this.executor.submit(key, task);
		}

		@Override
		public void close() {
			this.executor.shutdown(Duration.ofSeconds(30));
		}

	}

	private static final class Unordered extends Contender {

		private final ExecutorService pool;

		Unordered(int workers) {
			this.pool = Executors.newFixedThreadPool(workers, named("bench-unordered"));
		}

		@Override
		void submit(Object key, Runnable task) {
			this.pool.execute(task);
		}

		@Override
		public void close() {
			shutdown(this.pool);
		}

	}

	private static final class Hashed extends Contender {

		private final ExecutorService[] workers;

		Hashed(int workers) {
			this.workers = new ExecutorService[workers];
			for (int i = 0; i < workers; i++) {
				this.workers[i] = Executors.newSingleThreadExecutor(named("bench-hashed-" + i));
			}
		}

		@Override
		void submit(Object key, Runnable task) {
			this.workers[Math.floorMod(key.hashCode(), this.workers.length)].execute(task);
		}

		@Override
		public void close() {
			for (ExecutorService worker : this.workers) {
				shutdown(worker);
			}
		}

	}

	static void shutdown(ExecutorService pool) {
		pool.shutdown();
		try {
			pool.awaitTermination(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}

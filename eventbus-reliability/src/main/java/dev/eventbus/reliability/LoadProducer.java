package dev.eventbus.reliability;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.EventBus;

/**
 * Publishes {@code events} events round-robin over {@code keys} keys ({@code k-0} … {@code k-<keys-1>}),
 * each carrying its sequence within the key, and journals every outcome: {@code A} when the broker
 * acknowledged the publish, {@code F} with the exception class and message when the publish failed
 * (synchronously or through the future). Optionally paced to a rate, so a fault can be injected
 * mid-stream.
 *
 * <p>Threads: {@link #start()} publishes on a thread named {@code reliability-producer}; outcomes are
 * journaled on the bus's completion threads; counters are atomics readable from any thread.
 */
public final class LoadProducer {

	private final EventBus bus;

	private final String topic;

	private final int events;

	private final int keys;

	private final String padding;

	private final int perSecond;

	private final Journal journal;

	private final AtomicInteger sent = new AtomicInteger();

	private final AtomicInteger acknowledged = new AtomicInteger();

	private final AtomicInteger failed = new AtomicInteger();

	private final AtomicBoolean stop = new AtomicBoolean();

	/**
	 * @param bus the publishing bus (owned by the caller)
	 * @param topic destination
	 * @param events how many events
	 * @param keys how many distinct aggregate ids
	 * @param payloadBytes approximate payload size
	 * @param perSecond publish rate, 0 for as fast as the bus accepts
	 * @param journal where outcomes go
	 */
	public LoadProducer(EventBus bus, String topic, int events, int keys, int payloadBytes, int perSecond,
			Journal journal) {
		this.bus = bus;
		this.topic = topic;
		this.events = events;
		this.keys = keys;
		this.padding = "x".repeat(Math.max(0, payloadBytes - 80));
		this.perSecond = perSecond;
		this.journal = journal;
	}

	/**
	 * Starts publishing on its own thread.
	 * @return completes when every publish has an outcome
	 */
	public CompletableFuture<Void> start() {
		CompletableFuture<Void> done = new CompletableFuture<>();
		Thread thread = new Thread(() -> {
			try {
				run();
				done.complete(null);
			}
			catch (Throwable ex) {
				done.completeExceptionally(ex);
			}
		}, "reliability-producer");
		thread.setDaemon(true);
		thread.start();
		return done;
	}

	/** Stops publishing after the current event; outcomes of sent events are still journaled. */
	public void stop() {
		this.stop.set(true);
	}

	/** @return publish calls made */
	public int sent() {
		return this.sent.get();
	}

	/** @return publishes acknowledged so far */
	public int acknowledged() {
		return this.acknowledged.get();
	}

	/** @return publishes failed so far */
	public int failed() {
		return this.failed.get();
	}

	private void run() {
		long[] seqs = new long[this.keys];
		long intervalNanos = (this.perSecond > 0) ? TimeUnit.SECONDS.toNanos(1) / this.perSecond : 0;
		long next = System.nanoTime();
		CompletableFuture<?>[] outcomes = new CompletableFuture<?>[this.events];
		int count = 0;
		for (int i = 0; i < this.events && !this.stop.get(); i++) {
			if (intervalNanos > 0) {
				next += intervalNanos;
				long wait = next - System.nanoTime();
				if (wait > 0) {
					LockSupport.parkNanos(wait);
				}
			}
			int keyIndex = i % this.keys;
			String key = "k-" + keyIndex;
			long seq = seqs[keyIndex]++;
			Envelope<ReliabilityEvent> envelope = Envelope.of(key, ReliabilityEvent.TYPE,
					new ReliabilityEvent(key, seq, System.currentTimeMillis(), this.padding));
			this.sent.incrementAndGet();
			CompletableFuture<?> outcome;
			try {
				outcome = this.bus.publish(this.topic, envelope);
			}
			catch (RuntimeException ex) {
				outcome = CompletableFuture.failedFuture(ex);
			}
			outcomes[count++] = outcome.handle((receipt, error) -> {
				if (error == null) {
					this.journal.append("A", envelope.eventId(), key, seq);
					this.acknowledged.incrementAndGet();
				}
				else {
					Throwable cause = (error instanceof CompletionException && error.getCause() != null) ? error.getCause()
							: error;
					this.journal.append("F", envelope.eventId(), key, seq, cause.getClass().getName(),
							Journal.clean(cause.getMessage()));
					this.failed.incrementAndGet();
				}
				return null;
			});
		}
		CompletableFuture.allOf(java.util.Arrays.copyOf(outcomes, count)).orTimeout(10, TimeUnit.MINUTES).join();
	}

	/** @return a readable progress line */
	@Override
	public String toString() {
		return "sent " + sent() + ", acknowledged " + acknowledged() + ", failed " + failed();
	}

}

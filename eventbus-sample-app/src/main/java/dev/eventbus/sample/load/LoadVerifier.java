package dev.eventbus.sample.load;

import java.time.Duration;
import java.time.Instant;
import java.util.BitSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.api.EventContext;
import dev.eventbus.core.api.Subscription;
import dev.eventbus.core.api.SubscriptionOptions;

/**
 * The verifying handler of the load mode: records, per key, which sequence numbers arrived, and
 * counts first deliveries, duplicates and per-key order violations (a first delivery of a sequence
 * number lower than one already seen for its key), with each first delivery's end-to-end latency.
 *
 * <p>Thread-safety: {@link #onEvent} runs on the bus's handler workers (one key at a time with key
 * ordering, but nothing here relies on it: each key's state is guarded by its own lock, counters are
 * atomic). The current run is swapped by the load runner's thread through a volatile field.
 */
final class LoadVerifier implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(LoadVerifier.class);

	private static final String PROBE_PREFIX = "probe-";

	private final EventBus bus;

	private final LoadProperties properties;

	private final @Nullable LoadJournal journal;

	private final Set<String> probesSeen = ConcurrentHashMap.newKeySet();

	private final LongAdder stale = new LongAdder();

	private volatile @Nullable Run run;

	private @Nullable Subscription subscription;

	LoadVerifier(EventBus bus, LoadProperties properties, @Nullable LoadJournal journal) {
		this.bus = bus;
		this.properties = properties;
		this.journal = journal;
	}

	/**
	 * Subscribes on first use, then publishes probe events until one comes back, so that the
	 * measured run starts with a live, assigned consumer.
	 * @param timeout longest wait
	 */
	synchronized void ensureLive(Duration timeout) throws InterruptedException {
		subscribe();
		String probe = PROBE_PREFIX + Long.toHexString(System.nanoTime());
		long deadline = System.nanoTime() + timeout.toNanos();
		long nextPublish = 0;
		while (!this.probesSeen.contains(probe)) {
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException("the load topic '" + this.properties.getTopic()
						+ "' did not deliver a probe event within " + timeout
						+ ": is the broker reachable and the consumer group '" + this.properties.getGroup()
						+ "' free?");
			}
			if (System.nanoTime() - nextPublish > 0) {
				this.bus.publish(this.properties.getTopic(),
						Envelope.of("probe", LoadEvent.TYPE, new LoadEvent(probe, "probe", 0, nowMicros(), "")));
				nextPublish = System.nanoTime() + Duration.ofSeconds(3).toNanos();
			}
			Thread.sleep(20);
		}
	}

	/** Subscribes the verifying handler to the load topic unless it is already. */
	synchronized void subscribe() {
		if (this.subscription == null) {
			this.subscription = this.bus.subscribe(this.properties.getTopic(), LoadEvent.class,
					SubscriptionOptions.of(this.properties.getGroup()), this::onEvent);
			logger.info("load: verifying handler subscribed to '" + this.properties.getTopic() + "' in group '"
					+ this.properties.getGroup() + "'" + ((this.journal != null)
							? ", journal " + this.journal.handledFile() : ""));
		}
	}

	Run begin(String runId, long events) {
		Run started = new Run(runId, events);
		this.stale.reset();
		this.run = started;
		return started;
	}

	void end() {
		this.run = null;
	}

	long stale() {
		return this.stale.sum();
	}

	@Nullable LoadJournal journal() {
		return this.journal;
	}

	private void onEvent(Envelope<LoadEvent> envelope, EventContext context) throws InterruptedException {
		LoadEvent event = envelope.payload();
		long now = nowMicros();
		if (this.journal != null) {
			this.journal.handled(event.run(), envelope.eventId(), event.key(), event.seq(), now, context.attempt());
		}
		if (event.run().startsWith(PROBE_PREFIX)) {
			this.probesSeen.add(event.run());
			return;
		}
		Run current = this.run;
		if (current == null || !current.id.equals(event.run())) {
			this.stale.increment();
			return;
		}
		current.record(event, now);
		Duration work = this.properties.getHandlerWork();
		if (!work.isZero()) {
			Thread.sleep(work.toMillis(), work.toNanosPart() % 1_000_000);
		}
	}

	static long nowMicros() {
		Instant now = Instant.now();
		return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
	}

	@Override
	public synchronized void close() {
		if (this.subscription != null) {
			this.subscription.close();
			this.subscription = null;
		}
	}

	/** The state of one run, filled by handler workers and read by the runner. */
	static final class Run {

		final String id;

		final LongAdder deliveries = new LongAdder();

		final LongAdder duplicates = new LongAdder();

		final LongAdder violations = new LongAdder();

		final AtomicLong firstDeliveries = new AtomicLong();

		final AtomicLong lastHandledMicros = new AtomicLong();

		/** End-to-end latency of each first delivery, in microseconds, by arrival. */
		final long[] latencies;

		private final Map<String, KeyState> keys = new ConcurrentHashMap<>();

		Run(String id, long events) {
			this.id = id;
			this.latencies = new long[(int) Math.min(events, Integer.MAX_VALUE - 8)];
		}

		void record(LoadEvent event, long nowMicros) {
			this.deliveries.increment();
			KeyState state = this.keys.computeIfAbsent(event.key(), (key) -> new KeyState());
			boolean first;
			synchronized (state) {
				int seq = (int) event.seq();
				first = !state.seen.get(seq);
				if (first) {
					state.seen.set(seq);
					if (seq < state.maxSeq) {
						this.violations.increment();
					}
					state.maxSeq = Math.max(state.maxSeq, seq);
				}
			}
			if (!first) {
				this.duplicates.increment();
				return;
			}
			long index = this.firstDeliveries.getAndIncrement();
			if (index < this.latencies.length) {
				this.latencies[(int) index] = Math.max(0, nowMicros - event.sentAtMicros());
			}
			this.lastHandledMicros.accumulateAndGet(nowMicros, Math::max);
		}

	}

	private static final class KeyState {

		final BitSet seen = new BitSet();

		int maxSeq = -1;

	}

}

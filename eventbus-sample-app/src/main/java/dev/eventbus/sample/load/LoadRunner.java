package dev.eventbus.sample.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import tools.jackson.databind.json.JsonMapper;

import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.api.EventBusException;

import org.springframework.core.env.Environment;

/**
 * Runs load / verify runs, one at a time: publishes N events over K keys (round robin, each key's
 * events numbered from 0) at the requested rate, waits for the acknowledgements, then (in mode
 * verify) for the verifying handler to have handled every acknowledged event (or for the timeout),
 * and builds the {@link LoadReport}. In mode publish it stops after the acknowledgements; in mode
 * consume it only handles and journals (see {@link #consume()}).
 *
 * <p>Thread-safety: {@link #run} holds a lock for the whole run (a second caller fails fast);
 * publish callbacks run on the transport's threads and only touch atomic counters.
 */
public class LoadRunner implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(LoadRunner.class);

	private static final Duration LIVE_TIMEOUT = Duration.ofSeconds(120);

	private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);

	private final EventBus bus;

	private final LoadProperties properties;

	private final Environment environment;

	private final LoadVerifier verifier;

	private final ReentrantLock running = new ReentrantLock();

	private final JsonMapper json = JsonMapper.builder().build();

	public LoadRunner(EventBus bus, LoadProperties properties, Environment environment) {
		this.bus = bus;
		this.properties = properties;
		this.environment = environment;
		this.verifier = new LoadVerifier(bus, properties,
				(properties.getJournalDir() != null) ? new LoadJournal(properties.getJournalDir()) : null);
	}

	/**
	 * Runs one load and verifies it.
	 * @param settings the run's parameters
	 * @return the report
	 * @throws IllegalStateException if another run is in progress
	 * @throws InterruptedException if interrupted while waiting
	 */
	public LoadReport run(LoadSettings settings) throws InterruptedException {
		if (!this.running.tryLock()) {
			throw new IllegalStateException("a load run is already in progress; wait for its report");
		}
		try {
			return doRun(settings);
		}
		finally {
			this.verifier.end();
			this.running.unlock();
		}
	}

	/**
	 * Subscribes the verifying handler now (mode consume): every delivery is journaled from then on.
	 */
	public void consume() {
		this.verifier.subscribe();
	}

	/**
	 * @param report a report
	 * @return the report as one line of JSON
	 */
	public String toJson(LoadReport report) {
		return this.json.writeValueAsString(report);
	}

	private LoadReport doRun(LoadSettings settings) throws InterruptedException {
		String topic = this.properties.getTopic();
		boolean verify = this.properties.getMode() == LoadProperties.Mode.VERIFY;
		if (this.properties.getMode() == LoadProperties.Mode.CONSUME) {
			throw new IllegalStateException(
					"eventbus.sample.load.mode=consume only consumes; publish from a process in mode verify or publish");
		}
		if (verify) {
			logger.info("load: waiting for the verifying handler on '" + topic + "' (group '"
					+ this.properties.getGroup() + "') to be live");
			this.verifier.ensureLive(LIVE_TIMEOUT);
		}
		String runId = "run-" + UUID.randomUUID().toString().substring(0, 8);
		LoadVerifier.Run run = verify ? this.verifier.begin(runId, settings.events())
				: new LoadVerifier.Run(runId, 0);
		String pad = padding(runId, settings.payloadBytes());
		String[] keys = new String[settings.keys()];
		long[] nextSeq = new long[settings.keys()];
		for (int i = 0; i < keys.length; i++) {
			keys[i] = String.format("key-%06d", i);
		}
		logger.info("load: " + runId + " publishing " + settings.events() + " events over " + settings.keys()
				+ " keys, " + settings.payloadBytes() + " B payloads, "
				+ ((settings.rate() > 0) ? settings.rate() + " events/s" : "as fast as possible") + ", on "
				+ this.bus.transport());
		AtomicLong acknowledged = new AtomicLong();
		AtomicLong failures = new AtomicLong();
		AtomicLong lastAckNanos = new AtomicLong();
		AtomicReference<@Nullable String> firstError = new AtomicReference<>();
		CountDownLatch completions = new CountDownLatch((int) Math.min(settings.events(), Integer.MAX_VALUE));
		LoadJournal journal = this.verifier.journal();
		long sent = 0;
		long start = System.nanoTime();
		for (long i = 0; i < settings.events(); i++) {
			if (settings.rate() > 0) {
				long due = start + (long) (i * 1_000_000_000.0 / settings.rate());
				long wait = due - System.nanoTime();
				if (wait > 0) {
					LockSupport.parkNanos(wait);
				}
			}
			int k = (int) (i % keys.length);
			String key = keys[k];
			long seq = nextSeq[k]++;
			LoadEvent event = new LoadEvent(runId, key, seq, LoadVerifier.nowMicros(), pad);
			Envelope<LoadEvent> envelope = Envelope.of(key, LoadEvent.TYPE, event);
			sent++;
			try {
				this.bus.publish(topic, envelope).whenComplete((receipt, ex) -> {
					if (ex == null) {
						acknowledged.incrementAndGet();
						if (journal != null) {
							journal.published(runId, envelope.eventId(), key, seq, LoadVerifier.nowMicros());
						}
					}
					else {
						failures.incrementAndGet();
						firstError.compareAndSet(null, describe(ex));
					}
					lastAckNanos.accumulateAndGet(System.nanoTime(), Math::max);
					completions.countDown();
				});
			}
			catch (EventBusException ex) {
				failures.incrementAndGet();
				firstError.compareAndSet(null, describe(ex));
				completions.countDown();
			}
		}
		if (!completions.await(settings.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
			firstError.compareAndSet(null, "publishes still unacknowledged after " + settings.timeout());
		}
		long acked = acknowledged.get();
		logger.info("load: " + runId + " published " + sent + " events (" + acked + " acknowledged, "
				+ failures.get() + " failed)" + (verify ? "; waiting for the handler" : ""));
		if (verify) {
			awaitHandled(run, acked, settings.timeout());
		}
		long end = System.nanoTime();
		return report(settings, run, sent, acked, failures.get(), firstError.get(), start, lastAckNanos.get(), end);
	}

	private void awaitHandled(LoadVerifier.Run run, long expected, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		long lastProgress = System.nanoTime();
		long lastCount = -1;
		while (run.firstDeliveries.get() < expected) {
			long now = System.nanoTime();
			long count = run.firstDeliveries.get();
			if (count != lastCount) {
				lastCount = count;
				lastProgress = now;
			}
			if (now - deadline > 0 || now - lastProgress > IDLE_TIMEOUT.toNanos()) {
				logger.warn("load: stopped waiting with " + count + " of " + expected + " events handled");
				return;
			}
			Thread.sleep(20);
		}
	}

	private LoadReport report(LoadSettings settings, LoadVerifier.Run run, long sent, long acked, long failures,
			@Nullable String firstError, long startNanos, long lastAckNanos, long endNanos) {
		long lastHandledMicros = run.lastHandledMicros.get();
		int handledCount = (int) Math.min(run.firstDeliveries.get(), run.latencies.length);
		LoadReport.Latency latency = LoadReport.Latency.of(run.latencies, handledCount);
		long handled = run.firstDeliveries.get();
		double publishSeconds = Math.max(1e-9, (Math.max(lastAckNanos, startNanos) - startNanos) / 1e9);
		// End to end: from the first publish to the last first delivery (wall clock of the handler).
		long startMicros = LoadVerifier.nowMicros() - (System.nanoTime() - startNanos) / 1_000;
		double endToEndSeconds = (handled > 0) ? Math.max(1e-9, (lastHandledMicros - startMicros) / 1e6)
				: (endNanos - startNanos) / 1e9;
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
		long violations = run.violations.sum();
		boolean verify = this.properties.getMode() == LoadProperties.Mode.VERIFY;
		boolean passed = failures == 0 && acked == sent && (!verify || (handled == sent && violations == 0));
		return new LoadReport(run.id, this.properties.getMode().name().toLowerCase(Locale.ROOT),
				this.bus.transport(), this.environment.getProperty("eventbus.scenario", "default"),
				this.properties.getTopic(), settings.events(), settings.keys(), settings.payloadBytes(), settings.rate(),
				sent, acked, failures, handled, run.deliveries.sum(), run.duplicates.sum(),
				verify ? Math.max(0, acked - handled) : 0, (sent > 0) ? 100.0 * (verify ? handled : acked) / sent : 0,
				violations, publishSeconds, endToEndSeconds,
				acked / publishSeconds, handled / endToEndSeconds, latency, threads.getThreadCount(),
				threads.getPeakThreadCount(), heap.getUsed() / (1024 * 1024),
				(heap.getMax() > 0) ? heap.getMax() / (1024 * 1024) : -1, firstError, passed);
	}

	/** Filler so that the JSON payload is about the requested size. */
	private String padding(String runId, int payloadBytes) {
		LoadEvent sample = new LoadEvent(runId, "key-000000", 0, LoadVerifier.nowMicros(), "");
		int overhead = this.json.writeValueAsBytes(sample).length;
		return "x".repeat(Math.max(0, payloadBytes - overhead));
	}

	private static String describe(Throwable ex) {
		Throwable cause = (ex instanceof CompletionException && ex.getCause() != null)
				? ex.getCause() : ex;
		return cause.getClass().getSimpleName() + ": " + cause.getMessage();
	}

	@Override
	public void close() throws IOException {
		this.verifier.close();
		LoadJournal journal = this.verifier.journal();
		if (journal != null) {
			journal.close();
		}
	}

}

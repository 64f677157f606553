package dev.eventbus.reliability;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.api.EventContext;
import dev.eventbus.core.api.Ordering;
import dev.eventbus.core.api.RetryPolicy;
import dev.eventbus.core.api.SubscriptionOptions;
import dev.eventbus.core.keyed.KeyedExecutor;
import dev.eventbus.core.keyed.KeyedExecutorOptions;

/**
 * A consumer JVM for the fault scenarios: builds a Kafka or NATS bus from {@code name=value}
 * arguments, subscribes one handler with {@link Ordering#KEY} and journals every handled event.
 *
 * <p>The handler appends its {@code H} record to the {@link Journal} <em>before</em> it returns, so
 * before the bus can commit or acknowledge the event: an event whose commit survived a SIGKILL is
 * always in the journal, and an event handled but not yet committed shows up twice after the
 * restart (a visible duplicate, never a silent loss).
 *
 * <p>Arguments ({@code name=value}):
 * <ul>
 * <li>{@code transport} {@code kafka} or {@code nats}; {@code servers} bootstrap servers or NATS URL;
 * {@code topic}; {@code group}; {@code journal} file path</li>
 * <li>{@code workers} (8), {@code maxPending} (2000): the keyed executor</li>
 * <li>{@code delayMs} (0): handler time per event; {@code slowEvery} (0) and {@code slowMs} (0): every
 * n-th event of the stream takes that long instead; {@code keys} (1): the stream's key count, to
 * number its events ({@code seq * keys + key index})</li>
 * <li>{@code eventTypes}: accepted event types joined with {@code +}; others are poison</li>
 * <li>{@code sampleMs} (500): interval of the {@code T} resource samples</li>
 * <li>{@code shutdownMs} (10000): bus shutdown timeout on SIGTERM</li>
 * <li>transport settings, see {@link Buses}</li>
 * </ul>
 *
 * <p>Threads: handlers run on the executor's workers and append to the journal concurrently; the
 * sampler thread {@code reliability-sampler} appends {@code T} records; the shutdown hook closes the
 * bus.
 */
public final class ConsumerMain {

	private ConsumerMain() {
	}

	/**
	 * @param args {@code name=value} arguments, see the class javadoc
	 * @throws InterruptedException never in practice: the main thread waits for the shutdown hook
	 */
	public static void main(String[] args) throws InterruptedException {
		Map<String, String> arguments = parse(args);
		long pid = ProcessHandle.current().pid();
		Journal journal = new Journal(Path.of(required(arguments, "journal")));
		int workers = Integer.parseInt(arguments.getOrDefault("workers", "8"));
		KeyedExecutor executor = KeyedExecutor.create(KeyedExecutorOptions.builder().workers(workers)
			.maxPending(Integer.parseInt(arguments.getOrDefault("maxPending", "2000")))
			.threadNamePrefix("eventbus-keyed")
			.build());
		EventBus bus = Buses.create(arguments, executor);
		long delayMs = Long.parseLong(arguments.getOrDefault("delayMs", "0"));
		long slowEvery = Long.parseLong(arguments.getOrDefault("slowEvery", "0"));
		long slowMs = Long.parseLong(arguments.getOrDefault("slowMs", "0"));
		int keys = Integer.parseInt(arguments.getOrDefault("keys", "1"));
		SubscriptionOptions.Builder subscription = SubscriptionOptions.builder(required(arguments, "group"))
			.ordering(Ordering.KEY)
			.retryPolicy(RetryPolicy.builder().maxAttempts(5).initialBackoff(Duration.ofMillis(50)).build());
		if (arguments.containsKey("eventTypes")) {
			subscription.eventTypes(Set.of(arguments.get("eventTypes").split("\\+")));
		}
		SubscriptionOptions options = subscription.build();
		bus.subscribe(required(arguments, "topic"), ReliabilityEvent.class, options,
				(Envelope<ReliabilityEvent> envelope, EventContext context) -> {
					long start = Journal.nowMicros();
					ReliabilityEvent event = envelope.payload();
					long index = event.seq() * keys + Long.parseLong(event.key().substring(2));
					long work = (slowEvery > 0 && index % slowEvery == slowEvery - 1) ? slowMs : delayMs;
					if (work > 0) {
						Thread.sleep(work);
					}
					String key = (envelope.aggregateId() != null) ? envelope.aggregateId() : event.key();
					journal.append("H", envelope.eventId(), key, event.seq(), event.sentAtMillis(), start,
							Journal.nowMicros(), pid, context.attempt());
				});
		journal.append("S", System.currentTimeMillis(), pid, "subscribed");
		System.out.println("consumer " + pid + " subscribed: " + arguments);

		Thread sampler = new Thread(() -> sample(journal, pid, Long.parseLong(arguments.getOrDefault("sampleMs", "500"))),
				"reliability-sampler");
		sampler.setDaemon(true);
		sampler.start();

		CountDownLatch closed = new CountDownLatch(1);
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			journal.append("S", System.currentTimeMillis(), pid, "closing");
			try {
				bus.close();
				executor.close();
				journal.append("S", System.currentTimeMillis(), pid, "closed");
			}
			finally {
				closed.countDown();
			}
		}, "reliability-shutdown"));
		closed.await();
	}

	private static void sample(Journal journal, long pid, long intervalMs) {
		var threads = ManagementFactory.getThreadMXBean();
		var memory = ManagementFactory.getMemoryMXBean();
		int peak = 0;
		while (!Thread.currentThread().isInterrupted()) {
			int count = threads.getThreadCount();
			journal.append("T", System.currentTimeMillis(), pid, count, memory.getHeapMemoryUsage().getUsed());
			if (count > peak) {
				peak = count;
				// The names at each new peak go to the JVM's output, to explain a thread-count failure.
				System.out.println("live threads " + count + ": " + Thread.getAllStackTraces().keySet().stream()
					.map(Thread::getName).sorted().toList());
			}
			try {
				Thread.sleep(intervalMs);
			}
			catch (InterruptedException ex) {
				return;
			}
		}
	}

	static Map<String, String> parse(String[] args) {
		Map<String, String> arguments = new LinkedHashMap<>();
		for (String arg : args) {
			int equals = arg.indexOf('=');
			if (equals <= 0) {
				throw new IllegalArgumentException("argument '" + arg + "' must be name=value, for example topic=orders");
			}
			arguments.put(arg.substring(0, equals), arg.substring(equals + 1));
		}
		return arguments;
	}

	static String required(Map<String, String> arguments, String name) {
		String value = arguments.get(name);
		if (value == null || value.isBlank()) {
			throw new IllegalArgumentException("argument '" + name + "' is required: pass " + name + "=<value>");
		}
		return value;
	}

}

package dev.eventbus.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of the event bus that do not depend on the transport.
 *
 * <p>Values set explicitly always win over the presets of {@link #getScenario() the scenario}, which
 * win over the defaults shown here.
 */
@ConfigurationProperties("eventbus")
public class EventBusProperties {

	/**
	 * Transport that carries the events. memory keeps them inside this JVM (tests, single
	 * instance); kafka and nats need their eventbus.kafka.* or eventbus.nats.* settings.
	 */
	private Transport transport = Transport.MEMORY;

	/**
	 * Scenario whose presets overlay the transport's defaults. Unset keeps the tuned defaults.
	 * Explicitly set properties always win over the scenario's presets.
	 */
	private @Nullable Scenario scenario;

	/**
	 * CloudEvents source filled into envelopes published without one. Defaults to
	 * spring.application.name, or "eventbus" when that is not set either.
	 */
	private @Nullable String source;

	/**
	 * Consumer group of @EventHandler methods that do not name one. Defaults to
	 * spring.application.name.
	 */
	private @Nullable String defaultGroup;

	/**
	 * Longest time the bus waits on shutdown for in-flight events to finish before it leaves the
	 * rest for redelivery.
	 */
	private Duration shutdownTimeout = Duration.ofSeconds(30);

	private final Executor executor = new Executor();

	private final Publish publish = new Publish();

	private final Retry retry = new Retry();

	private final DeadLetter deadLetter = new DeadLetter();

	private final Memory memory = new Memory();

	private final Health health = new Health();

	private final Metrics metrics = new Metrics();

	private final Observation observation = new Observation();

	public Transport getTransport() {
		return this.transport;
	}

	public void setTransport(Transport transport) {
		this.transport = transport;
	}

	public @Nullable Scenario getScenario() {
		return this.scenario;
	}

	public void setScenario(@Nullable Scenario scenario) {
		this.scenario = scenario;
	}

	public @Nullable String getSource() {
		return this.source;
	}

	public void setSource(@Nullable String source) {
		this.source = source;
	}

	public @Nullable String getDefaultGroup() {
		return this.defaultGroup;
	}

	public void setDefaultGroup(@Nullable String defaultGroup) {
		this.defaultGroup = defaultGroup;
	}

	public Duration getShutdownTimeout() {
		return this.shutdownTimeout;
	}

	public void setShutdownTimeout(Duration shutdownTimeout) {
		this.shutdownTimeout = shutdownTimeout;
	}

	public Executor getExecutor() {
		return this.executor;
	}

	public Publish getPublish() {
		return this.publish;
	}

	public Retry getRetry() {
		return this.retry;
	}

	public DeadLetter getDeadLetter() {
		return this.deadLetter;
	}

	public Memory getMemory() {
		return this.memory;
	}

	public Health getHealth() {
		return this.health;
	}

	public Metrics getMetrics() {
		return this.metrics;
	}

	public Observation getObservation() {
		return this.observation;
	}

	/** Transports the bus can use. */
	public enum Transport {

		/** Apache Kafka through spring-kafka. */
		KAFKA,

		/** NATS JetStream through jnats. */
		NATS,

		/** In-process, for tests and single-instance applications. */
		MEMORY;

		/** @return the name used in properties, meter tags and the endpoint */
		public String id() {
			return name().toLowerCase(java.util.Locale.ROOT);
		}

	}

	/** Scenario presets, see the README's configuration table. */
	public enum Scenario {

		/** Moderate batching, acks from all in-sync replicas, short fetch waits. */
		BALANCED,

		/** Large batches, leader-only acks, more requests in flight, large fetches. */
		HIGH_THROUGHPUT,

		/** No batching delay, no compression, leader-only acks, minimal fetch waits. */
		LOW_LATENCY,

		/** Idempotent producer with acks from all replicas, read-committed consumers. */
		HIGH_RELIABILITY;

		/** @return the name used in properties, for example {@code high-throughput} */
		public String id() {
			return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
		}

	}

	/** Shared keyed executor that runs every handler. */
	public static class Executor {

		/**
		 * Worker threads shared by all subscriptions. Events of one aggregate run one at a time;
		 * different aggregates run in parallel on these workers. With virtual threads and not set:
		 * max-pending.
		 */
		private int workers = 64;

		/** Whether {@link #setWorkers(int)} was called (by binding or a scenario preset). */
		private boolean workersSet;

		/**
		 * Whether handlers run on virtual threads (Java 21 or later; key order and max-pending are
		 * kept). Unset: follows spring.threads.virtual.enabled.
		 */
		private @Nullable Boolean virtualThreads;

		/**
		 * Bound on events accepted by the executor and not finished (queued, running or waiting for
		 * a retry). Nothing is dropped: above the high watermark, transports pause fetching.
		 */
		private int maxPending = 10000;

		/**
		 * Fraction of max-pending at which transports pause fetching.
		 */
		private double highWatermark = 0.8;

		/**
		 * Fraction of max-pending at which transports resume fetching.
		 */
		private double lowWatermark = 0.5;

		/**
		 * Longest time the executor waits on shutdown for queued and running tasks.
		 */
		private Duration shutdownTimeout = Duration.ofSeconds(30);

		/**
		 * Prefix of the worker thread names; threads are named prefix-n.
		 */
		private String threadNamePrefix = "eventbus-keyed";

		public int getWorkers() {
			return this.workers;
		}

		public void setWorkers(int workers) {
			this.workers = workers;
			this.workersSet = true;
		}

		/** @return whether workers was set rather than left at its default */
		boolean workersSetExplicitly() {
			return this.workersSet;
		}

		public @Nullable Boolean getVirtualThreads() {
			return this.virtualThreads;
		}

		public void setVirtualThreads(@Nullable Boolean virtualThreads) {
			this.virtualThreads = virtualThreads;
		}

		public int getMaxPending() {
			return this.maxPending;
		}

		public void setMaxPending(int maxPending) {
			this.maxPending = maxPending;
		}

		public double getHighWatermark() {
			return this.highWatermark;
		}

		public void setHighWatermark(double highWatermark) {
			this.highWatermark = highWatermark;
		}

		public double getLowWatermark() {
			return this.lowWatermark;
		}

		public void setLowWatermark(double lowWatermark) {
			this.lowWatermark = lowWatermark;
		}

		public Duration getShutdownTimeout() {
			return this.shutdownTimeout;
		}

		public void setShutdownTimeout(Duration shutdownTimeout) {
			this.shutdownTimeout = shutdownTimeout;
		}

		public String getThreadNamePrefix() {
			return this.threadNamePrefix;
		}

		public void setThreadNamePrefix(String threadNamePrefix) {
			this.threadNamePrefix = threadNamePrefix;
		}

	}

	/** Publishing. */
	public static class Publish {

		/**
		 * Longest time a publish call waits for room among the unacknowledged publishes before it
		 * fails with a PublishTimeoutException. Applies to every transport whose own max-block
		 * (eventbus.kafka.producer.max-block, eventbus.nats.publish.max-block,
		 * eventbus.memory.max-block) is not set explicitly.
		 */
		private @Nullable Duration maxBlock;

		private final CircuitBreaker circuitBreaker = new CircuitBreaker();

		public @Nullable Duration getMaxBlock() {
			return this.maxBlock;
		}

		public void setMaxBlock(@Nullable Duration maxBlock) {
			this.maxBlock = maxBlock;
		}

		public CircuitBreaker getCircuitBreaker() {
			return this.circuitBreaker;
		}

	}

	/** Publish circuit breaker (resilience4j). */
	public static class CircuitBreaker {

		/**
		 * Whether publishes go through a circuit breaker that fails fast while the broker looks
		 * unreachable.
		 */
		private boolean enabled = true;

		/**
		 * Failure rate in percent of the sliding window at or above which the breaker opens.
		 */
		private float failureRateThreshold = 50;

		/**
		 * Number of most recent publishes the failure rate is computed over.
		 */
		private int slidingWindowSize = 20;

		/**
		 * Publishes that must be recorded before the failure rate is evaluated.
		 */
		private int minimumNumberOfCalls = 10;

		/**
		 * Time the breaker stays open, failing publishes fast, before it lets trial publishes
		 * through.
		 */
		private Duration waitInOpenState = Duration.ofSeconds(30);

		/**
		 * Trial publishes let through while half open; their outcome closes or re-opens the
		 * breaker.
		 */
		private int permittedCallsInHalfOpenState = 5;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public float getFailureRateThreshold() {
			return this.failureRateThreshold;
		}

		public void setFailureRateThreshold(float failureRateThreshold) {
			this.failureRateThreshold = failureRateThreshold;
		}

		public int getSlidingWindowSize() {
			return this.slidingWindowSize;
		}

		public void setSlidingWindowSize(int slidingWindowSize) {
			this.slidingWindowSize = slidingWindowSize;
		}

		public int getMinimumNumberOfCalls() {
			return this.minimumNumberOfCalls;
		}

		public void setMinimumNumberOfCalls(int minimumNumberOfCalls) {
			this.minimumNumberOfCalls = minimumNumberOfCalls;
		}

		public Duration getWaitInOpenState() {
			return this.waitInOpenState;
		}

		public void setWaitInOpenState(Duration waitInOpenState) {
			this.waitInOpenState = waitInOpenState;
		}

		public int getPermittedCallsInHalfOpenState() {
			return this.permittedCallsInHalfOpenState;
		}

		public void setPermittedCallsInHalfOpenState(int permittedCallsInHalfOpenState) {
			this.permittedCallsInHalfOpenState = permittedCallsInHalfOpenState;
		}

	}

	/** Default retry of handlers; @EventHandler attributes override it per method. */
	public static class Retry {

		/**
		 * Total attempts of a failing event, the first delivery included, before it is
		 * dead-lettered.
		 */
		private int maxAttempts = 3;

		/**
		 * Delay before the first retry.
		 */
		private Duration initialBackoff = Duration.ofMillis(100);

		/**
		 * Upper bound of the delay between two attempts.
		 */
		private Duration maxBackoff = Duration.ofSeconds(10);

		/**
		 * Growth factor of the delay from one retry to the next.
		 */
		private double multiplier = 2.0;

		/**
		 * Fraction of the delay, 0 to 1, by which a retry may come earlier at random, so that events
		 * failing together do not retry in lockstep. 0.5 waits between half the delay and all of it;
		 * 0 waits exactly the delay.
		 */
		private double jitter = 0.0;

		/**
		 * Fully qualified class names of exceptions that retrying cannot fix, in addition to the
		 * defaults (dev.eventbus.core.api.SerializationException,
		 * dev.eventbus.core.api.InvalidEnvelopeException, java.lang.ClassCastException). A handler
		 * failure that is one of them (or a subclass), or is caused by one, goes to the dead-letter
		 * destination at once with reason "fatal".
		 */
		private List<String> fatalExceptions = new ArrayList<>();

		public int getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public Duration getInitialBackoff() {
			return this.initialBackoff;
		}

		public void setInitialBackoff(Duration initialBackoff) {
			this.initialBackoff = initialBackoff;
		}

		public Duration getMaxBackoff() {
			return this.maxBackoff;
		}

		public void setMaxBackoff(Duration maxBackoff) {
			this.maxBackoff = maxBackoff;
		}

		public double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(double multiplier) {
			this.multiplier = multiplier;
		}

		public double getJitter() {
			return this.jitter;
		}

		public void setJitter(double jitter) {
			this.jitter = jitter;
		}

		public List<String> getFatalExceptions() {
			return this.fatalExceptions;
		}

		public void setFatalExceptions(List<String> fatalExceptions) {
			this.fatalExceptions = fatalExceptions;
		}

	}

	/** Dead-letter destination (Kafka topic-dlt, NATS topic.dlt). */
	public static class DeadLetter {

		/**
		 * Whether events that failed every attempt, or could not be decoded, go to the dead-letter
		 * destination. When off they are logged, counted and skipped.
		 */
		private boolean enabled = true;

		/**
		 * Appended to a topic to name its dead-letter topic (NATS: subject). Defaults to "-dlt" on
		 * Kafka and memory and ".dlt" on NATS. Letters, digits, '.', '_' and '-'; no "..", not
		 * ending with '.'.
		 */
		private @Nullable String suffix;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public @Nullable String getSuffix() {
			return this.suffix;
		}

		public void setSuffix(@Nullable String suffix) {
			this.suffix = suffix;
		}

	}

	/** In-process memory transport. */
	public static class Memory {

		/**
		 * Events a topic keeps that some consumer group has not had delivered yet. A publisher that
		 * finds the topic full waits up to max-block; nothing is dropped.
		 */
		private int topicCapacity = 10000;

		/**
		 * Longest time a publish waits for room in a full topic before it fails with a
		 * PublishTimeoutException.
		 */
		private Duration maxBlock = Duration.ofSeconds(5);

		public int getTopicCapacity() {
			return this.topicCapacity;
		}

		public void setTopicCapacity(int topicCapacity) {
			this.topicCapacity = topicCapacity;
		}

		public Duration getMaxBlock() {
			return this.maxBlock;
		}

		public void setMaxBlock(Duration maxBlock) {
			this.maxBlock = maxBlock;
		}

	}

	/** Health indicator. */
	public static class Health {

		/**
		 * Longest time the health indicator waits for the broker to answer before it reports the
		 * transport as unreachable.
		 */
		private Duration timeout = Duration.ofSeconds(3);

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

	}

	/** Meters. */
	public static class Metrics {

		/**
		 * Interval at which per-subscription gauges (lag, pending) are registered for new
		 * subscriptions; a closed subscription's meters are removed when it closes.
		 */
		private Duration refreshInterval = Duration.ofSeconds(10);

		public Duration getRefreshInterval() {
			return this.refreshInterval;
		}

		public void setRefreshInterval(Duration refreshInterval) {
			this.refreshInterval = refreshInterval;
		}

	}

	/** Micrometer Observations of publish and handle. */
	public static class Observation {

		/**
		 * Whether publish and handle are Micrometer Observations of the application's
		 * ObservationRegistry: a publish carries the trace context in the message headers and each
		 * handler attempt runs in the producer's trace.
		 */
		private boolean enabled = true;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

}

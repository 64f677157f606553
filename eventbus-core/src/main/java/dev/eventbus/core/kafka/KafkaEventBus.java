package dev.eventbus.core.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.api.EventListener;
import dev.eventbus.core.api.PublishReceipt;
import dev.eventbus.core.api.PublishRejectedException;
import dev.eventbus.core.api.Subscription;
import dev.eventbus.core.api.SubscriptionOptions;
import dev.eventbus.core.codec.EnvelopeCodec;
import dev.eventbus.core.codec.HeaderStyle;
import dev.eventbus.core.codec.JsonPayloadCodec;
import dev.eventbus.core.codec.WireMessage;
import dev.eventbus.core.keyed.KeyedExecutor;
import dev.eventbus.core.keyed.KeyedExecutorOptions;
import dev.eventbus.core.metrics.EventBusObserver;
import dev.eventbus.core.support.DeadLetter;
import dev.eventbus.core.support.SubscriptionDispatcher;
import dev.eventbus.core.support.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;

/**
 * The Kafka transport: publishes CloudEvents binary-mode records (key = aggregate id, {@code ce_}
 * headers) with one tuned producer, and consumes each subscription with its own consumer and poll
 * thread feeding the shared {@link KeyedExecutor}: per-key order, concurrency beyond the partition
 * count, commits of the highest contiguous finished offset only, pause-and-keep-polling
 * backpressure, retry in the key's lane and dead-lettering to {@code <topic>-dlt}.
 *
 * <p>Create with {@link #builder(KafkaOptions)}; the builder's factory customizers reach the
 * spring-kafka producer and consumer factories the bus creates (listeners such as the Micrometer
 * ones, post-processors). Thread-safe. Threads it owns:
 * {@code eventbus-kafka-consumer-<topic>-<n>} (one per subscription), {@code eventbus-kafka-flusher}
 * (see {@link KafkaProducerOptions#flushMessages()}), {@code eventbus-kafka-retry} (retry backoff
 * timers) and {@code eventbus-kafka-lag} (lag measurement with the admin client), plus the Kafka
 * clients' own I/O threads.
 */
public final class KafkaEventBus implements EventBus {

	/** The transport name. */
	public static final String TRANSPORT = "kafka";

	/** Default CloudEvents source filled into envelopes without one. */
	public static final String DEFAULT_SOURCE = "eventbus";

	/** Default bound on draining subscriptions and flushing publishes on close. */
	public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

	private static final Logger logger = LoggerFactory.getLogger(KafkaEventBus.class);

	private final KafkaOptions options;

	private final KeyedExecutor executor;

	private final boolean ownsExecutor;

	private final EnvelopeCodec codec;

	private final EventBusObserver observer;

	private final String source;

	private final Duration shutdownTimeout;

	private final KafkaPublisher publisher;

	private final Admin admin;

	private final KafkaTopicProvisioner provisioner;

	private final ScheduledExecutorService retryScheduler;

	private final ScheduledExecutorService lagScheduler;

	private final List<KafkaSubscription> subscriptions = new CopyOnWriteArrayList<>();

	private final Map<KafkaSubscription, ScheduledFuture<?>> lagTasks = new ConcurrentHashMap<>();

	private final Map<String, AtomicInteger> threadNumbers = new ConcurrentHashMap<>();

	/** Numbers the consumers of this bus, so that their {@code client.id}s are unique. */
	private final AtomicInteger consumerNumbers = new AtomicInteger();

	private final AtomicBoolean closed = new AtomicBoolean();

	private KafkaEventBus(Builder builder) {
		this.options = builder.options.withClientCustomizers(
				new KafkaClientCustomizers(builder.producerFactoryCustomizers, builder.consumerFactoryCustomizers));
		this.ownsExecutor = builder.executor == null;
		this.executor = (builder.executor != null) ? builder.executor
				: KeyedExecutor.create(KeyedExecutorOptions.builder().threadNamePrefix("eventbus-kafka-keyed").build());
		this.codec = (builder.codec != null) ? builder.codec : new EnvelopeCodec(new JsonPayloadCodec());
		this.observer = builder.observer;
		this.source = builder.source;
		this.shutdownTimeout = builder.shutdownTimeout;
		this.retryScheduler = scheduler("eventbus-kafka-retry");
		this.lagScheduler = scheduler("eventbus-kafka-lag");
		this.publisher = new KafkaPublisher(this.options, this.observer, this.shutdownTimeout);
		this.admin = Admin.create(KafkaClientFactories.adminConfig(this.options));
		this.provisioner = new KafkaTopicProvisioner(this.admin, this.options.topics());
		try {
			this.provisioner.provision(this.options.topics().names());
		}
		catch (RuntimeException ex) {
			close();
			throw ex;
		}
	}

	private static ScheduledExecutorService scheduler(String name) {
		return Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, name);
			thread.setDaemon(true);
			return thread;
		});
	}

	/**
	 * A builder for a Kafka bus.
	 * @param options client and transport settings
	 * @return a builder
	 */
	public static Builder builder(KafkaOptions options) {
		return new Builder(options);
	}

	/** @return the settings */
	public KafkaOptions options() {
		return this.options;
	}

	@Override
	public CompletableFuture<PublishReceipt> publish(String topic, Envelope<?> envelope) {
		Topics.validate(topic);
		Objects.requireNonNull(envelope, "envelope must not be null");
		if (this.closed.get()) {
			return CompletableFuture.failedFuture(new PublishRejectedException(topic,
					"cannot publish to topic '" + topic + "': the Kafka event bus is closed", null));
		}
		Envelope<?> complete = (envelope.source() != null) ? envelope : envelope.toBuilder().source(this.source).build();
		WireMessage message = this.codec.encode(complete, HeaderStyle.KAFKA);
		return this.publisher.send(topic, message, complete.eventId());
	}

	@Override
	public <T> Subscription subscribe(Collection<String> topics, Class<T> payloadType, SubscriptionOptions options,
			EventListener<? super T> listener) {
		Objects.requireNonNull(topics, "topics must not be null");
		Objects.requireNonNull(payloadType, "payloadType must not be null");
		Objects.requireNonNull(options, "options must not be null");
		Objects.requireNonNull(listener, "listener must not be null");
		List<String> names = Topics.validateAll(topics);
		if (this.closed.get()) {
			throw new IllegalStateException("cannot subscribe to " + names + ": the Kafka event bus is closed");
		}
		String id = options.group() + "/" + String.join(",", names);
		for (KafkaSubscription existing : this.subscriptions) {
			if (existing.id().equals(id)) {
				throw new IllegalStateException("subscription '" + id + "' already exists on this bus: close it first, "
						+ "or use another group (instances of one group share the partitions across buses)");
			}
		}
		this.provisioner.provision(names);
		SubscriptionDispatcher<T> dispatcher = new SubscriptionDispatcher<>(TRANSPORT, id, payloadType, options,
				listener, this.executor, this.codec, HeaderStyle.KAFKA, this::publishDeadLetter, this.retryScheduler,
				this.observer);
		String label = String.join("+", names);
		int number = this.threadNumbers.computeIfAbsent(label, (key) -> new AtomicInteger()).getAndIncrement();
		KafkaSubscription subscription = new KafkaSubscription(id, names, options.group(), this.options, dispatcher,
				this.executor, "eventbus-kafka-consumer-" + label + "-" + number,
				"-" + this.consumerNumbers.incrementAndGet(), this.shutdownTimeout, this::forget);
		this.subscriptions.add(subscription);
		subscription.start();
		long interval = this.options.consumer().lagRefreshInterval().toMillis();
		this.lagTasks.put(subscription, this.lagScheduler.scheduleWithFixedDelay(
				() -> subscription.refreshLag(this.admin, this.options.topics().timeout()), 0, interval,
				TimeUnit.MILLISECONDS));
		return subscription;
	}

	private CompletableFuture<?> publishDeadLetter(DeadLetter deadLetter) {
		WireMessage message = deadLetter.toWireMessage(HeaderStyle.KAFKA);
		String eventId = message.header(HeaderStyle.KAFKA.header("id"));
		return this.publisher.send(DeadLetter.kafkaTopic(deadLetter.original().topic()), message,
				(eventId != null) ? eventId : "");
	}

	private void forget(KafkaSubscription subscription) {
		this.subscriptions.remove(subscription);
		ScheduledFuture<?> lagTask = this.lagTasks.remove(subscription);
		if (lagTask != null) {
			lagTask.cancel(false);
		}
	}

	@Override
	public String deadLetterTopic(String topic) {
		return DeadLetter.kafkaTopic(topic);
	}

	@Override
	public List<Subscription> subscriptions() {
		return List.copyOf(this.subscriptions);
	}

	@Override
	public String transport() {
		return TRANSPORT;
	}

	/**
	 * Closes every subscription (draining in-flight work within the shutdown timeout and committing
	 * it), then flushes pending publishes within the same timeout and releases the clients.
	 */
	@Override
	public void close() {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		List<KafkaSubscription> open = List.copyOf(this.subscriptions);
		List<Thread> closers = new ArrayList<>();
		for (KafkaSubscription subscription : open) {
			Thread closer = new Thread(() -> subscription.close(this.shutdownTimeout),
					"eventbus-kafka-close-" + subscription.id());
			closer.start();
			closers.add(closer);
		}
		for (Thread closer : closers) {
			try {
				closer.join();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		if (this.publisher != null) {
			this.publisher.close();
		}
		this.retryScheduler.shutdownNow();
		this.lagScheduler.shutdownNow();
		if (this.admin != null) {
			this.admin.close(Duration.ofSeconds(5));
		}
		if (this.ownsExecutor) {
			this.executor.shutdown(this.shutdownTimeout);
		}
		logger.debug("Kafka event bus closed");
	}

	@Override
	public String toString() {
		return "KafkaEventBus{bootstrapServers=" + this.options.bootstrapServers() + ", subscriptions="
				+ this.subscriptions.size() + "}";
	}

	/** Builds a {@link KafkaEventBus}; {@link #build()} rejects bad values naming the setting. */
	public static final class Builder {

		private final KafkaOptions options;

		private @Nullable KeyedExecutor executor;

		private @Nullable EnvelopeCodec codec;

		private EventBusObserver observer = EventBusObserver.NOOP;

		private String source = DEFAULT_SOURCE;

		private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;

		private final List<Consumer<? super DefaultKafkaProducerFactory<String, byte[]>>> producerFactoryCustomizers =
				new ArrayList<>();

		private final List<Consumer<? super DefaultKafkaConsumerFactory<String, byte[]>>> consumerFactoryCustomizers =
				new ArrayList<>();

		private Builder(KafkaOptions options) {
			this.options = Objects.requireNonNull(options, "kafka options must not be null");
		}

		/**
		 * @param executor the application's shared keyed executor; not closed by the bus (default: a
		 * bus-owned executor with default options)
		 * @return this builder
		 */
		public Builder executor(KeyedExecutor executor) {
			this.executor = Objects.requireNonNull(executor, "executor must not be null");
			return this;
		}

		/** @param codec envelope codec (default: JSON payloads) @return this builder */
		public Builder codec(EnvelopeCodec codec) {
			this.codec = Objects.requireNonNull(codec, "codec must not be null");
			return this;
		}

		/** @param observer measurements sink (default: none) @return this builder */
		public Builder observer(EventBusObserver observer) {
			this.observer = Objects.requireNonNull(observer, "observer must not be null");
			return this;
		}

		/** @param source CloudEvents source for envelopes without one @return this builder */
		public Builder source(String source) {
			this.source = source;
			return this;
		}

		/** @param shutdownTimeout bound on draining and flushing on close @return this builder */
		public Builder shutdownTimeout(Duration shutdownTimeout) {
			this.shutdownTimeout = shutdownTimeout;
			return this;
		}

		/**
		 * Adds a hook for the bus's producer factory, for what {@link KafkaOptions} does not cover: a
		 * {@code ProducerFactory.Listener} (for example spring-kafka's {@code MicrometerProducerListener}
		 * for the client meters), post-processors, or {@code updateConfigs}. Hooks run in the order they
		 * were added, on the thread calling {@link #build()}, after the configuration was derived from
		 * the options and before the producer is created. Settings the bus owns (serializers) must not
		 * be changed.
		 * @param customizer called once with the producer factory
		 * @return this builder
		 */
		public Builder producerFactoryCustomizer(
				Consumer<? super DefaultKafkaProducerFactory<String, byte[]>> customizer) {
			this.producerFactoryCustomizers
				.add(Objects.requireNonNull(customizer, "producerFactoryCustomizer must not be null"));
			return this;
		}

		/**
		 * Adds a hook for the consumer factories, for what {@link KafkaOptions} does not cover: a
		 * {@code ConsumerFactory.Listener} (for example spring-kafka's {@code MicrometerConsumerListener}
		 * for the client meters), post-processors, or {@code updateConfigs}. Each subscription has its
		 * own consumer factory ({@code group.id} in its configuration); hooks run for each, in the order
		 * they were added, on the thread calling {@code subscribe}, before its consumer is created.
		 * Settings the bus owns (deserializers, {@code group.id}, {@code enable.auto.commit}) must not be
		 * changed.
		 * @param customizer called with every consumer factory the bus creates
		 * @return this builder
		 */
		public Builder consumerFactoryCustomizer(
				Consumer<? super DefaultKafkaConsumerFactory<String, byte[]>> customizer) {
			this.consumerFactoryCustomizers
				.add(Objects.requireNonNull(customizer, "consumerFactoryCustomizer must not be null"));
			return this;
		}

		/**
		 * @return a running bus (topics in {@code kafka.topics.names} are provisioned)
		 * @throws IllegalArgumentException naming the invalid setting
		 * @throws dev.eventbus.core.api.EventBusException if provisioning fails
		 */
		public KafkaEventBus build() {
			if (this.source == null || this.source.isBlank()) {
				throw new IllegalArgumentException("kafka bus source must not be blank");
			}
			if (this.shutdownTimeout == null || this.shutdownTimeout.isNegative()) {
				throw new IllegalArgumentException(
						"kafka bus shutdownTimeout must not be negative but was " + this.shutdownTimeout);
			}
			return new KafkaEventBus(this);
		}

	}

}

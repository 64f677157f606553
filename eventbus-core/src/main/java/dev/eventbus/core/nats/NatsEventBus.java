package dev.eventbus.core.nats;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.api.EventBusException;
import dev.eventbus.core.api.EventListener;
import dev.eventbus.core.api.InvalidEnvelopeException;
import dev.eventbus.core.api.PublishReceipt;
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
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StorageType;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NATS JetStream transport of the {@link EventBus}.
 *
 * <ul>
 * <li><b>Streams.</b> One stream per topic capturing subject {@code [prefix.]topic}, provisioned on
 * first publish or subscribe (see {@link NatsStreamOptions} for names and limits); dead letters go to
 * {@code [prefix.]topic.dlt}, which has its own stream.</li>
 * <li><b>Publish.</b> {@code publishAsync} with {@code Nats-Msg-Id} = event id (JetStream stores an
 * id once per duplicate window; the receipt says {@code duplicate}) and CloudEvents {@code ce-}
 * headers; the future completes on the PubAck. Un-acknowledged publishes are bounded
 * ({@link NatsPublishOptions}).</li>
 * <li><b>Consume.</b> One durable pull consumer per (topic, group) (see {@link NatsConsumerOptions}),
 * one fetch thread per topic and subscription, dispatch by aggregate id into the shared
 * {@link KeyedExecutor}, explicit ack after the handler finished or the event was dead-lettered,
 * ack deadline extended while an event waits, runs or backs off. Never nak.</li>
 * </ul>
 *
 * <p>Create with {@link #builder(NatsOptions)}. Thread-safe. The connection is made once; jnats
 * reconnects it with the same settings.
 */
public final class NatsEventBus implements EventBus {

	/** Transport name: {@code nats}. */
	public static final String TRANSPORT = "nats";

	private static final Logger logger = LoggerFactory.getLogger(NatsEventBus.class);

	private static final AtomicInteger THREADS = new AtomicInteger();

	/** How long jnats' connect thread stays without work before it ends. */
	private static final Duration IDLE_THREAD_KEEP_ALIVE = Duration.ofSeconds(1);

	private final NatsOptions options;

	/** The shared executor, or an own one created at the first subscribe; guarded by {@code this}. */
	private @Nullable KeyedExecutor executor;

	private final boolean ownsExecutor;

	private final EnvelopeCodec codec;

	private final EventBusObserver observer;

	private final String source;

	private final Duration shutdownTimeout;

	private final String instanceId = UUID.randomUUID().toString();

	private final NatsConnectionMonitor monitor;

	private final Connection connection;

	private final JetStream jetStream;

	private final JetStreamManagement management;

	private final NatsStreamProvisioner streams;

	private final NatsPublisher publisher;

	/**
	 * Non-blocking periodic and delayed work: ack-deadline keep-alives, retry back-offs and jnats'
	 * timers (pings, request cleanup).
	 */
	private final ScheduledExecutorService scheduler;

	/**
	 * Work that calls the server and may wait for it (lease ticks, lag refresh), and jnats'
	 * connection and error listener callbacks, in order, on one thread.
	 */
	private final ScheduledExecutorService maintenance;

	/** jnats' connect and reconnect attempts; one thread, ended when idle. */
	private final ExecutorService connects;

	private final Map<String, NatsSubscription> subscriptions = new ConcurrentHashMap<>();

	private volatile @Nullable KeyValue leases;

	private volatile boolean closed;

	private NatsEventBus(Builder builder) {
		this.options = builder.options;
		this.ownsExecutor = builder.executor == null;
		this.executor = builder.executor;
		this.codec = (builder.codec != null) ? builder.codec : new EnvelopeCodec(new JsonPayloadCodec());
		this.observer = builder.observer;
		this.source = builder.source;
		this.shutdownTimeout = builder.shutdownTimeout;
		this.monitor = new NatsConnectionMonitor(this.options.connectionName());
		ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(2, named("eventbus-nats-scheduler-"));
		scheduler.setRemoveOnCancelPolicy(true);
		this.scheduler = scheduler;
		ScheduledThreadPoolExecutor maintenance = new ScheduledThreadPoolExecutor(1, named("eventbus-nats-maintenance-"));
		maintenance.setRemoveOnCancelPolicy(true);
		this.maintenance = maintenance;
		this.connects = idleEnding(named("eventbus-nats-connect-"));
		// Instead of three more scheduler threads and two unnamed single-thread executors for the life
		// of the connection: jnats' timers share the bus's scheduler, its listener callbacks (logging
		// only; the status is read from the connection) run on the maintenance thread, and its connect
		// attempts on a named thread that ends when idle.
		Options.Builder clientOptions = NatsClientConfig
			.connectionOptionsBuilder(this.options, this.monitor, this.monitor)
			.scheduledExecutor(this.scheduler)
			.callbackExecutor(this.maintenance)
			.connectExecutor(this.connects);
		try {
			builder.connectionOptionsCustomizers.forEach((customizer) -> customizer.accept(clientOptions));
		}
		catch (RuntimeException ex) {
			shutdownOwnedThreads();
			closeOwnedExecutor();
			throw ex;
		}
		try {
			this.connection = Nats.connect(clientOptions.build());
			this.jetStream = this.connection.jetStream(NatsClientConfig.jetStreamOptions(this.options));
			this.management = this.connection.jetStreamManagement(NatsClientConfig.jetStreamOptions(this.options));
		}
		catch (IOException ex) {
			shutdownOwnedThreads();
			closeOwnedExecutor();
			throw new EventBusException("Could not connect to NATS " + this.options.servers() + " as '"
					+ this.options.connectionName() + "' within connection-timeout " + this.options.connectionTimeout()
					+ ": " + ex.getMessage() + ". Check eventbus.nats.servers and the credentials", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			shutdownOwnedThreads();
			closeOwnedExecutor();
			throw new EventBusException("Interrupted while connecting to NATS " + this.options.servers(), ex);
		}
		this.streams = new NatsStreamProvisioner(this.management, this.options.stream());
		this.publisher = new NatsPublisher(this.jetStream, this.streams, this.options.publish(), this.observer,
				() -> this.monitor.status(this.connection).state());
	}

	/**
	 * @param options connection, stream, consumer and publish settings
	 * @return a builder
	 */
	public static Builder builder(NatsOptions options) {
		return new Builder(options);
	}

	@Override
	public CompletableFuture<PublishReceipt> publish(String topic, Envelope<?> envelope) {
		Topics.validate(topic);
		if (envelope == null) {
			throw new InvalidEnvelopeException("envelope", "envelope must not be null");
		}
		Envelope<?> complete = (envelope.source() != null) ? envelope : envelope.toBuilder().source(this.source).build();
		WireMessage wire = this.codec.encode(complete, HeaderStyle.NATS);
		return this.publisher.publish(topic, this.options.stream().subject(topic), complete.eventId(), wire, true);
	}

	@Override
	public <T> Subscription subscribe(Collection<String> topics, Class<T> payloadType, SubscriptionOptions options,
			EventListener<? super T> listener) {
		Objects.requireNonNull(payloadType, "payloadType must not be null");
		Objects.requireNonNull(options, "options must not be null");
		Objects.requireNonNull(listener, "listener must not be null");
		List<String> unique = Topics.validateAll(topics);
		if (this.closed) {
			throw new EventBusException("NATS event bus is closed; cannot subscribe to " + unique);
		}
		String id = options.group() + "/" + String.join(",", unique);
		SubscriptionDispatcher<T> dispatcher = new SubscriptionDispatcher<>(TRANSPORT, id, payloadType, options,
				listener, executor(), this.codec, HeaderStyle.NATS, this::publishDeadLetter, this.scheduler,
				this.observer);
		NatsSubscription subscription = new NatsSubscription(id, unique, options.group(), dispatcher, this.management,
				this.shutdownTimeout, (closed) -> this.subscriptions.remove(closed.id(), closed));
		if (this.subscriptions.putIfAbsent(id, subscription) != null) {
			throw new IllegalStateException("NATS event bus already has subscription '" + id
					+ "'; close it first or use another group");
		}
		try {
			NatsConsumerOptions consumerOptions = this.options.consumer();
			for (String topic : unique) {
				String subject = this.options.stream().subject(topic);
				String stream = this.streams.ensure(subject);
				if (stream == null) {
					stream = NatsStreamOptions.streamName(subject);
				}
				if (options.deadLetter()) {
					this.streams.ensure(DeadLetter.natsSubject(subject));
				}
				String durable = NatsConsumerOptions.durableName(options.group(), topic);
				String consumerStream = stream;
				Runnable provisionConsumer = () -> this.streams.ensureConsumer(consumerStream,
						NatsClientConfig.consumerConfiguration(consumerOptions, durable, subject));
				provisionConsumer.run();
				NatsLease lease = consumerOptions.singleActive()
						? new NatsLease(leaseBucket(), stream + "." + durable, this.instanceId) : null;
				subscription.add(new NatsTopicConsumer(topic, subject, stream, durable, this.connection, this.jetStream,
						consumerOptions, executor(), dispatcher, subscription, lease, provisionConsumer,
						"eventbus-nats-consumer-" + topic + "-" + THREADS.incrementAndGet()));
			}
			long keepAlive = Math.max(100, consumerOptions.ackWait().toMillis() / 3);
			subscription.addTask(this.scheduler.scheduleWithFixedDelay(subscription::keepAlive, keepAlive, keepAlive,
					TimeUnit.MILLISECONDS));
			long maintenanceMillis = Math.max(200, consumerOptions.leaseTtl().toMillis() / 3);
			subscription.maintain();
			subscription.addTask(this.maintenance.scheduleWithFixedDelay(subscription::maintain, maintenanceMillis,
					maintenanceMillis, TimeUnit.MILLISECONDS));
			subscription.start();
		}
		catch (RuntimeException ex) {
			// Undo what was set up (tasks, leases, dispatcher); nothing was fetched yet.
			subscription.close(Duration.ZERO);
			throw ex;
		}
		logger.info("NATS subscription '{}' started", id);
		return subscription;
	}

	private CompletableFuture<?> publishDeadLetter(DeadLetter deadLetter) {
		String subject = DeadLetter.natsSubject(this.options.stream().subject(deadLetter.original().topic()));
		Long sequence = deadLetter.original().streamSequence();
		String messageId = "dlt-" + deadLetter.group() + "-" + deadLetter.original().topic() + "-" + sequence;
		return this.publisher.publish(DeadLetter.natsSubject(deadLetter.original().topic()), subject, messageId,
				deadLetter.toWireMessage(HeaderStyle.NATS), false);
	}

	private KeyValue leaseBucket() {
		KeyValue bucket = this.leases;
		if (bucket != null) {
			return bucket;
		}
		synchronized (this) {
			if (this.leases == null) {
				try {
					KeyValueManagement kvm = this.connection.keyValueManagement();
					if (!kvm.getBucketNames().contains(NatsConsumerOptions.LEASE_BUCKET)) {
						try {
							kvm.create(KeyValueConfiguration.builder()
								.name(NatsConsumerOptions.LEASE_BUCKET)
								.ttl(this.options.consumer().leaseTtl())
								.maxHistoryPerKey(1)
								.storageType(StorageType.File)
								.build());
						}
						catch (JetStreamApiException ex) {
							// Created concurrently by another instance: use it.
							logger.debug("NATS lease bucket not created: {}", ex.getMessage());
						}
					}
					this.leases = this.connection.keyValue(NatsConsumerOptions.LEASE_BUCKET);
				}
				catch (IOException | JetStreamApiException ex) {
					throw new EventBusException("NATS could not open the single-active lease bucket '"
							+ NatsConsumerOptions.LEASE_BUCKET + "': " + ex.getMessage()
							+ " (set eventbus.nats.consumer.single-active=false to consume without it)", ex);
				}
			}
			return this.leases;
		}
	}

	@Override
	public String deadLetterTopic(String topic) {
		return DeadLetter.natsSubject(topic);
	}

	@Override
	public List<Subscription> subscriptions() {
		return List.copyOf(this.subscriptions.values());
	}

	@Override
	public String transport() {
		return TRANSPORT;
	}

	/** @return a snapshot of the connection state, for health checks */
	public NatsConnectionStatus connectionStatus() {
		return this.monitor.status(this.closed ? null : this.connection);
	}

	/** @return the settings this bus was built with */
	public NatsOptions options() {
		return this.options;
	}

	/** @return publishes sent and not yet acknowledged */
	public int publishesInFlight() {
		return this.publisher.inFlight();
	}

	/**
	 * Asks the server for this account's JetStream statistics, for health checks: proves that the
	 * connection is up and JetStream answers. Bounded by {@link NatsOptions#requestTimeout()}.
	 * @return {@code streams}, {@code consumers}, {@code memory} and {@code storage} (bytes) of the
	 * account
	 * @throws IOException if the request failed or timed out
	 * @throws JetStreamApiException if JetStream refused it (for example, not enabled)
	 */
	public Map<String, Long> jetStreamAccount() throws IOException, JetStreamApiException {
		io.nats.client.api.AccountStatistics statistics = this.management.getAccountStatistics();
		return Map.of("streams", statistics.getStreams(), "consumers", statistics.getConsumers(), "memory",
				statistics.getMemory(), "storage", statistics.getStorage());
	}

	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		long deadline = System.nanoTime() + this.shutdownTimeout.toNanos();
		for (NatsSubscription subscription : new ArrayList<>(this.subscriptions.values())) {
			subscription.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
		}
		this.publisher.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
		try {
			this.connection.flush(Duration.ofSeconds(1));
		}
		catch (Exception ex) {
			logger.debug("NATS flush on close failed: {}", ex.toString());
		}
		try {
			this.connection.close();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		// After the connection: jnats cancels its timers and reports CLOSED on these while closing.
		shutdownOwnedThreads();
		closeOwnedExecutor();
	}

	private void shutdownOwnedThreads() {
		this.scheduler.shutdownNow();
		// Periodic tasks are dropped; a queued CLOSED callback still runs.
		this.maintenance.shutdown();
		this.connects.shutdownNow();
	}

	private static ThreadFactory named(String prefix) {
		return (task) -> {
			Thread thread = new Thread(task, prefix + THREADS.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

	/** One thread running tasks in order, ended after {@link #IDLE_THREAD_KEEP_ALIVE} without work. */
	private static ExecutorService idleEnding(ThreadFactory threads) {
		ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, IDLE_THREAD_KEEP_ALIVE.toMillis(),
				TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), threads);
		executor.allowCoreThreadTimeOut(true);
		return executor;
	}

	private synchronized KeyedExecutor executor() {
		if (this.executor == null) {
			this.executor = KeyedExecutor.create(KeyedExecutorOptions.defaults());
		}
		return this.executor;
	}

	private synchronized void closeOwnedExecutor() {
		if (this.ownsExecutor && this.executor != null) {
			this.executor.shutdown(this.shutdownTimeout);
		}
	}

	/** Builds a {@link NatsEventBus}. Not thread-safe. */
	public static final class Builder {

		private final NatsOptions options;

		private @Nullable KeyedExecutor executor;

		private @Nullable EnvelopeCodec codec;

		private EventBusObserver observer = EventBusObserver.NOOP;

		private String source = "eventbus";

		private Duration shutdownTimeout = KeyedExecutorOptions.DEFAULT_SHUTDOWN_TIMEOUT;

		private final List<Consumer<? super Options.Builder>> connectionOptionsCustomizers = new ArrayList<>();

		private Builder(NatsOptions options) {
			this.options = Objects.requireNonNull(options, "options must not be null");
		}

		/**
		 * Adds a hook for the jnats connection options, for what {@link NatsOptions} does not cover
		 * (for example a custom {@code SSLContext} factory, an {@code AuthHandler}, a
		 * {@code StatisticsCollector} or more servers). Hooks run in the order they were added, on the
		 * thread calling {@link #build()}, after every setting was derived from the options and before
		 * the connection is opened. The connection and error listeners belong to the bus (its
		 * connection status and health follow them) and must not be replaced.
		 * @param customizer called once with the connection options builder
		 * @return this builder
		 */
		public Builder connectionOptionsCustomizer(Consumer<? super Options.Builder> customizer) {
			this.connectionOptionsCustomizers
				.add(Objects.requireNonNull(customizer, "connectionOptionsCustomizer must not be null"));
			return this;
		}

		/** @param executor the shared keyed executor (not closed by the bus); default: an own one @return this builder */
		public Builder executor(KeyedExecutor executor) {
			this.executor = Objects.requireNonNull(executor, "executor must not be null");
			return this;
		}

		/** @param codec envelope codec (default JSON) @return this builder */
		public Builder codec(EnvelopeCodec codec) {
			this.codec = Objects.requireNonNull(codec, "codec must not be null");
			return this;
		}

		/** @param observer meters (default none) @return this builder */
		public Builder observer(EventBusObserver observer) {
			this.observer = Objects.requireNonNull(observer, "observer must not be null");
			return this;
		}

		/** @param source CloudEvents source for envelopes without one (default {@code eventbus}) @return this builder */
		public Builder source(String source) {
			if (source == null || source.isBlank()) {
				throw new IllegalArgumentException("source must not be blank");
			}
			this.source = source;
			return this;
		}

		/** @param shutdownTimeout how long close waits for in-flight work, not negative @return this builder */
		public Builder shutdownTimeout(Duration shutdownTimeout) {
			if (shutdownTimeout == null || shutdownTimeout.isNegative()) {
				throw new IllegalArgumentException("shutdownTimeout must not be negative but was " + shutdownTimeout);
			}
			this.shutdownTimeout = shutdownTimeout;
			return this;
		}

		/**
		 * Connects to NATS.
		 * @return the bus
		 * @throws EventBusException naming the servers when the connection fails
		 */
		public NatsEventBus build() {
			return new NatsEventBus(this);
		}

	}

}

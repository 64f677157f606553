package dev.eventbus.core.nats;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.api.EventBusException;
import dev.eventbus.core.api.PublishReceipt;
import dev.eventbus.core.codec.HeaderStyle;
import dev.eventbus.core.codec.WireMessage;
import dev.eventbus.core.keyed.KeyedExecutor;
import dev.eventbus.core.support.AbstractEventBus;
import dev.eventbus.core.support.AbstractSubscription;
import dev.eventbus.core.support.BusSettings;
import dev.eventbus.core.support.DeadLetter;
import dev.eventbus.core.support.EventBusBuilder;
import dev.eventbus.core.support.ServerUrls;
import dev.eventbus.core.support.SubscriptionRequest;
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
 * {@code [prefix.]topic.dlt} ({@link NatsOptions#deadLetterSuffix()}), which has its own stream.</li>
 * <li><b>Publish.</b> A JetStream publish (the message {@code publishAsync} sends, as a request bounded
 * by the ack-timeout) with {@code Nats-Msg-Id} = event id (JetStream stores an
 * id once per duplicate window; the receipt says {@code duplicate}) and CloudEvents {@code ce-}
 * headers; the future completes on the PubAck. Un-acknowledged publishes are bounded
 * ({@link NatsPublishOptions}).</li>
 * <li><b>Consume.</b> One durable pull consumer per (topic, group) (see {@link NatsConsumerOptions}),
 * one fetch thread per topic and subscription, dispatch by aggregate id into the shared
 * {@link KeyedExecutor}, explicit ack after the handler finished or the event was dead-lettered,
 * ack deadline extended while an event waits, runs or backs off. Never nak.</li>
 * <li><b>Partitions.</b> With {@link NatsOptions#partitions()} N above 1, an event goes to subject
 * {@code <subject>.<p>} by the hash of its aggregate id ({@link NatsPartitions}), the stream captures
 * the N subjects, and each group has a durable, a lease and a fetch thread per partition; the
 * instances of a group share the partitions fairly. N = 1 is the single-subject layout.</li>
 * </ul>
 *
 * <p>The common rules (arguments, duplicate subscriptions, close under one deadline) are those of
 * {@link AbstractEventBus}. Create with {@link #builder(NatsOptions)}. Thread-safe. The connection is
 * made once; jnats reconnects it with the same settings.
 */
public final class NatsEventBus extends AbstractEventBus {

	/** Transport name: {@code nats}. */
	public static final String TRANSPORT = "nats";

	private static final Logger logger = LoggerFactory.getLogger(NatsEventBus.class);

	private static final AtomicInteger THREADS = new AtomicInteger();

	/** How long jnats' connect thread stays without work before it ends. */
	private static final Duration IDLE_THREAD_KEEP_ALIVE = Duration.ofSeconds(1);

	/** Bound on the connection flush at close, and the least it is given. */
	private static final Duration MAX_FLUSH = Duration.ofSeconds(1);

	private static final Duration MIN_FLUSH = Duration.ofMillis(100);

	private final NatsOptions options;

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

	private volatile @Nullable KeyValue leases;

	/** Spreads unkeyed events over the partitions. */
	private final AtomicInteger unkeyed = new AtomicInteger();

	private NatsEventBus(Builder builder, BusSettings settings) {
		super(TRANSPORT, HeaderStyle.NATS, settings);
		this.options = builder.options;
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
			throw ex;
		}
		try {
			this.connection = Nats.connect(clientOptions.build());
			this.jetStream = this.connection.jetStream(NatsClientConfig.jetStreamOptions(this.options));
			this.management = this.connection.jetStreamManagement(NatsClientConfig.jetStreamOptions(this.options));
		}
		catch (IOException ex) {
			shutdownOwnedThreads();
			// jnats reports why the attempts failed (a TLS handshake, say) to the error listener, whose
			// callback is queued on the maintenance thread: let the queued callbacks finish first
			awaitMaintenanceCallbacks();
			Exception lastException = this.monitor.lastException();
			EventBusException failure = new EventBusException(
					NatsClientConfig.connectFailureMessage(this.options, ex, lastException), ex);
			if (lastException != null && lastException != ex) {
				// the cause of a failed TLS handshake reaches the bus only through the error listener
				failure.addSuppressed(lastException);
			}
			throw failure;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			shutdownOwnedThreads();
			throw new EventBusException(
					"Interrupted while connecting to NATS " + ServerUrls.redact(this.options.servers()), ex);
		}
		requireJetStream();
		this.streams = new NatsStreamProvisioner(this.management, this.options.stream());
		this.publisher = new NatsPublisher(this.connection, this.streams, this.options.publish(), settings.observer(),
				() -> this.monitor.status(this.connection).state());
	}

	/**
	 * @param options connection, stream, consumer and publish settings
	 * @return a builder
	 */
	public static Builder builder(NatsOptions options) {
		return new Builder(options);
	}

	/**
	 * Publishes to the topic's subject, or with partitions to the subject of the aggregate id's
	 * partition (unkeyed events round-robin), with {@code Nats-Msg-Id} = event id, bounded by the
	 * publish window.
	 */
	@Override
	protected CompletableFuture<PublishReceipt> send(String topic, WireMessage message, String eventId) {
		String subject = this.options.stream().subject(topic);
		int partitions = this.options.partitions();
		String key = message.key();
		int partition = (key != null) ? NatsPartitions.partition(key, partitions)
				: Math.floorMod(this.unkeyed.getAndIncrement(), partitions);
		return this.publisher.publish(topic, subject, partitions, NatsPartitions.subject(subject, partition, partitions),
				eventId, message, true);
	}

	/**
	 * Publishes to the dead-letter subject with {@code Nats-Msg-Id} = {@code dlt-<group>-<topic>-<sequence>}, so
	 * that a dead letter published again (after a crash before the ack) is stored once; not bounded by
	 * the publish window (dead letters are bounded by the messages in flight).
	 */
	@Override
	protected CompletableFuture<?> sendDeadLetter(DeadLetter deadLetter) {
		String original = deadLetter.original().topic();
		String topic = deadLetterTopic(original);
		String messageId = "dlt-" + deadLetter.group() + "-" + original + "-" + deadLetter.original().streamSequence();
		String subject = this.options.stream().subject(topic);
		return this.publisher.publish(topic, subject, 1, subject, messageId, deadLetter.toWireMessage(headerStyle()),
				false);
	}

	@Override
	protected AbstractSubscription open(SubscriptionRequest<?> request) {
		NatsSubscription subscription = new NatsSubscription(request, this.management, this.options.consumer());
		try {
			NatsConsumerOptions consumerOptions = this.options.consumer();
			int partitions = this.options.partitions();
			for (String topic : request.topics()) {
				String subject = this.options.stream().subject(topic);
				String stream = this.streams.ensure(subject, partitions);
				if (stream == null) {
					stream = NatsStreamOptions.streamName(subject);
				}
				if (request.options().deadLetter()) {
					this.streams.ensure(this.options.stream().subject(deadLetterTopic(topic)));
				}
				List<NatsTopicConsumer> topicConsumers = new ArrayList<>();
				for (int p = 0; p < partitions; p++) {
					String durable = NatsPartitions.durable(request.group(), topic, p, partitions);
					String partitionSubject = NatsPartitions.subject(subject, p, partitions);
					String consumerStream = stream;
					Runnable provisionConsumer = () -> this.streams.ensureConsumer(consumerStream,
							NatsClientConfig.consumerConfiguration(consumerOptions, durable, partitionSubject));
					provisionConsumer.run();
					NatsLease lease = consumerOptions.singleActive()
							? new NatsLease(leaseBucket(), stream + "." + durable, this.instanceId) : null;
					NatsTopicConsumer consumer = new NatsTopicConsumer(topic, partitionSubject, stream, durable,
							this.connection, this.jetStream, consumerOptions, executor(), request.dispatcher(), subscription,
							lease, (partitions > 1) ? p : null, provisionConsumer,
							"eventbus-nats-consumer-" + topic + ((partitions > 1) ? "-p" + p : "") + "-"
									+ THREADS.incrementAndGet());
					subscription.add(consumer);
					topicConsumers.add(consumer);
				}
				if (partitions > 1 && consumerOptions.singleActive()) {
					subscription.addBalancer(topic, new NatsPartitionBalancer(leaseBucket(), stream, request.group(), topic,
							this.instanceId, topicConsumers));
				}
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
		logger.info("NATS subscription '{}' started", request.id());
		return subscription;
	}

	/** Retries wait on the bus's scheduler (shut down with it), not on a thread of their own. */
	@Override
	protected ScheduledExecutorService retryScheduler() {
		return this.scheduler;
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

	/**
	 * @return {@code <topic><deadLetterSuffix>}, by default {@code <topic>.dlt}, captured by a stream
	 * of its own
	 */
	@Override
	public String deadLetterTopic(String topic) {
		return topic + this.options.deadLetterSuffix();
	}

	/** @return a snapshot of the connection state, for health checks */
	public NatsConnectionStatus connectionStatus() {
		return this.monitor.status(isClosed() ? null : this.connection);
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

	/**
	 * Waits for un-acknowledged publishes within the time left, flushes (acks of the subscriptions
	 * included), closes the connection, then the bus's threads.
	 */
	@Override
	protected void closeTransport(long deadline) {
		this.publisher.close(remaining(deadline));
		Duration flush = remaining(deadline);
		flush = (flush.compareTo(MAX_FLUSH) > 0) ? MAX_FLUSH : (flush.compareTo(MIN_FLUSH) < 0) ? MIN_FLUSH : flush;
		try {
			this.connection.flush(flush);
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
	}

	/**
	 * Fails the build when the server answers no JetStream request, instead of a timeout at the first
	 * subscribe or publish. The server's INFO says whether JetStream is on; when it says not, one account
	 * request settles it (a leaf node may reach JetStream through its hub).
	 */
	private void requireJetStream() {
		io.nats.client.api.ServerInfo info = this.connection.getServerInfo();
		if (info != null && info.isJetStreamAvailable()) {
			return;
		}
		try {
			this.management.getAccountStatistics();
		}
		catch (IOException | JetStreamApiException | RuntimeException ex) {
			String server = ServerUrls.redact(this.connection.getConnectedUrl());
			try {
				this.connection.close();
			}
			catch (InterruptedException interrupted) {
				Thread.currentThread().interrupt();
			}
			shutdownOwnedThreads();
			throw new EventBusException("JetStream is not enabled on " + server + ": start nats-server with -js (or "
					+ "give its configuration a jetstream block), or point eventbus.nats.servers at a server with "
					+ "JetStream. The account request said: " + ServerUrls.redact(ex.getMessage()), ex);
		}
	}

	private void shutdownOwnedThreads() {
		this.scheduler.shutdownNow();
		// Periodic tasks are dropped; a queued CLOSED callback still runs.
		this.maintenance.shutdown();
		this.connects.shutdownNow();
	}

	private void awaitMaintenanceCallbacks() {
		try {
			this.maintenance.awaitTermination(1, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
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

	@Override
	public String toString() {
		return "NatsEventBus{connection=" + this.options.connectionName() + ", subscriptions=" + subscriptions().size()
				+ "}";
	}

	/**
	 * Builds a {@link NatsEventBus}: the shared settings of {@link EventBusBuilder} plus hooks for the
	 * jnats connection options. {@link #build()} rejects bad values naming the setting. Not thread-safe.
	 */
	public static final class Builder extends EventBusBuilder<Builder> {

		private final NatsOptions options;

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

		/**
		 * Connects to NATS.
		 * @return the bus
		 * @throws IllegalArgumentException naming the invalid setting
		 * @throws EventBusException naming the servers when the connection fails
		 */
		@Override
		public NatsEventBus build() {
			return new NatsEventBus(this, settings());
		}

	}

}

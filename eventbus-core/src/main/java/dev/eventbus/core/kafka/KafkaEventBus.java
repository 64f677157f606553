package dev.eventbus.core.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import dev.eventbus.core.api.PublishReceipt;
import dev.eventbus.core.codec.HeaderStyle;
import dev.eventbus.core.codec.WireMessage;
import dev.eventbus.core.keyed.KeyedExecutor;
import dev.eventbus.core.support.AbstractEventBus;
import dev.eventbus.core.support.AbstractSubscription;
import dev.eventbus.core.support.BusSettings;
import dev.eventbus.core.support.EventBusBuilder;
import dev.eventbus.core.support.ServerUrls;
import dev.eventbus.core.support.SubscriptionRequest;
import org.apache.kafka.clients.admin.Admin;
import org.jspecify.annotations.Nullable;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;

/**
 * The Kafka transport: publishes CloudEvents binary-mode records (key = aggregate id, {@code ce_}
 * headers) with one tuned producer, and consumes each subscription with its own consumer and poll
 * thread feeding the shared {@link KeyedExecutor}: per-key order, concurrency beyond the partition
 * count, commits of the highest contiguous finished offset only, pause-and-keep-polling
 * backpressure, retry in the key's lane and dead-lettering to {@code <topic>-dlt} (the suffix is
 * {@link KafkaOptions#deadLetterSuffix()}).
 *
 * <p>Create with {@link #builder(KafkaOptions)}; the builder's factory customizers reach the
 * spring-kafka producer and consumer factories the bus creates (listeners such as the Micrometer
 * ones, post-processors). The common rules (arguments, duplicate subscriptions, publish after close,
 * close under one deadline) are those of {@link AbstractEventBus}.
 *
 * <p>Thread-safe. Threads it owns: {@code eventbus-kafka-consumer-<topic>-<n>} (one per
 * subscription), {@code eventbus-kafka-flusher} (see {@link KafkaProducerOptions#flushMessages()}),
 * and, from the first subscription on, {@code eventbus-kafka-retry} (retry backoff timers) and
 * {@code eventbus-kafka-lag} (lag measurement with the admin client), plus the Kafka clients' own
 * I/O threads. When the constructor fails (a factory customizer or provisioning throws), every
 * client and thread it had started is released before the exception propagates.
 */
public final class KafkaEventBus extends AbstractEventBus {

	/** The transport name. */
	public static final String TRANSPORT = "kafka";

	/**
	 * What {@link #deadLetterTopic(String)} appends to a topic by default: {@value}; see
	 * {@link KafkaOptions#deadLetterSuffix()}.
	 */
	public static final String DEAD_LETTER_SUFFIX = KafkaOptions.DEFAULT_DEAD_LETTER_SUFFIX;

	/** Longest wait for the admin client's pending calls (lag probes) on close. */
	private static final Duration ADMIN_CLOSE_TIMEOUT = Duration.ofSeconds(5);

	private final KafkaOptions options;

	private final KafkaPublisher publisher;

	private final Admin admin;

	private final KafkaTopicProvisioner provisioner;

	private final KafkaTopicReadiness readiness;

	private final Map<String, AtomicInteger> threadNumbers = new ConcurrentHashMap<>();

	/** Numbers the consumers of this bus, so that their {@code client.id}s are unique. */
	private final AtomicInteger consumerNumbers = new AtomicInteger();

	/** Created at the first subscription; guarded by {@code this}. */
	private @Nullable ScheduledExecutorService lagScheduler;

	private KafkaEventBus(Builder builder, BusSettings settings) {
		super(TRANSPORT, HeaderStyle.KAFKA, settings);
		this.options = builder.options.withClientCustomizers(
				new KafkaClientCustomizers(builder.producerFactoryCustomizers, builder.consumerFactoryCustomizers));
		// the producer factory customizers run here: nothing of this bus is running yet if they throw
		this.publisher = new KafkaPublisher(this.options, settings.observer(), settings.shutdownTimeout());
		Admin createdAdmin = null;
		try {
			createdAdmin = Admin.create(KafkaClientFactories.adminConfig(this.options));
			this.admin = createdAdmin;
			this.provisioner = new KafkaTopicProvisioner(createdAdmin, this.options.topics(),
					this.options.deadLetterSuffix(), this.options::tlsFailure);
			this.provisioner.provision(this.options.topics().names());
			this.readiness = new KafkaTopicReadiness(createdAdmin, this.options.producer().maxBlock());
		}
		catch (RuntimeException | Error ex) {
			this.publisher.close(Duration.ZERO);
			if (createdAdmin != null) {
				createdAdmin.close(Duration.ZERO);
			}
			throw ex;
		}
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

	/** @return {@code <topic><deadLetterSuffix>}, by default {@code <topic>-dlt} */
	@Override
	public String deadLetterTopic(String topic) {
		return topic + this.options.deadLetterSuffix();
	}

	@Override
	protected CompletableFuture<PublishReceipt> send(String topic, WireMessage message, String eventId) {
		// the first publish to a topic waits (at most max-block) until its leaders serve it
		this.readiness.awaitServed(topic);
		return this.publisher.send(topic, message, eventId);
	}

	/**
	 * Provisions the topics (and their dead-letter topics), creates the subscription's consumer
	 * (the consumer factory customizers run here, on the subscribing thread), starts its poll thread
	 * and schedules its lag measurement.
	 */
	@Override
	protected AbstractSubscription open(SubscriptionRequest<?> request) {
		this.provisioner.provision(request.topics());
		String label = String.join("+", request.topics());
		int number = this.threadNumbers.computeIfAbsent(label, (key) -> new AtomicInteger()).getAndIncrement();
		KafkaSubscription subscription = new KafkaSubscription(request, this.options, executor(),
				"eventbus-kafka-consumer-" + label + "-" + number, "-" + this.consumerNumbers.incrementAndGet());
		subscription.start();
		long interval = this.options.consumer().lagRefreshInterval().toMillis();
		try {
			subscription.lagTask(lagScheduler().scheduleWithFixedDelay(
					() -> subscription.refreshLag(this.admin, this.options.topics().timeout()), 0, interval,
					TimeUnit.MILLISECONDS));
		}
		catch (RejectedExecutionException ex) {
			// the bus is closing: it closes this subscription as soon as open returns
		}
		return subscription;
	}

	private synchronized ScheduledExecutorService lagScheduler() {
		if (this.lagScheduler == null) {
			this.lagScheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
				Thread thread = new Thread(task, "eventbus-kafka-lag");
				thread.setDaemon(true);
				return thread;
			});
		}
		return this.lagScheduler;
	}

	/**
	 * Flushes pending publishes within what is left of the deadline (whole seconds, rounded up: the
	 * producer's close bound), stops the lag measurement and closes the admin client.
	 */
	@Override
	protected void closeTransport(long deadline) {
		try {
			this.publisher.close(remaining(deadline));
		}
		finally {
			synchronized (this) {
				if (this.lagScheduler != null) {
					this.lagScheduler.shutdownNow();
				}
			}
			Duration adminTimeout = remaining(deadline);
			this.admin.close((adminTimeout.compareTo(ADMIN_CLOSE_TIMEOUT) < 0) ? adminTimeout : ADMIN_CLOSE_TIMEOUT);
		}
	}

	@Override
	public String toString() {
		return "KafkaEventBus{bootstrapServers=" + ServerUrls.redact(this.options.bootstrapServers()) + ", subscriptions="
				+ subscriptions().size() + "}";
	}

	/**
	 * Builds a {@link KafkaEventBus}: the shared settings of {@link EventBusBuilder} plus the Kafka
	 * factory customizers; {@link #build()} rejects bad values naming the setting.
	 */
	public static final class Builder extends EventBusBuilder<Builder> {

		private final KafkaOptions options;

		private final List<Consumer<? super DefaultKafkaProducerFactory<String, byte[]>>> producerFactoryCustomizers =
				new ArrayList<>();

		private final List<Consumer<? super DefaultKafkaConsumerFactory<String, byte[]>>> consumerFactoryCustomizers =
				new ArrayList<>();

		private Builder(KafkaOptions options) {
			this.options = Objects.requireNonNull(options, "kafka options must not be null");
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
		@Override
		public KafkaEventBus build() {
			return new KafkaEventBus(this, settings());
		}

	}

}

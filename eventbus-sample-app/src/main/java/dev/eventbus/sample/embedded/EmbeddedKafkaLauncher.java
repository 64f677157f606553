package dev.eventbus.sample.embedded;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.common.utils.Exit;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.util.StringUtils;

/**
 * Starts a single-node KRaft Kafka broker inside the application before any bean exists, when the
 * transport is Kafka and neither {@code eventbus.kafka.bootstrap-servers} nor
 * {@code spring.kafka.bootstrap-servers} is configured (the default profile), and points the bus at
 * it. The broker keeps its data in a temporary folder that is removed when it stops; it stops after
 * every other bean, so the bus can drain and commit first. Shutdown is ordered bus, broker, folder:
 * the test kit behind the broker registers JVM shutdown hooks that delete its folders, and on Ctrl-C
 * or SIGTERM those would run at the same time as the application's close and pull the log
 * directories from under the running broker ("all log dirs have failed", {@code Exit.halt}). The
 * launcher takes those hooks over and runs them once the broker has stopped (or, should the
 * application never close, from a hook of its own after 10 seconds).
 *
 * <p>Unless the user chose a {@code eventbus.kafka.topics.strategy}, the bus creates its topics
 * ({@code create-only}) before its consumers start, so they do not poll topics that do not exist yet.
 *
 * <p>Settings: {@code eventbus.sample.embedded-kafka.enabled} (default true),
 * {@code eventbus.sample.embedded-kafka.port} (default 0: a free port, logged) and
 * {@code eventbus.sample.embedded-kafka.partitions} (default 6).
 *
 * <p>Registered in {@code META-INF/spring.factories}, so it also works in {@code @SpringBootTest}.
 * One instance per {@code SpringApplication} run; events arrive on the main thread.
 */
public final class EmbeddedKafkaLauncher implements ApplicationListener<ApplicationEvent>, Ordered {

	/** Name of the property source and of the broker's singleton bean. */
	public static final String NAME = "eventbusSampleEmbeddedKafka";

	/** Property holding the embedded broker's bootstrap servers once it runs. */
	public static final String BOOTSTRAP_SERVERS_PROPERTY = "eventbus.sample.embedded-kafka.bootstrap-servers";

	private static final String SYSTEM_PROPERTY = "eventbus.sample.embedded-kafka.system-brokers";

	/** Longest wait of the folder clean-up hook for the application to stop the broker. */
	private static final long CLEANUP_WAIT_SECONDS = 10;

	private static final Log logger = LogFactory.getLog(EmbeddedKafkaLauncher.class);

	/** The broker's folder clean-ups, taken from Kafka's shutdown hooks; run after the broker stopped. */
	private final List<Runnable> cleanups = new CopyOnWriteArrayList<>();

	private final AtomicBoolean cleaned = new AtomicBoolean();

	private final CountDownLatch brokerStopped = new CountDownLatch(1);

	private @Nullable EmbeddedKafkaKraftBroker broker;

	private final AtomicBoolean stopped = new AtomicBoolean();

	@Override
	public void onApplicationEvent(ApplicationEvent event) {
		if (event instanceof ApplicationEnvironmentPreparedEvent prepared) {
			startIfNeeded(prepared.getEnvironment());
		}
		else if (event instanceof ApplicationPreparedEvent prepared && this.broker != null) {
			// Registered first, destroyed last: after the bus has drained and committed.
			if (prepared.getApplicationContext().getBeanFactory() instanceof DefaultListableBeanFactory beanFactory) {
				beanFactory.registerSingleton(NAME, this.broker);
				beanFactory.registerDisposableBean(NAME, this::stop);
			}
		}
		else if (event instanceof ApplicationFailedEvent) {
			stop();
		}
	}

	@Override
	public int getOrder() {
		// After the config data (application.yml and profiles) has been loaded.
		return Ordered.LOWEST_PRECEDENCE - 10;
	}

	private void startIfNeeded(ConfigurableEnvironment environment) {
		if (this.broker != null || !environment.getProperty("eventbus.sample.embedded-kafka.enabled", Boolean.class, true)) {
			return;
		}
		String transport = environment.getProperty("eventbus.transport", "kafka");
		if (!"kafka".equalsIgnoreCase(transport.trim()) || hasBootstrapServers(environment)) {
			return;
		}
		int port = environment.getProperty("eventbus.sample.embedded-kafka.port", Integer.class, 0);
		int partitions = environment.getProperty("eventbus.sample.embedded-kafka.partitions", Integer.class, 6);
		if (port < 0 || port > 65535) {
			throw new IllegalArgumentException(
					"eventbus.sample.embedded-kafka.port must be between 0 (a free port) and 65535 but was " + port);
		}
		if (partitions < 1) {
			throw new IllegalArgumentException(
					"eventbus.sample.embedded-kafka.partitions must be at least 1 but was " + partitions);
		}
		long start = System.nanoTime();
		EmbeddedKafkaKraftBroker embedded = new EmbeddedKafkaKraftBroker(1, partitions);
		// The broker publishes its address as a JVM-wide system property, by default
		// spring.kafka.bootstrap-servers, which would outlive it and point later applications in this
		// JVM (tests) at a stopped broker: use a private name, cleared on stop.
		embedded.brokerListProperty(SYSTEM_PROPERTY);
		embedded.kafkaPorts(port);
		embedded.brokerProperty("auto.create.topics.enable", "true");
		embedded.brokerProperty("group.initial.rebalance.delay.ms", "0");
		// One partition for the group offsets (Kafka's default is 50): the few groups of a dev broker need no
		// more, it is loaded before the first group joins, and a stop right after start does not interrupt
		// the loading of 50 partitions (which logs ERROR "Failed to load metadata from __consumer_offsets-N").
		embedded.brokerProperty("offsets.topic.num.partitions", "1");
		Exit.setShutdownHookAdder((name, hook) -> this.cleanups.add(hook));
		try {
			embedded.afterPropertiesSet();
		}
		finally {
			Exit.resetShutdownHookAdder();
		}
		this.broker = embedded;
		Runtime.getRuntime().addShutdownHook(new Thread(this::cleanUpAfterStop, "embedded-kafka-cleanup"));
		String bootstrapServers = embedded.getBrokersAsString();
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("eventbus.kafka.bootstrap-servers", bootstrapServers);
		properties.put(BOOTSTRAP_SERVERS_PROPERTY, bootstrapServers);
		if (!environment.containsProperty("eventbus.kafka.topics.strategy")) {
			properties.put("eventbus.kafka.topics.strategy", "create-only");
		}
		environment.getPropertySources().addFirst(new MapPropertySource(NAME, properties));
		logger.info("Embedded KRaft Kafka broker started in " + (System.nanoTime() - start) / 1_000_000
				+ " ms on " + bootstrapServers + " (" + partitions
				+ " partitions per auto-created topic, data in a temporary folder removed on shutdown). "
				+ "Use the 'kafka' profile to connect to a real broker instead.");
	}

	/** Whether the user points the bus at a broker (as a comma-separated value or a YAML list). */
	private static boolean hasBootstrapServers(ConfigurableEnvironment environment) {
		Binder binder = Binder.get(environment);
		for (String name : new String[] { "eventbus.kafka.bootstrap-servers", "spring.kafka.bootstrap-servers" }) {
			List<String> servers = binder.bind(name, Bindable.listOf(String.class)).orElse(List.of());
			if (servers.stream().anyMatch(StringUtils::hasText)) {
				return true;
			}
		}
		return false;
	}

	private void stop() {
		EmbeddedKafkaKraftBroker embedded = this.broker;
		if (embedded != null && this.stopped.compareAndSet(false, true)) {
			logger.info("Stopping the embedded Kafka broker on " + embedded.getBrokersAsString());
			try {
				embedded.destroy();
			}
			finally {
				System.clearProperty(SYSTEM_PROPERTY);
				System.clearProperty(EmbeddedKafkaBroker.SPRING_EMBEDDED_KAFKA_BROKERS);
				this.brokerStopped.countDown();
				cleanUp();
			}
		}
	}

	/** JVM shutdown hook: the folders go only after the broker stopped (the application closes it). */
	private void cleanUpAfterStop() {
		try {
			if (!this.brokerStopped.await(CLEANUP_WAIT_SECONDS, TimeUnit.SECONDS)) {
				logger.warn("The embedded Kafka broker was not stopped within " + CLEANUP_WAIT_SECONDS
						+ " s of the JVM's shutdown; removing its temporary folder anyway");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		cleanUp();
	}

	private void cleanUp() {
		if (this.cleaned.compareAndSet(false, true)) {
			for (Runnable cleanup : this.cleanups) {
				try {
					cleanup.run();
				}
				catch (RuntimeException ex) {
					logger.debug("Could not remove a temporary folder of the embedded Kafka broker", ex);
				}
			}
		}
	}

}

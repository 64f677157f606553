package dev.eventbus.test.broker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import dev.eventbus.core.kafka.KafkaConsumerOptions;
import dev.eventbus.core.kafka.KafkaGroupProtocol;
import dev.eventbus.core.kafka.KafkaOptions;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import static org.awaitility.Awaitility.await;

/**
 * An in-JVM KRaft broker (spring-kafka-test) for one test class, with small internal topics so it
 * starts fast on two cores, and helpers for unique topic names, topics whose leaders are ready,
 * bus options with short timeouts, and raw reads. The broker's address is published under a
 * private system property ({@link #BROKER_LIST_PROPERTY}, cleared on {@link #close()}), not
 * spring-kafka-test's default {@code spring.kafka.bootstrap-servers}, so that it does not leak into
 * later Spring applications of the same test JVM.
 *
 * <pre>{@code
 * static KafkaTestBroker broker = KafkaTestBroker.start();
 * KafkaEventBus bus = KafkaEventBus.builder(broker.options().build()).build();
 * }</pre>
 */
public final class KafkaTestBroker implements AutoCloseable {

	/** System property the embedded broker publishes its address under (spring-kafka-test's brokerListProperty). */
	public static final String BROKER_LIST_PROPERTY = "eventbus.test.kafka-test-broker.bootstrap-servers";

	private static final AtomicInteger TOPICS = new AtomicInteger();

	private final EmbeddedKafkaKraftBroker broker;

	private KafkaTestBroker(EmbeddedKafkaKraftBroker broker) {
		this.broker = broker;
	}

	public static KafkaTestBroker start() {
		return start(Map.of());
	}

	public static KafkaTestBroker start(Map<String, String> extraProperties) {
		Map<String, String> properties = new HashMap<>();
		properties.put("offsets.topic.num.partitions", "3");
		properties.put("offsets.topic.replication.factor", "1");
		properties.put("transaction.state.log.num.partitions", "1");
		properties.put("group.initial.rebalance.delay.ms", "0");
		properties.put("auto.create.topics.enable", "true");
		properties.put("num.partitions", "3");
		properties.putAll(extraProperties);
		EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 3);
		broker.brokerProperties(properties);
		broker.brokerListProperty(BROKER_LIST_PROPERTY);
		broker.afterPropertiesSet();
		return new KafkaTestBroker(broker);
	}

	public String bootstrapServers() {
		return this.broker.getBrokersAsString();
	}

	public EmbeddedKafkaKraftBroker embedded() {
		return this.broker;
	}

	/** @return a topic name no other test uses */
	public static String uniqueTopic(String prefix) {
		return prefix + "-" + TOPICS.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

	/** Creates a topic and its dead-letter topic. */
	public String createTopic(String prefix, int partitions) {
		String topic = uniqueTopic(prefix);
		addTopic(topic, partitions);
		return topic;
	}

	/**
	 * Creates a topic of the given name and its dead-letter topic ({@code <topic>-dlt}, one partition),
	 * and waits until their leaders serve them.
	 * @param topic the topic's name
	 * @param partitions its partition count
	 */
	public void addTopic(String topic, int partitions) {
		this.broker.addTopics(new NewTopic(topic, partitions, (short) 1),
				new NewTopic(topic + "-dlt", 1, (short) 1));
		awaitLeaders(topic, partitions);
	}

	/**
	 * Waits until every partition has a leader: publishing into a partition whose leader is not
	 * ready yet can leave the idempotent producer retrying an out-of-order sequence until its
	 * delivery timeout (a client/broker behaviour, not the bus's).
	 */
	public void awaitLeaders(String topic, int partitions) {
		try (Admin admin = admin()) {
			await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
				var description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
				if (description.partitions().size() != partitions
						|| !description.partitions().stream().allMatch((info) -> info.leader() != null)) {
					return false;
				}
				// listing offsets is served by the leader itself: it fails until the leader serves the partition
				Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
				description.partitions()
					.forEach((info) -> latest.put(new TopicPartition(topic, info.partition()), OffsetSpec.latest()));
				admin.listOffsets(latest).all().get();
				return true;
			});
		}
	}

	public Admin admin() {
		return Admin.create(Map.of("bootstrap.servers", bootstrapServers()));
	}

	/** Test options: defaults with short timeouts and a fast fetch so tests do not wait on fetch.min.bytes. */
	public KafkaOptions.Builder options() {
		return KafkaOptions.builder()
			.bootstrapServers(bootstrapServers())
			.consumer(KafkaConsumerOptions.builder()
				.fetchMinBytes(1)
				.fetchMaxWait(Duration.ofMillis(100))
				.commitInterval(Duration.ofMillis(100))
				.lagRefreshInterval(Duration.ofMillis(500))
				.sessionTimeout(Duration.ofSeconds(10))
				.heartbeatInterval(Duration.ofSeconds(1))
				.build());
	}

	/**
	 * Test options ({@link #options()}) whose consumers speak the given group protocol. With
	 * {@link KafkaGroupProtocol#CONSUMER} the classic-only session timeout and heartbeat interval are
	 * unset again: the broker owns them (start the broker with low {@code group.consumer.*} bounds).
	 * @param groupProtocol the consumers' group protocol
	 * @return the options' builder
	 */
	public KafkaOptions.Builder options(KafkaGroupProtocol groupProtocol) {
		KafkaOptions options = options().build();
		KafkaConsumerOptions.Builder consumer = options.consumer().toBuilder().groupProtocol(groupProtocol);
		if (groupProtocol == KafkaGroupProtocol.CONSUMER) {
			consumer.sessionTimeout(null).heartbeatInterval(null);
		}
		return options.toBuilder().consumer(consumer.build());
	}

	/** Reads every record of a topic currently available (until {@code expected} arrived). */
	public List<ConsumerRecord<String, byte[]>> readAll(String topic, int expected) {
		Map<String, Object> config = new HashMap<>();
		config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
		config.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
		config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
		List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
		try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
				new ByteArrayDeserializer())) {
			consumer.subscribe(List.of(topic));
			await().atMost(Duration.ofSeconds(30)).until(() -> {
				consumer.poll(Duration.ofMillis(200)).forEach(records::add);
				return records.size() >= expected;
			});
		}
		return records;
	}

	@Override
	public void close() {
		String address = bootstrapServers();
		this.broker.destroy();
		System.clearProperty(BROKER_LIST_PROPERTY);
		if (address.equals(System.getProperty(EmbeddedKafkaBroker.SPRING_EMBEDDED_KAFKA_BROKERS))) {
			// always published by spring-kafka-test; cleared when it is still this broker's address
			System.clearProperty(EmbeddedKafkaBroker.SPRING_EMBEDDED_KAFKA_BROKERS);
		}
	}

}

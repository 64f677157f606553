package dev.eventbus.benchmark.kafka;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The in-JVM KRaft broker (spring-kafka-test) the Kafka benchmarks run against: one node, small
 * offsets topic, no initial rebalance delay; its address is published under a private system
 * property rather than spring-kafka-test's default {@code spring.kafka.bootstrap-servers}. Topics are
 * added with {@link #addTopic(String, int)}, which waits until every partition's leader serves it.
 */
final class KafkaBenchmarkBroker implements AutoCloseable {

	private final EmbeddedKafkaKraftBroker broker;

	private KafkaBenchmarkBroker(EmbeddedKafkaKraftBroker broker) {
		this.broker = broker;
	}

	/**
	 * @param partitions default partition count of the broker's topics
	 * @return the started broker
	 */
	static KafkaBenchmarkBroker start(int partitions) {
		Map<String, String> brokerProperties = new HashMap<>();
		brokerProperties.put("offsets.topic.num.partitions", "3");
		brokerProperties.put("group.initial.rebalance.delay.ms", "0");
		EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, partitions);
		broker.brokerProperties(brokerProperties);
		broker.brokerListProperty("eventbus.benchmark.kafka.bootstrap-servers");
		broker.afterPropertiesSet();
		return new KafkaBenchmarkBroker(broker);
	}

	String bootstrapServers() {
		return this.broker.getBrokersAsString();
	}

	/**
	 * Creates a topic and waits until every partition's leader serves it: publishing before that can
	 * leave the idempotent producer retrying an out-of-order sequence until its delivery timeout.
	 * @param topic the topic's name
	 * @param partitions its partition count
	 * @throws IllegalStateException when a partition has no serving leader after 30 s
	 */
	void addTopic(String topic, int partitions) {
		this.broker.addTopics(new NewTopic(topic, partitions, (short) 1));
		this.broker.doWithAdmin((admin) -> {
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
			while (System.nanoTime() < deadline) {
				try {
					var description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
					if (description.partitions().stream().allMatch((info) -> info.leader() != null)) {
						// the leader must also serve the partition: list offsets goes to the leader itself
						Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
						description.partitions()
							.forEach((info) -> latest.put(new TopicPartition(topic, info.partition()), OffsetSpec.latest()));
						admin.listOffsets(latest).all().get();
						return;
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IllegalStateException("interrupted while waiting for the leaders of " + topic, ex);
				}
				catch (Exception ex) {
					// not ready yet: retry
				}
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
			}
			throw new IllegalStateException("partitions of " + topic + " have no serving leader after 30 s");
		});
	}

	@Override
	public void close() {
		this.broker.destroy();
	}

}

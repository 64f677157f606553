package dev.eventbus.core.kafka;

import dev.eventbus.test.broker.KafkaTestBroker;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.eventbus.core.api.EventBusException;
import dev.eventbus.core.api.SubscriptionOptions;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

class KafkaTopicProvisioningTest {

	static KafkaTestBroker broker;

	@BeforeAll
	static void startBroker() {
		broker = KafkaTestBroker.start(Map.of("auto.create.topics.enable", "false"));
	}

	@AfterAll
	static void stopBroker() {
		broker.close();
	}

	private static KafkaOptions options(KafkaTopicOptions topics) {
		return broker.options().topics(topics).build();
	}

	@Test
	void createOnlyCreatesTopicsAndDeadLetterTopicsWithPartitionsRetentionAndCompression() throws Exception {
		String topic = KafkaTestBroker.uniqueTopic("create");
		KafkaTopicOptions topics = KafkaTopicOptions.builder()
			.strategy(KafkaTopicOptions.Strategy.CREATE_ONLY)
			.partitions(4)
			.retention(Duration.ofHours(6))
			.compression(KafkaCompression.ZSTD)
			.names(List.of(topic))
			.build();
		try (KafkaEventBus bus = KafkaEventBus.builder(options(topics)).build(); Admin admin = broker.admin()) {
			// topic metadata reaches the broker's cache shortly after the controller created it
			await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
				Map<String, TopicDescription> descriptions = admin.describeTopics(List.of(topic, topic + "-dlt"))
					.allTopicNames()
					.get();
				assertThat(descriptions.get(topic).partitions()).hasSize(4);
				assertThat(descriptions.get(topic + "-dlt").partitions()).hasSize(4);
				Config config = topicConfig(admin, topic);
				assertThat(config.get("retention.ms").value()).isEqualTo(Long.toString(Duration.ofHours(6).toMillis()));
				assertThat(config.get("compression.type").value()).isEqualTo("zstd");
			});
		}
	}

	@Test
	void subscribingProvisionsTheSubscribedTopic() throws Exception {
		String topic = KafkaTestBroker.uniqueTopic("on-subscribe");
		KafkaTopicOptions topics = KafkaTopicOptions.builder()
			.strategy(KafkaTopicOptions.Strategy.CREATE_ONLY)
			.partitions(2)
			.build();
		try (KafkaEventBus bus = KafkaEventBus.builder(options(topics)).build(); Admin admin = broker.admin()) {
			bus.subscribe(topic, String.class, SubscriptionOptions.of("g"), (envelope, context) -> {
			});
			assertThat(admin.listTopics().names().get()).contains(topic, topic + "-dlt");
		}
	}

	@Test
	void createOrUpdateRaisesPartitionsAndSetsRetentionOfExistingTopics() throws Exception {
		String topic = KafkaTestBroker.uniqueTopic("update");
		broker.embedded().addTopics(new NewTopic(topic, 2, (short) 1));
		broker.awaitLeaders(topic, 2);
		KafkaTopicOptions topics = KafkaTopicOptions.builder()
			.strategy(KafkaTopicOptions.Strategy.CREATE_OR_UPDATE)
			.partitions(5)
			.retention(Duration.ofDays(2))
			.deadLetterTopics(false)
			.names(List.of(topic))
			.build();
		try (KafkaEventBus bus = KafkaEventBus.builder(options(topics)).build(); Admin admin = broker.admin()) {
			await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
				assertThat(admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions())
					.hasSize(5);
				assertThat(topicConfig(admin, topic).get("retention.ms").value())
					.isEqualTo(Long.toString(Duration.ofDays(2).toMillis()));
			});
			assertThat(admin.listTopics().names().get()).doesNotContain(topic + "-dlt");
		}
	}

	@Test
	void validateFailsStartUpListingMissingTopicsAndDifferingSettings() {
		String missing = KafkaTestBroker.uniqueTopic("missing");
		String small = KafkaTestBroker.uniqueTopic("small");
		broker.embedded().addTopics(new NewTopic(small, 1, (short) 1), new NewTopic(small + "-dlt", 3, (short) 1));
		KafkaTopicOptions topics = KafkaTopicOptions.builder()
			.strategy(KafkaTopicOptions.Strategy.VALIDATE)
			.partitions(3)
			.names(List.of(missing, small))
			.build();
		assertThatExceptionOfType(EventBusException.class)
			.isThrownBy(() -> KafkaEventBus.builder(options(topics)).build())
			.withMessageContaining("topic '" + missing + "' does not exist")
			.withMessageContaining("topic '" + missing + "-dlt' does not exist")
			.withMessageContaining("topic '" + small + "' has 1 partitions, eventbus.kafka.topics.partitions wants at least 3")
			.withMessageNotContaining("topic '" + small + "-dlt' has")
			.withMessageContaining("kafka.topics.strategy");
	}

	private static Config topicConfig(Admin admin, String topic) throws Exception {
		return admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, topic)))
			.all()
			.get()
			.values()
			.iterator()
			.next();
	}

	@Test
	void skipLeavesTopicsAlone() throws Exception {
		String topic = KafkaTestBroker.uniqueTopic("skip");
		KafkaTopicOptions topics = KafkaTopicOptions.builder().names(List.of(topic)).build();
		try (KafkaEventBus bus = KafkaEventBus.builder(options(topics)).build(); Admin admin = broker.admin()) {
			assertThat(admin.listTopics().names().get()).doesNotContain(topic);
		}
	}

}

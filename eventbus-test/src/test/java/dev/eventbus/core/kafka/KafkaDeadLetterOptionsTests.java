package dev.eventbus.core.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.eventbus.core.api.DeadLetterRecord;
import dev.eventbus.core.api.RetryPolicy;
import dev.eventbus.core.api.SubscriptionOptions;
import dev.eventbus.test.broker.KafkaTestBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Dead letters on Kafka: a configured {@link KafkaOptions#deadLetterSuffix()} names the dead-letter
 * topic everywhere ({@code deadLetterTopic}, provisioning, the dead letters themselves), and the
 * default suffix is {@code -dlt}. That a failure retrying cannot fix is dead-lettered after one
 * attempt with reason {@code fatal} is every transport's promise: the contract kit asserts it
 * ({@code EventBusContractTests}).
 */
class KafkaDeadLetterOptionsTests {

	static KafkaTestBroker broker;

	record Order(String id) {
	}

	@BeforeAll
	static void startBroker() {
		broker = KafkaTestBroker.start(Map.of("auto.create.topics.enable", "false"));
	}

	@AfterAll
	static void stopBroker() {
		broker.close();
	}

	@Test
	void deadLettersGoToTheTopicNamedByTheConfiguredSuffixWhichIsProvisioned() throws Exception {
		String topic = KafkaTestBroker.uniqueTopic("suffix");
		KafkaOptions options = broker.options()
			.deadLetterSuffix(".dead")
			.topics(KafkaTopicOptions.builder().strategy(KafkaTopicOptions.Strategy.CREATE_ONLY).partitions(1).build())
			.build();
		List<String> attempts = new CopyOnWriteArrayList<>();
		try (KafkaEventBus bus = KafkaEventBus.builder(options).build(); Admin admin = broker.admin()) {
			assertThat(bus.deadLetterTopic(topic)).isEqualTo(topic + ".dead");
			bus.subscribe(topic, Order.class,
					SubscriptionOptions.builder("billing")
						.retryPolicy(RetryPolicy.builder().maxAttempts(2).initialBackoff(Duration.ofMillis(10)).build())
						.build(),
					(envelope, context) -> {
						attempts.add(envelope.aggregateId() + "#" + context.attempt());
						throw new IllegalStateException("always fails");
					});
			assertThat(admin.listTopics().names().get()).contains(topic, topic + ".dead")
				.doesNotContain(topic + "-dlt");

			bus.publishEvent(topic, "o-1", new Order("o-1")).join();

			List<ConsumerRecord<String, byte[]>> dead = broker.readAll(topic + ".dead", 1);
			assertThat(dead).singleElement().satisfies((record) -> {
				assertThat(record.key()).isEqualTo("o-1");
				assertThat(header(record, DeadLetterRecord.HEADER_ORIGINAL_TOPIC)).isEqualTo(topic);
				assertThat(header(record, DeadLetterRecord.HEADER_REASON)).isEqualTo(DeadLetterRecord.REASON_FAILED);
			});
			await().atMost(Duration.ofSeconds(10)).until(() -> attempts.size() == 2);
			assertThat(attempts).containsExactly("o-1#1", "o-1#2");
		}
	}

	@Test
	void theDefaultSuffixIsDashDlt() {
		KafkaOptions options = broker.options().build();
		assertThat(options.deadLetterSuffix()).isEqualTo(KafkaOptions.DEFAULT_DEAD_LETTER_SUFFIX).isEqualTo("-dlt");
		try (KafkaEventBus bus = KafkaEventBus.builder(options).build()) {
			assertThat(bus.deadLetterTopic("orders")).isEqualTo("orders-dlt");
		}
	}

	private static String header(ConsumerRecord<String, byte[]> record, String name) {
		Header header = record.headers().lastHeader(name);
		return (header != null) ? new String(header.value(), StandardCharsets.UTF_8) : null;
	}

}

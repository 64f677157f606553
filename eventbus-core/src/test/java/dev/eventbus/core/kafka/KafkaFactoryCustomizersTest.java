package dev.eventbus.core.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.ProducerFactory;

import dev.eventbus.core.api.EventBusException;
import dev.eventbus.core.api.Subscription;
import dev.eventbus.core.api.SubscriptionOptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.awaitility.Awaitility.await;

/**
 * The bus's factory customizers reach the factories it creates, in order, before the clients exist.
 * No broker is needed: clients are created without connecting and nothing is provisioned.
 */
class KafkaFactoryCustomizersTest {

	private static final KafkaOptions UNREACHABLE = KafkaOptions.of("127.0.0.1:1");

	@Test
	void producerFactoryCustomizersRunInOrderBeforeTheProducerIsCreated() {
		List<String> events = new CopyOnWriteArrayList<>();
		KafkaEventBus.Builder builder = KafkaEventBus.builder(UNREACHABLE).shutdownTimeout(Duration.ofSeconds(1))
			.producerFactoryCustomizer((factory) -> {
				events.add("first " + factory.getConfigurationProperties().get(ProducerConfig.CLIENT_ID_CONFIG));
				factory.addListener(new ProducerFactory.Listener<>() {

					@Override
					public void producerAdded(String id, Producer<String, byte[]> producer) {
						events.add("created " + id);
					}

				});
			})
			.producerFactoryCustomizer((factory) -> {
				events.add("second");
				factory.updateConfigs(Map.of(ProducerConfig.CLIENT_ID_CONFIG, "billing-producer"));
			});
		try (KafkaEventBus bus = builder.build()) {
			assertThat(events).containsExactly("first eventbus-producer", "second",
					"created " + KafkaClientFactories.PRODUCER_FACTORY_NAME + ".billing-producer-1");
			assertThat(bus.options().bootstrapServers()).containsExactly("127.0.0.1:1");
		}
	}

	@Test
	void consumerFactoryCustomizersRunForEverySubscriptionBeforeItsConsumerIsCreated() {
		List<String> events = new CopyOnWriteArrayList<>();
		KafkaEventBus.Builder builder = KafkaEventBus.builder(UNREACHABLE).shutdownTimeout(Duration.ofSeconds(1))
			.consumerFactoryCustomizer((factory) -> {
				events.add("first " + factory.getConfigurationProperties().get(ConsumerConfig.GROUP_ID_CONFIG));
				factory.addListener(new ConsumerFactory.Listener<>() {

					@Override
					public void consumerAdded(String id, Consumer<String, byte[]> consumer) {
						events.add("created " + id);
					}

				});
			})
			.consumerFactoryCustomizer((factory) -> factory
				.updateConfigs(Map.of(ConsumerConfig.CLIENT_ID_CONFIG, "custom-" + factory.getConfigurationProperties()
					.get(ConsumerConfig.GROUP_ID_CONFIG))));
		try (KafkaEventBus bus = builder.build()) {
			assertThat(events).isEmpty();
			Subscription billing = bus.subscribe("customized-a", String.class, SubscriptionOptions.of("billing"),
					(event, context) -> {
					});
			Subscription audit = bus.subscribe("customized-b", String.class, SubscriptionOptions.of("audit"),
					(event, context) -> {
					});
			assertThat(events).containsExactly("first billing",
					"created " + KafkaClientFactories.CONSUMER_FACTORY_NAME + ".custom-billing-1", "first audit",
					"created " + KafkaClientFactories.CONSUMER_FACTORY_NAME + ".custom-audit-2");
			billing.close(Duration.ofSeconds(1));
			audit.close(Duration.ofSeconds(1));
		}
	}

	@Test
	void optionsBuiltByAUserCarryNoCustomizersAndNullIsRejected() {
		assertThat(UNREACHABLE.clientCustomizers()).isSameAs(KafkaClientCustomizers.NONE);
		assertThatNullPointerException()
			.isThrownBy(() -> KafkaEventBus.builder(UNREACHABLE).producerFactoryCustomizer(null))
			.withMessageContaining("producerFactoryCustomizer");
		assertThatNullPointerException()
			.isThrownBy(() -> KafkaEventBus.builder(UNREACHABLE).consumerFactoryCustomizer(null))
			.withMessageContaining("consumerFactoryCustomizer");
	}

	@Test
	void aProducerFactoryCustomizerThatThrowsFailsTheBuildAndLeavesNoThreadOfTheBusRunning() {
		Set<Thread> before = Thread.getAllStackTraces().keySet();
		KafkaEventBus.Builder builder = KafkaEventBus.builder(UNREACHABLE.toBuilder()
			.producer(KafkaProducerOptions.builder().flushMessages(10).build())
			.build()).producerFactoryCustomizer((factory) -> {
				throw new IllegalStateException("customizer broke");
			});
		assertThatIllegalStateException().isThrownBy(builder::build).withMessage("customizer broke");
		assertNoNewClientThreads(before);
	}

	@Test
	void provisioningThatFailsInTheConstructorClosesTheProducerAndAdminClientsAndStartsNoBusThread() {
		Set<Thread> before = Thread.getAllStackTraces().keySet();
		KafkaEventBus.Builder builder = KafkaEventBus.builder(UNREACHABLE.toBuilder()
			.producer(KafkaProducerOptions.builder().flushMessages(10).build())
			.topics(KafkaTopicOptions.builder()
				.strategy(KafkaTopicOptions.Strategy.CREATE_ONLY)
				.names(List.of("never-provisioned"))
				.timeout(Duration.ofMillis(500))
				.build())
			.build());
		assertThatExceptionOfType(EventBusException.class).isThrownBy(builder::build)
			.withMessageContaining("never-provisioned");
		assertNoNewClientThreads(before);
	}

	private static void assertNoNewClientThreads(Set<Thread> before) {
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> !before.contains(thread) && thread.isAlive())
			.map(Thread::getName)
			.filter((name) -> name.startsWith("eventbus-") || name.startsWith("kafka-"))
			.collect(Collectors.toSet())).isEmpty());
	}

}

package dev.eventbus.autoconfigure.kafka;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;

import dev.eventbus.autoconfigure.EventBusAutoConfiguration;
import dev.eventbus.autoconfigure.EventBusComponents;
import dev.eventbus.autoconfigure.EventBusConfigurationException;
import dev.eventbus.autoconfigure.EventBusMemoryAutoConfiguration;
import dev.eventbus.autoconfigure.EventBusTransportProbe;
import dev.eventbus.autoconfigure.ScenarioEnvironmentPostProcessor;
import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.api.Subscription;
import dev.eventbus.core.api.SubscriptionOptions;
import dev.eventbus.core.kafka.KafkaEventBus;
import dev.eventbus.core.kafka.KafkaOptions;
import dev.eventbus.core.memory.MemoryEventBus;

import static org.assertj.core.api.Assertions.assertThat;

class EventBusKafkaAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EventBusMemoryAutoConfiguration.class,
				EventBusKafkaAutoConfiguration.class, EventBusAutoConfiguration.class))
		.withInitializer((context) -> ScenarioEnvironmentPostProcessor.apply(context.getEnvironment()))
		.withPropertyValues("spring.application.name=kafka-config", "eventbus.executor.workers=2",
				"eventbus.shutdown-timeout=1s", "eventbus.executor.shutdown-timeout=1s");

	@Test
	void kafkaTransportBuildsAKafkaBusFromTheTunedOptionsWithoutExposingSpringKafkaBeans() {
		this.runner
			.withPropertyValues("eventbus.transport=kafka", "eventbus.kafka.bootstrap-servers=127.0.0.1:19092",
					"eventbus.scenario=low-latency", "eventbus.kafka.producer.max-in-flight=1")
			.run((context) -> {
				assertThat(EventBusComponents.unwrap(context.getBean(EventBus.class)))
					.isInstanceOf(KafkaEventBus.class);
				KafkaOptions options = context.getBean(KafkaOptions.class);
				assertThat(options.bootstrapServers()).containsExactly("127.0.0.1:19092");
				assertThat(options.producer().acks()).isEqualTo("1");
				assertThat(options.consumer().fetchMinBytes()).isEqualTo(1);
				assertThat(context.getBean("eventBusTransportProbe")).isInstanceOf(KafkaTransportProbe.class);
				assertThat(context).doesNotHaveBean(ProducerFactory.class)
					.doesNotHaveBean(ConsumerFactory.class)
					.doesNotHaveBean(KafkaTemplate.class)
					.doesNotHaveBean(MemoryEventBus.class);
			});
	}

	@Test
	void optionsCustomizersAreAppliedInOrder() {
		this.runner
			.withPropertyValues("eventbus.transport=kafka", "eventbus.kafka.bootstrap-servers=127.0.0.1:19092")
			.withUserConfiguration(Customizers.class)
			.run((context) -> assertThat(context.getBean(KafkaOptions.class).clientId()).isEqualTo("second"));
	}

	@Test
	void factoryCustomizersAreAppliedInOrderBeforeTheClientsAreCreated() {
		this.runner
			.withPropertyValues("eventbus.transport=kafka", "eventbus.kafka.bootstrap-servers=127.0.0.1:19092")
			.withUserConfiguration(FactoryCustomizers.class)
			.run((context) -> {
				FactoryCustomizers customizers = context.getBean(FactoryCustomizers.class);
				assertThat(customizers.producerFactories).hasSize(1);
				assertThat(customizers.producerFactories.get(0).getConfigurationProperties())
					.containsEntry("metadata.max.age.ms", "20000")
					.containsEntry("bootstrap.servers", "127.0.0.1:19092");
				assertThat(customizers.producers).containsExactly("second-producer-1");

				try (Subscription subscription = context.getBean(EventBus.class)
					.subscribe("customized-orders", String.class, SubscriptionOptions.of("billing"), (event, eventContext) -> {
					})) {
					assertThat(customizers.consumerFactories).hasSize(1);
					assertThat(customizers.consumerFactories.get(0).getConfigurationProperties())
						.containsEntry("group.id", "billing")
						.containsEntry("metadata.max.age.ms", "20000");
					assertThat(customizers.consumers).containsExactly("second-consumer-1");
				}
			});
	}

	@Test
	void kafkaIsNotConfiguredForAnotherTransport() {
		this.runner.withPropertyValues("eventbus.kafka.bootstrap-servers=127.0.0.1:19092").run((context) -> {
			assertThat(context).doesNotHaveBean(KafkaOptions.class);
			assertThat(EventBusComponents.unwrap(context.getBean(EventBus.class))).isInstanceOf(MemoryEventBus.class);
		});
	}

	@Test
	void withoutSpringKafkaTheSelectedTransportFailsNamingTheDependency() {
		this.runner.withPropertyValues("eventbus.transport=kafka", "eventbus.kafka.bootstrap-servers=127.0.0.1:19092")
			.withClassLoader(new FilteredClassLoader("org.springframework.kafka"))
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(EventBusConfigurationException.class)
					.hasMessageContaining("'kafka'");
				assertThat(((EventBusConfigurationException) rootCause(context.getStartupFailure())).action())
					.contains("org.springframework.kafka:spring-kafka");
			});
	}

	@Test
	void kafkaWithoutBootstrapServersFailsNamingTheProperty() {
		this.runner.withPropertyValues("eventbus.transport=kafka").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("eventbus.kafka.bootstrap-servers");
			assertThat(analysis.getAction()).contains("eventbus.kafka.bootstrap-servers=localhost:9092");
		});
	}

	@Test
	void contradictionsFailStartUpWithTheFix() {
		this.runner
			.withPropertyValues("eventbus.transport=kafka", "eventbus.kafka.bootstrap-servers=127.0.0.1:19092",
					"eventbus.scenario=high-throughput", "eventbus.kafka.producer.idempotence=true")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("eventbus.kafka.producer.idempotence")
					.contains("acks is '1'");
				assertThat(analysis.getAction()).contains("eventbus.kafka.producer.acks=all");
			});
	}

	@Test
	void userDefinedBusAndProbeMakeTheKafkaBeansBackOff() {
		this.runner
			.withPropertyValues("eventbus.transport=kafka", "eventbus.kafka.bootstrap-servers=127.0.0.1:19092")
			.withUserConfiguration(UserBus.class)
			.run((context) -> {
				assertThat(context.getBean(EventBus.class)).isSameAs(context.getBean("userBus"));
				assertThat(context.getBean("eventBusTransportProbe")).isSameAs(context.getBean(UserBus.class).probe);
			});
	}

	private static FailureAnalysis analyze(Throwable failure) {
		FailureAnalysis analysis = new TestAnalyzer().analyze(failure);
		assertThat(analysis).as("failure analysis of " + failure).isNotNull();
		return analysis;
	}

	private static Throwable rootCause(Throwable failure) {
		Throwable cause = failure;
		while (cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

	static class TestAnalyzer extends org.springframework.boot.diagnostics.AbstractFailureAnalyzer<EventBusConfigurationException> {

		@Override
		protected FailureAnalysis analyze(Throwable rootFailure, EventBusConfigurationException cause) {
			return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Customizers {

		@Bean
		@org.springframework.core.annotation.Order(2)
		EventBusKafkaOptionsCustomizer second() {
			return (options) -> options.clientId("second");
		}

		@Bean
		@org.springframework.core.annotation.Order(1)
		EventBusKafkaOptionsCustomizer first() {
			return (options) -> options.clientId("first");
		}

	}

	/**
	 * The first customizer sets a client id and registers listeners that see the clients being
	 * created; the second overrides the client id, so the clients carry it only if both ran, in order,
	 * before the clients were created.
	 */
	@Configuration(proxyBeanMethods = false)
	static class FactoryCustomizers {

		final List<DefaultKafkaProducerFactory<String, byte[]>> producerFactories = new CopyOnWriteArrayList<>();

		final List<DefaultKafkaConsumerFactory<String, byte[]>> consumerFactories = new CopyOnWriteArrayList<>();

		final List<String> producers = new CopyOnWriteArrayList<>();

		final List<String> consumers = new CopyOnWriteArrayList<>();

		@Bean
		@org.springframework.core.annotation.Order(2)
		EventBusKafkaProducerFactoryCustomizer secondProducerCustomizer() {
			return (factory) -> factory.updateConfigs(Map.of(ProducerConfig.CLIENT_ID_CONFIG, "second-producer",
					ProducerConfig.METADATA_MAX_AGE_CONFIG, "20000"));
		}

		@Bean
		@org.springframework.core.annotation.Order(1)
		EventBusKafkaProducerFactoryCustomizer firstProducerCustomizer() {
			return (factory) -> {
				this.producerFactories.add(factory);
				factory.updateConfigs(Map.of(ProducerConfig.CLIENT_ID_CONFIG, "first-producer",
						ProducerConfig.METADATA_MAX_AGE_CONFIG, "10000"));
				factory.addListener(new ProducerFactory.Listener<>() {

					@Override
					public void producerAdded(String id, Producer<String, byte[]> producer) {
						FactoryCustomizers.this.producers.add(clientId(producer.metrics().keySet()));
					}

				});
			};
		}

		@Bean
		@org.springframework.core.annotation.Order(2)
		EventBusKafkaConsumerFactoryCustomizer secondConsumerCustomizer() {
			return (factory) -> factory.updateConfigs(Map.of(ConsumerConfig.CLIENT_ID_CONFIG, "second-consumer",
					ConsumerConfig.METADATA_MAX_AGE_CONFIG, "20000"));
		}

		@Bean
		@org.springframework.core.annotation.Order(1)
		EventBusKafkaConsumerFactoryCustomizer firstConsumerCustomizer() {
			return (factory) -> {
				this.consumerFactories.add(factory);
				factory.updateConfigs(Map.of(ConsumerConfig.CLIENT_ID_CONFIG, "first-consumer",
						ConsumerConfig.METADATA_MAX_AGE_CONFIG, "10000"));
				factory.addListener(new ConsumerFactory.Listener<>() {

					@Override
					public void consumerAdded(String id, Consumer<String, byte[]> consumer) {
						FactoryCustomizers.this.consumers.add(clientId(consumer.metrics().keySet()));
					}

				});
			};
		}

		/** The client id the created client registered its metrics under. */
		private static String clientId(java.util.Set<org.apache.kafka.common.MetricName> names) {
			return names.stream()
				.map((name) -> name.tags().get("client-id"))
				.filter(java.util.Objects::nonNull)
				.findFirst()
				.orElse("none");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserBus {

		final EventBusTransportProbe probe = (timeout) -> java.util.Map.of();

		@Bean
		EventBus userBus() {
			return MemoryEventBus.builder(dev.eventbus.core.memory.MemoryOptions.defaults()).build();
		}

		@Bean
		EventBusTransportProbe eventBusTransportProbe() {
			return this.probe;
		}

	}

}

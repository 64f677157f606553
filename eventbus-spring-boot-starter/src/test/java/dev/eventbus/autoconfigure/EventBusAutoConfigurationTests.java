package dev.eventbus.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.eventbus.autoconfigure.annotation.EventBusAnnotationAutoConfiguration;
import dev.eventbus.autoconfigure.annotation.EventHandlerSubscriptions;
import dev.eventbus.autoconfigure.annotation.InvalidEventHandlerException;
import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.api.EventContext;
import dev.eventbus.core.api.EventHandler;
import dev.eventbus.core.codec.EnvelopeCodec;
import dev.eventbus.core.keyed.KeyedExecutor;
import dev.eventbus.core.keyed.KeyedExecutorOptions;
import dev.eventbus.core.memory.MemoryEventBus;
import dev.eventbus.core.memory.MemoryOptions;
import dev.eventbus.core.resilience.CircuitBreakerEventBus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

public class EventBusAutoConfigurationTests {

	/** The event bus auto-configurations of the memory transport, for the other tests. */
	public static final AutoConfigurations EVENTBUS = AutoConfigurations.of(EventBusMemoryAutoConfiguration.class,
			EventBusAutoConfiguration.class, EventBusAnnotationAutoConfiguration.class);

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(EVENTBUS)
		.withPropertyValues("spring.application.name=orders-service", "eventbus.executor.workers=4",
				"eventbus.shutdown-timeout=2s", "eventbus.executor.shutdown-timeout=2s");

	@Test
	void memoryIsTheDefaultTransportBehindThePublishCircuitBreaker() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(EventBus.class)
				.hasSingleBean(KeyedExecutor.class)
				.hasSingleBean(EnvelopeCodec.class)
				.hasSingleBean(PublishCircuitBreaker.class)
				.hasBean("eventBusTransportProbe");
			EventBus bus = context.getBean(EventBus.class);
			assertThat(bus).isInstanceOf(CircuitBreakerEventBus.class);
			assertThat(EventBusComponents.unwrap(bus)).isInstanceOf(MemoryEventBus.class);
			assertThat(bus.transport()).isEqualTo("memory");
			assertThat(context.getBean(EventBusComponents.class).source()).isEqualTo("orders-service");
		});
	}

	@Test
	void propertiesReachTheExecutorAndTheMemoryTransport() {
		this.runner.withPropertyValues("eventbus.executor.max-pending=321", "eventbus.memory.topic-capacity=77",
				"eventbus.memory.max-block=1500ms").run((context) -> {
					KeyedExecutor executor = context.getBean(KeyedExecutor.class);
					assertThat(executor.options().workers()).isEqualTo(4);
					assertThat(executor.options().maxPending()).isEqualTo(321);
					MemoryOptions options = ((MemoryEventBus) EventBusComponents
						.unwrap(context.getBean(EventBus.class))).options();
					assertThat(options.topicCapacity()).isEqualTo(77);
					assertThat(options.maxBlock()).isEqualTo(Duration.ofMillis(1500));
				});
	}

	@Test
	void circuitBreakerCanBeTurnedOff() {
		this.runner.withPropertyValues("eventbus.publish.circuit-breaker.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(PublishCircuitBreaker.class);
			assertThat(context.getBean(EventBus.class)).isInstanceOf(MemoryEventBus.class);
		});
	}

	@Test
	void userDefinedBusExecutorAndCodecMakeTheAutoConfigurationBackOff() {
		this.runner.withUserConfiguration(UserBeans.class).run((context) -> {
			assertThat(context).hasSingleBean(EventBus.class).hasSingleBean(KeyedExecutor.class);
			assertThat(context.getBean(EventBus.class)).isSameAs(context.getBean("userBus"));
			assertThat(context.getBean(KeyedExecutor.class)).isSameAs(context.getBean("userExecutor"));
		});
	}

	@Test
	void eventHandlerMethodsAreSubscribedAfterRefreshAndReceivePublishedEvents() {
		this.runner.withUserConfiguration(OrderHandlers.class).run((context) -> {
			OrderHandlers handlers = context.getBean(OrderHandlers.class);
			EventBus bus = context.getBean(EventBus.class);
			assertThat(context.getBean(EventHandlerSubscriptions.class).subscriptions()).hasSize(1)
				.first()
				.satisfies((subscription) -> {
					assertThat(subscription.group()).isEqualTo("orders-service");
					assertThat(subscription.topics()).containsExactly("orders-ctx");
				});
			bus.publish("orders-ctx", Envelope.of("order-1", "OrderPlaced", new OrderPlaced("order-1", 42)))
				.get();
			await().atMost(Duration.ofSeconds(10)).until(() -> handlers.received.size() == 1);
			assertThat(handlers.received.get(0)).isEqualTo(new OrderPlaced("order-1", 42));
			assertThat(handlers.contexts.get(0).topic()).isEqualTo("orders-ctx");
			assertThat(handlers.contexts.get(0).aggregateId()).isEqualTo("order-1");
		});
	}

	@Test
	void subscriptionsAreClosedWhenTheContextCloses() {
		this.runner.withUserConfiguration(OrderHandlers.class).run((context) -> {
			EventBus bus = context.getBean(EventBus.class);
			assertThat(bus.subscriptions()).hasSize(1);
			context.getBean(EventHandlerSubscriptions.class).stop();
			assertThat(bus.subscriptions()).allSatisfy((subscription) -> assertThat(subscription.state())
				.isEqualTo(dev.eventbus.core.api.Subscription.State.CLOSED));
		});
	}

	@Test
	void invalidHandlerSignatureFailsStartUpNamingTheMethod() {
		this.runner.withUserConfiguration(BadHandler.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidEventHandlerException.class)
				.hasMessageContaining("BadHandler.on(EventContext, OrderPlaced)")
				.hasMessageContaining("first parameter is the EventContext");
		});
	}

	@Test
	void unknownTransportFailsWithTheAcceptedValues() {
		this.runner.withPropertyValues("eventbus.transport=kafak").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new EventBusBindFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains("'kafak'").contains("eventbus.transport");
			assertThat(analysis.getAction()).contains("kafka, nats, memory");
		});
	}

	@Test
	void unknownScenarioFailsWithTheAcceptedValues() {
		this.runner.withPropertyValues("eventbus.scenario=fastest")
			.withInitializer((context) -> ScenarioEnvironmentPostProcessor.apply(context.getEnvironment()))
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new EventBusBindFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("'fastest'").contains("eventbus.scenario");
				assertThat(analysis.getAction())
					.contains("balanced, high-throughput, low-latency, high-reliability");
			});
	}

	@Test
	void selectedTransportWithoutItsClientLibraryFailsSayingWhichDependencyToAdd() {
		this.runner.withPropertyValues("eventbus.transport=nats")
			.withClassLoader(new FilteredClassLoader("io.nats"))
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new EventBusConfigurationFailureAnalyzer()
					.analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("eventbus.transport").contains("'nats'");
				assertThat(analysis.getAction()).contains("io.nats:jnats");
			});
	}

	@Test
	void invalidExecutorSettingsNameTheProperty() {
		this.runner.withPropertyValues("eventbus.executor.low-watermark=0.9").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new EventBusConfigurationFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("eventbus.executor.low-watermark must be in [0, ");
			assertThat(analysis.getAction()).contains("eventbus.executor.low-watermark");
		});
	}

	@Test
	void envelopeCustomizersAreAppliedInOrderBeforePublishing() {
		this.runner.withUserConfiguration(OrderHandlers.class, Customizers.class).run((context) -> {
			OrderHandlers handlers = context.getBean(OrderHandlers.class);
			context.getBean(EventBus.class)
				.publish("orders-ctx", Envelope.of("order-2", "OrderPlaced", new OrderPlaced("order-2", 1)))
				.get();
			await().atMost(Duration.ofSeconds(10)).until(() -> handlers.contexts.size() == 1);
			assertThat(handlers.contexts.get(0).envelope().tenantId()).isEqualTo("tenant-b");
			assertThat(handlers.contexts.get(0).envelope().correlationId()).isEqualTo("from-first");
		});
	}

	record OrderPlaced(String orderId, int amount) {
	}

	@Configuration(proxyBeanMethods = false)
	static class OrderHandlers {

		final List<OrderPlaced> received = new CopyOnWriteArrayList<>();

		final List<EventContext> contexts = new CopyOnWriteArrayList<>();

		@EventHandler("orders-ctx")
		void on(OrderPlaced event, EventContext context) {
			this.received.add(event);
			this.contexts.add(context);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BadHandler {

		@EventHandler("orders")
		void on(EventContext context, OrderPlaced event) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Customizers {

		@Bean
		@org.springframework.core.annotation.Order(1)
		EventBusEnvelopeCustomizer first() {
			return (topic, envelope) -> envelope.toBuilder().correlationId("from-first").tenantId("tenant-a").build();
		}

		@Bean
		@org.springframework.core.annotation.Order(2)
		EventBusEnvelopeCustomizer second() {
			return (topic, envelope) -> envelope.toBuilder().tenantId("tenant-b").build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserBeans {

		@Bean
		KeyedExecutor userExecutor() {
			return KeyedExecutor.create(KeyedExecutorOptions.builder().workers(2).build());
		}

		@Bean
		EventBus userBus(KeyedExecutor executor) {
			return MemoryEventBus.builder(MemoryOptions.defaults()).executor(executor).build();
		}

	}

}

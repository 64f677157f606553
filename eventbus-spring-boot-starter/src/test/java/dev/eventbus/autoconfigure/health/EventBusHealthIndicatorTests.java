package dev.eventbus.autoconfigure.health;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.eventbus.autoconfigure.EventBusAutoConfigurationTests;
import dev.eventbus.autoconfigure.EventBusTransportProbe;
import dev.eventbus.autoconfigure.PublishCircuitBreaker;
import dev.eventbus.core.api.EventBus;

import static org.assertj.core.api.Assertions.assertThat;

class EventBusHealthIndicatorTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(EventBusAutoConfigurationTests.EVENTBUS)
		.withConfiguration(AutoConfigurations.of(EventBusHealthAutoConfiguration.class))
		.withPropertyValues("spring.application.name=health-test", "eventbus.executor.workers=2",
				"eventbus.health.timeout=300ms");

	@Test
	void memoryTransportIsUpWithItsDetails() {
		this.runner.run((context) -> {
			Health health = context.getBean("eventbusHealthIndicator", EventBusHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("transport", "memory")
				.containsEntry("reachable", true)
				.containsKeys("subscriptions", "executor", "circuitBreaker");
			assertThat(health.getDetails().get("circuitBreaker")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP).containsEntry("state", "CLOSED");
		});
	}

	@Test
	void aProbeThatFailsOrHangsPastTheTimeoutMakesTheBusDown() {
		this.runner.withUserConfiguration(FailingProbe.class).run((context) -> {
			Health health = context.getBean(EventBusHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(health.getDetails()).containsEntry("reachable", false);
			assertThat((String) health.getDetails().get("error")).contains("IllegalStateException: connection refused");
		});
		this.runner.withUserConfiguration(HangingProbe.class).run((context) -> {
			long start = System.nanoTime();
			Health health = context.getBean(EventBusHealthIndicator.class).health();
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat((String) health.getDetails().get("error")).contains("did not answer within 300 ms");
		});
	}

	@Test
	void anOpenCircuitBreakerIsShownButDoesNotByItselfMakeTheBusDown() {
		this.runner.run((context) -> {
			context.getBean(PublishCircuitBreaker.class).circuitBreaker().transitionToOpenState();
			Health health = context.getBean(EventBusHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails().get("circuitBreaker")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP).containsEntry("state", "OPEN");
		});
	}

	@Test
	void aFailedSubscriptionMakesTheBusDownAndIsNamed() {
		NoopBus bus = new NoopBus(new FixedSubscription("billing/orders", dev.eventbus.core.api.Subscription.State.FAILED),
				new FixedSubscription("shipping/orders", dev.eventbus.core.api.Subscription.State.RUNNING));
		Health health = new EventBusHealthIndicator(bus, (timeout) -> Map.of(), Duration.ofSeconds(1), null, null)
			.health();
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails().get("subscriptions").toString()).contains("id=billing/orders, state=FAILED")
			.contains("id=shipping/orders, state=RUNNING");
		Health healthy = new EventBusHealthIndicator(new NoopBus(new FixedSubscription("shipping/orders",
				dev.eventbus.core.api.Subscription.State.PAUSED)), (timeout) -> Map.of(), Duration.ofSeconds(1), null,
				null)
			.health();
		assertThat(healthy.getStatus()).isEqualTo(Status.UP);
	}

	@Test
	void showsThePartitionsThisInstanceOwnsOnlyWhereTheTransportAssignsThem() {
		FixedSubscription plain = new FixedSubscription("shipping/orders", dev.eventbus.core.api.Subscription.State.RUNNING);
		Health health = new EventBusHealthIndicator(new NoopBus(plain, new PartitionedSubscription()),
				(timeout) -> Map.of(), Duration.ofSeconds(1), null, null)
			.health();
		String subscriptions = health.getDetails().get("subscriptions").toString();
		assertThat(subscriptions).contains("ownedPartitions={orders=[0, 4, 8]}");
		assertThat(subscriptions.indexOf("ownedPartitions")).isEqualTo(subscriptions.lastIndexOf("ownedPartitions"));
	}

	static final class PartitionedSubscription implements dev.eventbus.core.api.Subscription {

		private final FixedSubscription delegate = new FixedSubscription("billing/orders",
				dev.eventbus.core.api.Subscription.State.RUNNING);

		@Override
		public String id() {
			return this.delegate.id();
		}

		@Override
		public java.util.List<String> topics() {
			return this.delegate.topics();
		}

		@Override
		public String group() {
			return this.delegate.group();
		}

		@Override
		public dev.eventbus.core.api.Subscription.State state() {
			return this.delegate.state();
		}

		@Override
		public void pause() {
		}

		@Override
		public void resume() {
		}

		@Override
		public long pending() {
			return 0;
		}

		@Override
		public long lag() {
			return 3;
		}

		@Override
		public Map<String, java.util.List<Integer>> ownedPartitions() {
			return Map.of("orders", java.util.List.of(0, 4, 8));
		}

		@Override
		public void close(Duration timeout) {
		}

		@Override
		public void close() {
		}

	}

	@Test
	void backsOffWithoutHealthSupportOrWhenDisabledOrReplaced() {
		this.runner.withClassLoader(new FilteredClassLoader("org.springframework.boot.health"))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(EventBusHealthIndicator.class));
		this.runner.withPropertyValues("management.health.eventbus.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(EventBusHealthIndicator.class));
		this.runner.withUserConfiguration(UserIndicator.class).run((context) -> assertThat(context)
			.getBean("eventbusHealthIndicator")
			.isSameAs(context.getBean(UserIndicator.class).indicator));
	}

	@Configuration(proxyBeanMethods = false)
	static class FailingProbe {

		@Bean
		EventBusTransportProbe eventBusTransportProbe() {
			return (timeout) -> {
				throw new IllegalStateException("connection refused");
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class HangingProbe {

		@Bean
		EventBusTransportProbe eventBusTransportProbe() {
			return (timeout) -> {
				new CountDownLatch(1).await();
				return Map.of();
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserIndicator {

		final EventBusHealthIndicator indicator = new EventBusHealthIndicator(new NoopBus(), (timeout) -> Map.of(),
				Duration.ofSeconds(1), null, null);

		@Bean
		EventBusHealthIndicator eventbusHealthIndicator() {
			return this.indicator;
		}

	}

	record FixedSubscription(String id, dev.eventbus.core.api.Subscription.State state)
			implements dev.eventbus.core.api.Subscription {

		@Override
		public java.util.List<String> topics() {
			return java.util.List.of("orders");
		}

		@Override
		public String group() {
			return this.id.substring(0, this.id.indexOf('/'));
		}

		@Override
		public void pause() {
		}

		@Override
		public void resume() {
		}

		@Override
		public long pending() {
			return 0;
		}

		@Override
		public long lag() {
			return -1;
		}

		@Override
		public void close(Duration timeout) {
		}

		@Override
		public void close() {
		}

	}

	static final class NoopBus implements EventBus {

		private final java.util.List<dev.eventbus.core.api.Subscription> subscriptions;

		NoopBus(dev.eventbus.core.api.Subscription... subscriptions) {
			this.subscriptions = java.util.List.of(subscriptions);
		}

		@Override
		public java.util.concurrent.CompletableFuture<dev.eventbus.core.api.PublishReceipt> publish(String topic,
				dev.eventbus.core.api.Envelope<?> envelope) {
			throw new UnsupportedOperationException();
		}

		@Override
		public <T> dev.eventbus.core.api.Subscription subscribe(java.util.Collection<String> topics,
				Class<T> payloadType, dev.eventbus.core.api.SubscriptionOptions options,
				dev.eventbus.core.api.EventListener<? super T> listener) {
			throw new UnsupportedOperationException();
		}

		@Override
		public java.util.List<dev.eventbus.core.api.Subscription> subscriptions() {
			return this.subscriptions;
		}

		@Override
		public String deadLetterTopic(String topic) {
			return topic + "-dlt";
		}

		@Override
		public String transport() {
			return "none";
		}

		@Override
		public void close() {
		}

	}

}

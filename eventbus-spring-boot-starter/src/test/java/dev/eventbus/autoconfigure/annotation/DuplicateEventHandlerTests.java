package dev.eventbus.autoconfigure.annotation;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.eventbus.autoconfigure.EventBusAutoConfigurationTests;
import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.api.EventHandler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two {@code @EventHandler} methods of one group and topics: start-up fails with an analysis that
 * names both methods (the bus's one duplicate rule, seen through the annotation); another group is fine.
 */
class DuplicateEventHandlerTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(EventBusAutoConfigurationTests.EVENTBUS)
		.withPropertyValues("spring.application.name=orders-service", "eventbus.executor.workers=2",
				"eventbus.shutdown-timeout=2s", "eventbus.executor.shutdown-timeout=2s");

	@Test
	void twoMethodsOfOneGroupAndTopicsInOneBeanFailStartUpNamingBoth() {
		this.runner.withUserConfiguration(SameGroupInOneBean.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().isInstanceOf(InvalidEventHandlerException.class);
			FailureAnalysis analysis = analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("SameGroupInOneBean.first(Placed)")
				.contains("SameGroupInOneBean.second(Placed)")
				.contains("group 'billing'")
				.contains("topic 'dup-orders'");
			assertThat(analysis.getAction()).contains("@EventHandler(group = ...)");
		});
	}

	@Test
	void twoBeansWithTheDefaultGroupFailStartUpNamingBothMethods() {
		this.runner.withUserConfiguration(FirstBean.class, SecondBean.class).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("FirstHandler.on(Placed)")
				.contains("SecondHandler.on(Placed)")
				.contains("orders-service");
		});
	}

	@Test
	void anotherGroupOnTheSameTopicsStartsAndBothGetEveryEvent() {
		this.runner.withUserConfiguration(TwoGroups.class).run((context) -> {
			assertThat(context).hasNotFailed();
			TwoGroups handlers = context.getBean(TwoGroups.class);
			EventBus bus = context.getBean(EventBus.class);
			for (int i = 0; i < 3; i++) {
				bus.publish("dup-orders", Envelope.of("order-" + i, "Placed", new Placed("order-" + i))).join();
			}
			await().untilAsserted(() -> {
				assertThat(handlers.billing).hasSize(3);
				assertThat(handlers.audit).hasSize(3);
			});
		});
	}

	private static FailureAnalysis analyze(Throwable failure) {
		FailureAnalysis analysis = new InvalidEventHandlerFailureAnalyzer().analyze(failure);
		assertThat(analysis).as("failure analysis of %s", failure).isNotNull();
		return analysis;
	}

	record Placed(String orderId) {
	}

	@Configuration(proxyBeanMethods = false)
	static class SameGroupInOneBean {

		@EventHandler(topics = "dup-orders", group = "billing")
		void first(Placed event) {
		}

		@EventHandler(topics = "dup-orders", group = "billing")
		void second(Placed event) {
		}

	}

	static class FirstHandler {

		@EventHandler("dup-orders")
		void on(Placed event) {
		}

	}

	static class SecondHandler {

		@EventHandler("dup-orders")
		void on(Placed event) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class FirstBean {

		@Bean
		FirstHandler firstHandler() {
			return new FirstHandler();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SecondBean {

		@Bean
		SecondHandler secondHandler() {
			return new SecondHandler();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TwoGroups {

		final List<Placed> billing = new CopyOnWriteArrayList<>();

		final List<Placed> audit = new CopyOnWriteArrayList<>();

		@EventHandler(topics = "dup-orders", group = "billing")
		void billing(Placed event) {
			this.billing.add(event);
		}

		@EventHandler(topics = "dup-orders", group = "audit")
		void audit(Placed event) {
			this.audit.add(event);
		}

	}

}

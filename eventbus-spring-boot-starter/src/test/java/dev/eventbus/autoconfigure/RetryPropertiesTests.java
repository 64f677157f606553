package dev.eventbus.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import dev.eventbus.core.api.DeadLetterRecord;
import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.api.EventContext;
import dev.eventbus.core.api.EventHandler;
import dev.eventbus.core.api.RetryPolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code eventbus.retry.jitter} and {@code eventbus.retry.fatal-exceptions} bind into the default
 * retry policy, {@code @EventHandler(fatalExceptions = ...)} adds to it, and bad values fail
 * start-up naming the property.
 */
class RetryPropertiesTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(EventBusAutoConfigurationTests.EVENTBUS)
		.withPropertyValues("spring.application.name=orders-service", "eventbus.executor.workers=4",
				"eventbus.shutdown-timeout=2s", "eventbus.executor.shutdown-timeout=2s");

	@Test
	void jitterAndFatalExceptionsBindIntoTheDefaultPolicy() {
		EventBusProperties.Retry retry = new EventBusProperties.Retry();
		retry.setJitter(0.25);
		retry.setFatalExceptions(List.of("java.lang.IllegalArgumentException", " java.io.UncheckedIOException "));
		RetryPolicy policy = RetryPolicyMapper.defaultPolicy(retry, null);
		assertThat(policy.jitter()).isEqualTo(0.25);
		assertThat(policy.fatalExceptions()).containsExactly(RetryPolicy.DEFAULT_FATAL_EXCEPTIONS.get(0),
				RetryPolicy.DEFAULT_FATAL_EXCEPTIONS.get(1), RetryPolicy.DEFAULT_FATAL_EXCEPTIONS.get(2),
				IllegalArgumentException.class, java.io.UncheckedIOException.class);
	}

	@Test
	void fatalExceptionsOfThePropertyAndTheAnnotationAreDeadLetteredWithoutRetry() {
		this.runner
			.withPropertyValues("eventbus.retry.fatal-exceptions=java.lang.IllegalArgumentException",
					"eventbus.retry.initial-backoff=5ms", "eventbus.retry.max-backoff=20ms", "eventbus.retry.jitter=0.5")
			.withUserConfiguration(Handlers.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				EventBus bus = context.getBean(EventBus.class);
				Handlers handlers = context.getBean(Handlers.class);

				bus.publishEvent("retry-orders", "by-property", new Order("illegal")).join();
				bus.publishEvent("retry-orders", "by-annotation", new Order("arithmetic")).join();
				bus.publishEvent("retry-orders", "transient", new Order("state")).join();

				await().atMost(Duration.ofSeconds(30)).until(() -> handlers.dead.size() == 3);
				assertThat(handlers.dead).filteredOn((dead) -> dead.exceptionClass().endsWith("IllegalArgumentException"))
					.singleElement()
					.satisfies((dead) -> assertThat(dead.reason()).isEqualTo(DeadLetterRecord.REASON_FATAL))
					.satisfies((dead) -> assertThat(dead.attempts()).isEqualTo(1));
				assertThat(handlers.dead).filteredOn((dead) -> dead.exceptionClass().endsWith("ArithmeticException"))
					.singleElement()
					.satisfies((dead) -> assertThat(dead.reason()).isEqualTo(DeadLetterRecord.REASON_FATAL))
					.satisfies((dead) -> assertThat(dead.attempts()).isEqualTo(1));
				assertThat(handlers.dead).filteredOn((dead) -> dead.exceptionClass().endsWith("IllegalStateException"))
					.singleElement()
					.satisfies((dead) -> assertThat(dead.reason()).isEqualTo(DeadLetterRecord.REASON_FAILED))
					.satisfies((dead) -> assertThat(dead.attempts()).isEqualTo(3));
			});
	}

	@Test
	void anUnknownFatalExceptionClassFailsStartUpNamingThePropertyAndTheName() {
		this.runner.withPropertyValues("eventbus.retry.fatal-exceptions=java.lang.IllegalArgumentException,com.example.NoSuchException")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new EventBusConfigurationFailureAnalyzer()
					.analyze(context.getStartupFailure());
				assertThat(analysis).isNotNull();
				assertThat(analysis.getDescription()).contains("eventbus.retry.fatal-exceptions[1]")
					.contains("'com.example.NoSuchException'")
					.contains("not on the classpath");
				assertThat(analysis.getAction()).contains("fully qualified");
			});
	}

	@Test
	void aClassThatIsNoExceptionFailsStartUpNamingTheProperty() {
		this.runner.withPropertyValues("eventbus.retry.fatal-exceptions=java.lang.String").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new EventBusConfigurationFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("eventbus.retry.fatal-exceptions[0]")
				.contains("'java.lang.String'")
				.contains("not an exception");
		});
	}

	@Test
	void jitterOutsideZeroToOneFailsStartUpNamingTheProperty() {
		this.runner.withPropertyValues("eventbus.retry.jitter=1.5").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new EventBusConfigurationFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("property eventbus.retry.jitter")
				.contains("eventbus.retry.jitter must be between 0.0 and 1.0 but was 1.5");
			assertThat(analysis.getAction()).contains("eventbus.retry.jitter");
		});
	}

	record Order(String failure) {
	}

	@Configuration(proxyBeanMethods = false)
	static class Handlers {

		final List<DeadLetterRecord> dead = new CopyOnWriteArrayList<>();

		@EventHandler(topics = "retry-orders", group = "billing", fatalExceptions = ArithmeticException.class)
		void on(Order order) {
			switch (order.failure()) {
				case "illegal" -> throw new IllegalArgumentException("bad amount");
				case "arithmetic" -> throw new ArithmeticException("/ by zero");
				default -> throw new IllegalStateException("database down");
			}
		}

		@EventHandler(topics = "retry-orders-dlt", group = "ops")
		void onDead(byte[] payload, EventContext context) {
			DeadLetterRecord.from(context).ifPresent(this.dead::add);
		}

	}

}

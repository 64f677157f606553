package dev.eventbus.autoconfigure;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import dev.eventbus.core.api.RetryPolicy;
import dev.eventbus.core.api.SubscriptionOptions;
import dev.eventbus.core.keyed.KeyedExecutorOptions;
import dev.eventbus.core.memory.MemoryOptions;
import dev.eventbus.core.support.BusSettings;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@code eventbus.*} default outside the transports' own prefixes equals the default of the
 * core option it maps to (the pattern of Spring Boot's {@code *DefaultValuesAreConsistent}):
 * properties are bound from an empty source and compared with {@code XxxOptions.builder().build()}.
 */
class EventBusPropertiesDefaultsTests {

	private final EventBusProperties properties = new Binder(new MapConfigurationPropertySource())
		.bindOrCreate("eventbus", EventBusProperties.class);

	@Test
	void busDefaultValuesAreConsistent() {
		BusSettings settings = BusSettings.builder().build();
		assertThat(this.properties.getShutdownTimeout()).isEqualTo(settings.shutdownTimeout());
		// unset: spring.application.name, else the core default
		assertThat(this.properties.getSource()).isNull();
		assertThat(settings.source()).isEqualTo(BusSettings.DEFAULT_SOURCE);
		assertThat(this.properties.getTransport()).isEqualTo(EventBusProperties.Transport.MEMORY);
		assertThat(this.properties.getScenario()).isNull();
	}

	@Test
	void executorDefaultValuesAreConsistent() {
		EventBusProperties.Executor executor = this.properties.getExecutor();
		KeyedExecutorOptions options = KeyedExecutorOptions.builder().build();
		assertThat(executor.getWorkers()).isEqualTo(options.workers());
		assertThat(executor.getMaxPending()).isEqualTo(options.maxPending());
		assertThat(executor.getHighWatermark()).isEqualTo(options.highWatermark());
		assertThat(executor.getLowWatermark()).isEqualTo(options.lowWatermark());
		assertThat(executor.getShutdownTimeout()).isEqualTo(options.shutdownTimeout());
		assertThat(executor.getThreadNamePrefix()).isEqualTo(options.threadNamePrefix());
	}

	@Test
	void retryDefaultValuesAreConsistent() {
		EventBusProperties.Retry retry = this.properties.getRetry();
		RetryPolicy policy = RetryPolicy.builder().build();
		assertThat(retry.getMaxAttempts()).isEqualTo(policy.maxAttempts());
		assertThat(retry.getInitialBackoff()).isEqualTo(policy.initialBackoff());
		assertThat(retry.getMaxBackoff()).isEqualTo(policy.maxBackoff());
		assertThat(retry.getMultiplier()).isEqualTo(policy.multiplier());
		assertThat(retry.getJitter()).isEqualTo(policy.jitter());
		// the property adds to the core defaults, so its own default is empty
		assertThat(retry.getFatalExceptions()).isEmpty();
		assertThat(RetryPolicyMapper.defaultPolicy(retry, null)).isEqualTo(policy);
	}

	@Test
	void deadLetterDefaultValuesAreConsistent() {
		EventBusProperties.DeadLetter deadLetter = this.properties.getDeadLetter();
		assertThat(deadLetter.isEnabled()).isEqualTo(SubscriptionOptions.builder("g").build().deadLetter())
			.isEqualTo(SubscriptionOptions.DEFAULT_DEAD_LETTER);
		// unset: each transport's default (-dlt on Kafka and memory, .dlt on NATS)
		assertThat(deadLetter.getSuffix()).isNull();
	}

	@Test
	void memoryDefaultValuesAreConsistent() {
		EventBusProperties.Memory memory = this.properties.getMemory();
		MemoryOptions options = MemoryOptions.builder().build();
		assertThat(memory.getTopicCapacity()).isEqualTo(options.topicCapacity());
		assertThat(memory.getMaxBlock()).isEqualTo(options.maxBlock());
	}

	@Test
	void circuitBreakerDefaultValuesReachTheBreaker() {
		// No core option holds these defaults; the breaker built from empty properties must carry them.
		EventBusProperties.CircuitBreaker properties = this.properties.getPublish().getCircuitBreaker();
		CircuitBreakerConfig config = new PublishCircuitBreaker(properties).circuitBreaker()
			.getCircuitBreakerConfig();
		assertThat(properties.isEnabled()).isTrue();
		assertThat(config.getFailureRateThreshold()).isEqualTo(properties.getFailureRateThreshold());
		assertThat(config.getSlidingWindowSize()).isEqualTo(properties.getSlidingWindowSize());
		assertThat(config.getMinimumNumberOfCalls()).isEqualTo(properties.getMinimumNumberOfCalls());
		assertThat(config.getPermittedNumberOfCallsInHalfOpenState())
			.isEqualTo(properties.getPermittedCallsInHalfOpenState());
		assertThat(config.getWaitIntervalFunctionInOpenState().apply(1))
			.isEqualTo(properties.getWaitInOpenState().toMillis());
	}

}

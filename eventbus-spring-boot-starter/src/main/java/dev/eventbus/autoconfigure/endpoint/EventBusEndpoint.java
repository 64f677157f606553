package dev.eventbus.autoconfigure.endpoint;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

import dev.eventbus.autoconfigure.EventBusProperties;
import dev.eventbus.autoconfigure.PublishCircuitBreaker;
import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.api.Subscription;
import dev.eventbus.core.keyed.KeyedExecutor;
import dev.eventbus.core.support.ServerUrls;

/**
 * The {@code eventbus} Actuator endpoint. {@code GET /actuator/eventbus} shows the effective
 * configuration (defaults, scenario presets and explicit values merged; secrets redacted), the
 * subscriptions with their state, pending count and lag, the executor's state and the publish
 * circuit breaker. {@code POST /actuator/eventbus} with {@code {"subscription": "<id>", "action":
 * "pause" | "resume"}} pauses or resumes a subscription.
 */
@Endpoint(id = "eventbus")
public class EventBusEndpoint {

	private final EventBus bus;

	private final Map<String, Object> configurationProperties;

	private final @Nullable KeyedExecutor executor;

	private final @Nullable PublishCircuitBreaker circuitBreaker;

	/**
	 * @param bus the bus
	 * @param configurationProperties the bound properties objects by prefix ({@code eventbus},
	 * {@code eventbus.kafka}, ...)
	 * @param executor the keyed executor, if any
	 * @param circuitBreaker the publish circuit breaker, if enabled
	 */
	public EventBusEndpoint(EventBus bus, Map<String, Object> configurationProperties, @Nullable KeyedExecutor executor,
			@Nullable PublishCircuitBreaker circuitBreaker) {
		this.bus = bus;
		this.configurationProperties = new LinkedHashMap<>(configurationProperties);
		this.executor = executor;
		this.circuitBreaker = circuitBreaker;
	}

	/** @return the bus's configuration and state */
	@ReadOperation
	public EventBusDescriptor eventBus() {
		Map<String, @Nullable Object> configuration = new java.util.TreeMap<>();
		this.configurationProperties.forEach((prefix, properties) -> configuration
			.putAll(EffectiveConfiguration.flatten(prefix, properties)));
		Object scenario = null;
		for (Object properties : this.configurationProperties.values()) {
			if (properties instanceof EventBusProperties busProperties && busProperties.getScenario() != null) {
				scenario = busProperties.getScenario().id();
			}
		}
		List<SubscriptionDescriptor> subscriptions = new ArrayList<>();
		for (Subscription subscription : this.bus.subscriptions()) {
			subscriptions.add(SubscriptionDescriptor.of(subscription));
		}
		return new EventBusDescriptor(this.bus.transport(), scenario, configuration, subscriptions, executor(),
				circuitBreaker());
	}

	/**
	 * Pauses or resumes a subscription.
	 * @param subscription the subscription's id, as listed by the read operation
	 * @param action {@code pause} or {@code resume}
	 * @return the subscription after the change, or null (404) when there is no such subscription
	 */
	@WriteOperation
	public @Nullable SubscriptionDescriptor changeSubscription(String subscription, String action) {
		for (Subscription candidate : this.bus.subscriptions()) {
			if (candidate.id().equals(subscription)) {
				switch (action.toLowerCase(Locale.ROOT)) {
					case "pause" -> candidate.pause();
					case "resume" -> candidate.resume();
					default -> throw new IllegalArgumentException(
							"action '" + action + "' is not supported: use pause or resume");
				}
				return SubscriptionDescriptor.of(candidate);
			}
		}
		return null;
	}

	private @Nullable Map<String, Object> executor() {
		if (this.executor == null) {
			return null;
		}
		Map<String, Object> state = new LinkedHashMap<>();
		state.put("workers", this.executor.options().workers());
		state.put("virtualThreads", this.executor.options().virtualThreads());
		state.put("busyWorkers", this.executor.busyWorkers());
		state.put("queued", this.executor.queued());
		state.put("pending", this.executor.pending());
		state.put("maxPending", this.executor.options().maxPending());
		state.put("lanes", this.executor.activeLanes());
		state.put("underPressure", this.executor.isUnderPressure());
		state.put("timeUnderPressure", this.executor.timeUnderPressure().toString());
		state.put("completedTasks", this.executor.completedTasks());
		return state;
	}

	private @Nullable Map<String, Object> circuitBreaker() {
		if (this.circuitBreaker == null) {
			return null;
		}
		CircuitBreaker breaker = this.circuitBreaker.circuitBreaker();
		Map<String, Object> state = new LinkedHashMap<>();
		state.put("name", breaker.getName());
		state.put("state", breaker.getState().name());
		state.put("failureRate", breaker.getMetrics().getFailureRate());
		state.put("bufferedCalls", breaker.getMetrics().getNumberOfBufferedCalls());
		state.put("notPermittedCalls", breaker.getMetrics().getNumberOfNotPermittedCalls());
		return state;
	}

	/**
	 * The endpoint's answer.
	 * @param transport the transport
	 * @param scenario the scenario, or null
	 * @param configuration effective configuration by property name, secrets redacted
	 * @param subscriptions the open subscriptions
	 * @param executor the executor's state
	 * @param circuitBreaker the circuit breaker's state
	 */
	public record EventBusDescriptor(String transport, @Nullable Object scenario,
			Map<String, @Nullable Object> configuration, List<SubscriptionDescriptor> subscriptions,
			@Nullable Map<String, Object> executor, @Nullable Map<String, Object> circuitBreaker) {

	}

	/**
	 * One subscription.
	 * @param id its id
	 * @param topics its topics
	 * @param group its group
	 * @param state its state
	 * @param pending events fetched and not finished
	 * @param lag events not yet delivered to the group, -1 when unknown
	 * @param failure why it FAILED ({@code ExceptionClass: message}), null otherwise
	 * @param ownedPartitions by partitioned topic (NATS partitions), the partitions this instance
	 * consumes now; empty otherwise
	 * @param partitionLag by partitioned topic, the group's lag per partition (-1 when unknown)
	 */
	public record SubscriptionDescriptor(String id, List<String> topics, String group, String state, long pending,
			long lag, @Nullable String failure, Map<String, List<Integer>> ownedPartitions,
			Map<String, Map<Integer, Long>> partitionLag) {

		static SubscriptionDescriptor of(Subscription subscription) {
			Throwable failure = subscription.failure();
			return new SubscriptionDescriptor(subscription.id(), subscription.topics(), subscription.group(),
					subscription.state().name(), subscription.pending(), subscription.lag(),
					(failure != null) ? ServerUrls.describe(failure) : null, subscription.ownedPartitions(),
					subscription.partitionLag());
		}

	}

}

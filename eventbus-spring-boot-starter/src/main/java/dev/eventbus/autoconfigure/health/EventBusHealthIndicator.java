package dev.eventbus.autoconfigure.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import dev.eventbus.autoconfigure.EventBusTransportProbe;
import dev.eventbus.autoconfigure.PublishCircuitBreaker;
import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.api.Subscription;
import dev.eventbus.core.keyed.KeyedExecutor;
import dev.eventbus.core.support.ServerUrls;

/**
 * The {@code eventbus} health indicator. DOWN when the transport's broker does not answer the
 * {@link EventBusTransportProbe probe} within the timeout, or a subscription has FAILED. The
 * details show the transport, each subscription's state, pending count and lag, the executor's
 * load and the publish circuit breaker's state (an open breaker alone does not make the bus DOWN:
 * it closes again only after trial publishes, and the probe already reports an unreachable broker).
 *
 * <p>The probe runs on a daemon thread ({@code eventbus-health-n}) so that the calling thread
 * never waits longer than the timeout, even if a client call ignores its own timeout; at most one
 * probe is in flight: a check that comes while one still runs waits for it.
 */
public class EventBusHealthIndicator extends AbstractHealthIndicator implements DisposableBean {

	private final EventBus bus;

	private final EventBusTransportProbe probe;

	private final Duration timeout;

	private final @Nullable PublishCircuitBreaker circuitBreaker;

	private final @Nullable KeyedExecutor executor;

	private final ExecutorService probes;

	private @Nullable CompletableFuture<Map<String, Object>> inFlight;

	/**
	 * @param bus the bus
	 * @param probe the transport's reachability check
	 * @param timeout the longest wait for the broker
	 * @param circuitBreaker the publish circuit breaker, if enabled
	 * @param executor the keyed executor, if any
	 */
	public EventBusHealthIndicator(EventBus bus, EventBusTransportProbe probe, Duration timeout,
			@Nullable PublishCircuitBreaker circuitBreaker, @Nullable KeyedExecutor executor) {
		super("Event bus health check failed");
		this.bus = bus;
		this.probe = probe;
		this.timeout = timeout;
		this.circuitBreaker = circuitBreaker;
		this.executor = executor;
		AtomicInteger threads = new AtomicInteger();
		this.probes = Executors.newCachedThreadPool((runnable) -> {
			Thread thread = new Thread(runnable, "eventbus-health-" + threads.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) throws Exception {
		builder.withDetail("transport", this.bus.transport());
		boolean up = probe(builder);
		List<Map<String, Object>> subscriptions = new ArrayList<>();
		for (Subscription subscription : this.bus.subscriptions()) {
			Map<String, Object> detail = new LinkedHashMap<>();
			detail.put("id", subscription.id());
			detail.put("state", subscription.state().name());
			detail.put("pending", subscription.pending());
			detail.put("lag", subscription.lag());
			Map<String, List<Integer>> partitions = subscription.ownedPartitions();
			if (!partitions.isEmpty()) {
				// NATS partitions: which of each topic's partitions this instance consumes now
				detail.put("ownedPartitions", partitions);
			}
			subscriptions.add(detail);
			if (subscription.state() == Subscription.State.FAILED) {
				Throwable failure = subscription.failure();
				if (failure != null) {
					detail.put("failure", ServerUrls.describe(failure));
				}
				up = false;
			}
		}
		builder.withDetail("subscriptions", subscriptions);
		if (this.executor != null) {
			Map<String, Object> load = new LinkedHashMap<>();
			load.put("pending", this.executor.pending());
			load.put("maxPending", this.executor.options().maxPending());
			load.put("underPressure", this.executor.isUnderPressure());
			builder.withDetail("executor", load);
		}
		if (this.circuitBreaker != null) {
			CircuitBreaker breaker = this.circuitBreaker.circuitBreaker();
			Map<String, Object> state = new LinkedHashMap<>();
			state.put("state", breaker.getState().name());
			state.put("failureRate", breaker.getMetrics().getFailureRate());
			state.put("notPermittedCalls", breaker.getMetrics().getNumberOfNotPermittedCalls());
			builder.withDetail("circuitBreaker", state);
		}
		if (up) {
			builder.up();
		}
		else {
			builder.down();
		}
	}

	/**
	 * The probe in flight, or a new one when none is: a health check that comes while a probe still
	 * waits for the broker (one that outlived an earlier check's timeout) waits for that probe instead
	 * of starting another, so that an unreachable broker never piles up probes and client calls.
	 */
	private synchronized CompletableFuture<Map<String, Object>> probeInFlight() {
		CompletableFuture<Map<String, Object>> current = this.inFlight;
		if (current != null && !current.isDone()) {
			return current;
		}
		CompletableFuture<Map<String, Object>> started = CompletableFuture.supplyAsync(() -> {
			try {
				return this.probe.probe(this.timeout);
			}
			catch (RuntimeException ex) {
				throw ex;
			}
			catch (Exception ex) {
				throw new java.util.concurrent.CompletionException(ex);
			}
		}, this.probes);
		this.inFlight = started;
		return started;
	}

	private boolean probe(Health.Builder builder) throws InterruptedException {
		CompletableFuture<Map<String, Object>> answer = probeInFlight();
		try {
			Map<String, Object> details = answer.get(this.timeout.toMillis() + 250, TimeUnit.MILLISECONDS);
			builder.withDetail("reachable", true);
			details.forEach((name, value) -> builder.withDetail(name, redacted(value)));
			return true;
		}
		catch (TimeoutException ex) {
			builder.withDetail("reachable", false);
			builder.withDetail("error", "the broker did not answer within " + this.timeout.toMillis() + " ms");
			return false;
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() instanceof java.util.concurrent.CompletionException completion
					&& completion.getCause() != null) ? completion.getCause() : ex.getCause();
			builder.withDetail("reachable", false);
			builder.withDetail("error", (cause != null)
					? cause.getClass().getSimpleName() + ": " + ServerUrls.redact(cause.getMessage()) : "unknown");
			return false;
		}
	}

	/** Server addresses in the probe's details are shown without their user-info. */
	private static Object redacted(Object value) {
		if (value instanceof String text) {
			return String.valueOf(ServerUrls.redact(text));
		}
		if (value instanceof Map<?, ?> map) {
			Map<Object, Object> copy = new LinkedHashMap<>();
			map.forEach((key, entry) -> copy.put(key, (entry != null) ? redacted(entry) : null));
			return copy;
		}
		if (value instanceof java.util.Collection<?> collection) {
			return collection.stream().map((entry) -> (entry != null) ? redacted(entry) : null).toList();
		}
		return value;
	}

	@Override
	public void destroy() {
		this.probes.shutdownNow();
	}

}

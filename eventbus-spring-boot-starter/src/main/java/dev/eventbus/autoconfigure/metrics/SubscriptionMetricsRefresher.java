package dev.eventbus.autoconfigure.metrics;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

import dev.eventbus.core.metrics.SubscriptionMetrics;

/**
 * Keeps the per-subscription gauges in step with the bus's subscriptions, off the hot path: once
 * right after the {@code @EventHandler} subscriptions started, then every refresh interval on the
 * daemon thread {@code eventbus-metrics}. On stop (before the subscriptions drain) it removes the
 * meters of every subscription. Lifecycle methods run on the container's thread; the refresh task
 * on the scheduler thread; {@link SubscriptionMetrics} is synchronized.
 */
final class SubscriptionMetricsRefresher implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(SubscriptionMetricsRefresher.class);

	private final SubscriptionMetrics metrics;

	private final Duration interval;

	private @Nullable ScheduledExecutorService scheduler;

	SubscriptionMetricsRefresher(SubscriptionMetrics metrics, Duration interval) {
		this.metrics = metrics;
		this.interval = interval;
	}

	@Override
	public synchronized void start() {
		this.metrics.refresh();
		this.scheduler = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "eventbus-metrics");
			thread.setDaemon(true);
			return thread;
		});
		long millis = Math.max(100, this.interval.toMillis());
		this.scheduler.scheduleWithFixedDelay(this::refresh, millis, millis, TimeUnit.MILLISECONDS);
	}

	private void refresh() {
		try {
			this.metrics.refresh();
		}
		catch (RuntimeException ex) {
			logger.warn("Refreshing the subscription meters failed", ex);
		}
	}

	@Override
	public synchronized void stop() {
		if (this.scheduler != null) {
			this.scheduler.shutdownNow();
			this.scheduler = null;
		}
		this.metrics.close();
	}

	@Override
	public synchronized boolean isRunning() {
		return this.scheduler != null;
	}

	@Override
	public int getPhase() {
		return dev.eventbus.autoconfigure.annotation.EventHandlerSubscriptions.PHASE + 10;
	}

}

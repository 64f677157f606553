package dev.eventbus.core.metrics;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import dev.eventbus.core.keyed.KeyedExecutor;

/**
 * Binds the {@code eventbus.keyed.*} gauges of {@link EventBusMetricNames} to a
 * {@link KeyedExecutor}. The gauges read the executor's counters when the registry is scraped, so
 * nothing is recorded on the hot path. The gauges hold the executor weakly, like every Micrometer
 * gauge.
 */
public final class KeyedExecutorMetrics implements MeterBinder {

	private final KeyedExecutor executor;

	private final Tags tags;

	/**
	 * @param executor the executor to observe
	 */
	public KeyedExecutorMetrics(KeyedExecutor executor) {
		this(executor, Tags.empty());
	}

	/**
	 * @param executor the executor to observe
	 * @param tags tags added to every gauge
	 */
	public KeyedExecutorMetrics(KeyedExecutor executor, Iterable<Tag> tags) {
		this.executor = Objects.requireNonNull(executor, "executor must not be null");
		this.tags = Tags.of(tags);
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		gauge(registry, EventBusMetricNames.KEYED_QUEUED, KeyedExecutor::queued);
		gauge(registry, EventBusMetricNames.KEYED_PENDING, KeyedExecutor::pending);
		gauge(registry, EventBusMetricNames.KEYED_PENDING_MAX, (e) -> e.options().maxPending());
		gauge(registry, EventBusMetricNames.KEYED_BUSY_WORKERS, KeyedExecutor::busyWorkers);
		gauge(registry, EventBusMetricNames.KEYED_WORKERS, (e) -> e.options().workers());
		gauge(registry, EventBusMetricNames.KEYED_LANES, KeyedExecutor::activeLanes);
		gauge(registry, EventBusMetricNames.KEYED_PRESSURE, (e) -> e.isUnderPressure() ? 1 : 0);
		MeterDefinition pressureTime = EventBusMetricNames.KEYED_PRESSURE_TIME;
		FunctionCounter
			.builder(pressureTime.name(), this.executor,
					(e) -> e.timeUnderPressure().toNanos() / (double) TimeUnit.SECONDS.toNanos(1))
			.description(pressureTime.description())
			.baseUnit(pressureTime.baseUnit())
			.tags(this.tags)
			.register(registry);
	}

	private void gauge(MeterRegistry registry, MeterDefinition meter,
			java.util.function.ToDoubleFunction<KeyedExecutor> value) {
		Gauge.builder(meter.name(), this.executor, value)
			.description(meter.description())
			.tags(this.tags)
			.register(registry);
	}

}

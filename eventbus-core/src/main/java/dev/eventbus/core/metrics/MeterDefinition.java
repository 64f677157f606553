package dev.eventbus.core.metrics;

import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * One entry of the {@link EventBusMetricNames meter catalogue}: name, kind, unit, description and
 * tag keys. Immutable.
 *
 * @param name lowercase dotted Micrometer name, without a unit
 * @param type kind of meter
 * @param baseUnit base unit, or null for plain counts
 * @param description what the meter measures
 * @param tagKeys the tag keys the meter carries (all of bounded cardinality)
 */
public record MeterDefinition(String name, Type type, @Nullable String baseUnit, String description,
		List<String> tagKeys) {

	/** Kinds of meters in the catalogue. */
	public enum Type {

		/** A Micrometer {@code Timer}. */
		TIMER,

		/** A Micrometer {@code Gauge} (or {@code TimeGauge}). */
		GAUGE,

		/** A Micrometer {@code FunctionCounter}. */
		COUNTER

	}

	/**
	 * @param name meter name
	 * @param type kind
	 * @param baseUnit unit or null
	 * @param description description
	 * @param tagKeys tag keys
	 */
	public MeterDefinition {
		tagKeys = List.copyOf(tagKeys);
	}

	/**
	 * The name of the main series in the Prometheus exposition format: timers expose
	 * {@code <name>_seconds_count}, {@code _sum} and {@code _max}; counters {@code <name>_total}.
	 * @return the Prometheus series name (for timers, the {@code _count} series)
	 */
	public String prometheusName() {
		String base = this.name.replace('.', '_').toLowerCase(Locale.ROOT);
		if (this.baseUnit != null && !base.endsWith("_" + this.baseUnit)) {
			base = base + "_" + this.baseUnit;
		}
		return switch (this.type) {
			case TIMER -> base + "_count";
			case COUNTER -> base + "_total";
			case GAUGE -> base;
		};
	}

}

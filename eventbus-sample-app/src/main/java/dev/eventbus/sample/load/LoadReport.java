package dev.eventbus.sample.load;

import java.util.Arrays;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * The result of one load run, printed as a table ({@link #toText()}) and as JSON (the record's
 * components).
 *
 * @param runId run id (the {@code run} field of every event)
 * @param mode {@code verify} or {@code publish} (then the handling fields stay 0 and the success
 * rate counts acknowledgements)
 * @param transport {@code kafka}, {@code nats} or {@code memory}
 * @param scenario the {@code eventbus.scenario} in effect, or {@code default}
 * @param topic load topic
 * @param events events requested
 * @param keys keys
 * @param payloadBytes approximate payload size requested
 * @param rate requested publish rate, 0 for as fast as possible
 * @param sent publish calls made
 * @param acknowledged publishes the broker acknowledged
 * @param publishFailures publishes that failed (rejected at the call or completed exceptionally)
 * @param handled events handled at least once (first deliveries)
 * @param deliveries handler invocations, duplicates included
 * @param duplicates deliveries of an event already handled
 * @param lost acknowledged events never handled within the timeout
 * @param successRatePercent handled / sent (publish mode: acknowledged / sent), in percent
 * @param orderViolations first deliveries that came after a later event of the same key
 * @param publishSeconds time from the first publish to the last acknowledgement
 * @param endToEndSeconds time from the first publish to the last first delivery
 * @param publishThroughput acknowledged events per second of publishing
 * @param endToEndThroughput handled events per second, end to end
 * @param latencyMillis end-to-end latency (publish call to handler) of first deliveries
 * @param liveThreads live JVM threads at the end of the run
 * @param peakThreads peak live JVM threads since the JVM started
 * @param heapUsedMb heap in use at the end of the run, in MiB
 * @param heapMaxMb maximum heap, in MiB
 * @param firstPublishError the first publish failure, if any
 * @param passed whether every sent event was acknowledged and handled, with no order violation
 */
public record LoadReport(String runId, String mode, String transport, String scenario, String topic, long events, int keys,
		int payloadBytes, int rate, long sent, long acknowledged, long publishFailures, long handled, long deliveries,
		long duplicates, long lost, double successRatePercent, long orderViolations, double publishSeconds,
		double endToEndSeconds, double publishThroughput, double endToEndThroughput, Latency latencyMillis,
		int liveThreads, int peakThreads, long heapUsedMb, long heapMaxMb, @Nullable String firstPublishError,
		boolean passed) {

	/**
	 * Latency percentiles in milliseconds.
	 *
	 * @param p50 median
	 * @param p95 95th percentile
	 * @param p99 99th percentile
	 * @param max maximum
	 */
	public record Latency(double p50, double p95, double p99, double max) {

		static Latency of(long[] micros, int count) {
			if (count == 0) {
				return new Latency(0, 0, 0, 0);
			}
			long[] sorted = Arrays.copyOf(micros, count);
			Arrays.sort(sorted);
			return new Latency(percentile(sorted, 50), percentile(sorted, 95), percentile(sorted, 99),
					sorted[count - 1] / 1000.0);
		}

		private static double percentile(long[] sorted, double percent) {
			int index = (int) Math.ceil(percent / 100.0 * sorted.length) - 1;
			return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1000.0;
		}

	}

	/** @return the report as an aligned table */
	public String toText() {
		StringBuilder text = new StringBuilder();
		text.append("==== EventBus load report ").append(this.passed ? "(PASS)" : "(FAIL)").append(" ====\n");
		row(text, "run", this.runId);
		row(text, "transport / scenario", this.transport + " / " + this.scenario);
		if (!"verify".equals(this.mode)) {
			row(text, "mode", this.mode + " (handling not verified in this process)");
		}
		row(text, "topic", this.topic);
		row(text, "events x keys x payload", this.events + " x " + this.keys + " x " + this.payloadBytes + " B"
				+ ((this.rate > 0) ? " at " + this.rate + "/s" : " (as fast as possible)"));
		row(text, "sent", Long.toString(this.sent));
		row(text, "acknowledged", Long.toString(this.acknowledged));
		row(text, "publish failures", this.publishFailures
				+ ((this.firstPublishError != null) ? " (first: " + this.firstPublishError + ")" : ""));
		row(text, "handled", Long.toString(this.handled));
		row(text, "success rate", format("%.2f %%", this.successRatePercent));
		row(text, "lost (acked, not handled)", Long.toString(this.lost));
		row(text, "duplicates", this.duplicates + " (deliveries " + this.deliveries + ")");
		row(text, "per-key order violations", Long.toString(this.orderViolations));
		row(text, "publish throughput", format("%.0f events/s over %.2f s", this.publishThroughput, this.publishSeconds));
		row(text, "end-to-end throughput",
				format("%.0f events/s over %.2f s", this.endToEndThroughput, this.endToEndSeconds));
		row(text, "latency p50 / p95 / p99 / max", format("%.1f / %.1f / %.1f / %.1f ms", this.latencyMillis.p50(),
				this.latencyMillis.p95(), this.latencyMillis.p99(), this.latencyMillis.max()));
		row(text, "live threads (peak)", this.liveThreads + " (" + this.peakThreads + ")");
		row(text, "heap used / max", this.heapUsedMb + " MiB / " + this.heapMaxMb + " MiB");
		return text.toString();
	}

	private static void row(StringBuilder text, String name, String value) {
		text.append(String.format(Locale.ROOT, "%-31s %s%n", name, value));
	}

	private static String format(String pattern, Object... args) {
		return String.format(Locale.ROOT, pattern, args);
	}

}

package dev.eventbus.reliability;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads the producer's and the consumers' {@link Journal journals} and reports what a user of the bus
 * cares about: were all accepted events handled, how many were handled twice, was the per-key order
 * kept, were two handlers of one key ever in progress at once, how long did delivery take.
 *
 * <p>Definitions:
 * <ul>
 * <li><b>accepted</b>: publishes whose future completed normally (an {@code A} record).</li>
 * <li><b>handled</b>: distinct event ids with at least one {@code H} record.</li>
 * <li><b>lost</b>: accepted but never handled.</li>
 * <li><b>duplicates</b>: {@code H} records beyond the first of each event id.</li>
 * <li><b>order violations</b>: first deliveries of a key, taken in the order their handlers
 * started, whose sequence is lower than one already delivered for that key.</li>
 * <li><b>concurrent same-key handling</b>: deliveries (duplicates included) of one key whose
 * handler started before an earlier one of that key had finished, in any JVM.</li>
 * <li><b>latency</b>: handler end minus publish call, for first deliveries.</li>
 * </ul>
 * Stateless; safe to call from any thread while the journals are still being written (a line being
 * written at that moment is skipped).
 */
public final class Verifier {

	private static final int SAMPLE_SIZE = 5;

	private Verifier() {
	}

	/**
	 * Verifies a run.
	 * @param producerJournals journals with {@code A}/{@code F} records
	 * @param consumerJournals journals with {@code H}/{@code T}/{@code S} records
	 * @return the report
	 */
	public static Report verify(Collection<Path> producerJournals, Collection<Path> consumerJournals) {
		Set<String> accepted = new HashSet<>();
		Map<String, String> failed = new HashMap<>();
		Map<String, Integer> failuresByException = new TreeMap<>();
		Map<String, String> failureMessages = new TreeMap<>();
		for (Path journal : producerJournals) {
			for (String[] fields : read(journal)) {
				if (fields[0].equals("A") && fields.length >= 4) {
					accepted.add(fields[1]);
				}
				else if (fields[0].equals("F") && fields.length >= 6) {
					failed.put(fields[1], fields[4]);
					failuresByException.merge(fields[4], 1, Integer::sum);
					failureMessages.putIfAbsent(fields[4], fields[5]);
				}
			}
		}
		failed.keySet().removeAll(accepted);

		List<Delivery> deliveries = new ArrayList<>();
		int maxThreads = 0;
		long maxHeap = 0;
		int line = 0;
		for (Path journal : consumerJournals) {
			for (String[] fields : read(journal)) {
				line++;
				if (fields[0].equals("H") && fields.length >= 9) {
					deliveries.add(new Delivery(fields[1], fields[2], Long.parseLong(fields[3]), Long.parseLong(fields[4]),
							Long.parseLong(fields[5]), Long.parseLong(fields[6]), Long.parseLong(fields[7]), line));
				}
				else if (fields[0].equals("T") && fields.length >= 5) {
					maxThreads = Math.max(maxThreads, Integer.parseInt(fields[3]));
					maxHeap = Math.max(maxHeap, Long.parseLong(fields[4]));
				}
			}
		}
		deliveries.sort(Comparator.comparingLong(Delivery::startMicros).thenComparingInt(Delivery::line));

		Set<String> handled = new HashSet<>();
		Map<String, Long> highestSeq = new HashMap<>();
		Map<String, Delivery> lastOfKey = new HashMap<>();
		int duplicates = 0;
		List<String> orderSamples = new ArrayList<>();
		int orderViolations = 0;
		List<String> overlapSamples = new ArrayList<>();
		int overlaps = 0;
		long[] latencies = new long[deliveries.size()];
		int latencyCount = 0;
		int handledUnacknowledged = 0;
		for (Delivery delivery : deliveries) {
			Delivery previous = lastOfKey.get(delivery.key());
			if (previous != null && delivery.startMicros() < previous.endMicros()) {
				overlaps++;
				sample(overlapSamples, "key " + delivery.key() + ": seq " + delivery.seq() + " (pid " + delivery.pid()
						+ ") started while seq " + previous.seq() + " (pid " + previous.pid() + ") was in progress");
			}
			if (previous == null || delivery.endMicros() > previous.endMicros()) {
				lastOfKey.put(delivery.key(), delivery);
			}
			if (!handled.add(delivery.eventId())) {
				duplicates++;
				continue;
			}
			if (!accepted.contains(delivery.eventId())) {
				handledUnacknowledged++;
			}
			Long highest = highestSeq.get(delivery.key());
			if (highest != null && delivery.seq() < highest) {
				orderViolations++;
				sample(orderSamples, "key " + delivery.key() + ": seq " + delivery.seq() + " first handled after seq "
						+ highest + " (pid " + delivery.pid() + ")");
			}
			else {
				highestSeq.put(delivery.key(), delivery.seq());
			}
			latencies[latencyCount++] = Math.max(0, delivery.endMicros() / 1000 - delivery.sentAtMillis());
		}
		List<String> lostSamples = new ArrayList<>();
		int lost = 0;
		for (String id : accepted) {
			if (!handled.contains(id)) {
				lost++;
				sample(lostSamples, id);
			}
		}
		long[] sorted = Arrays.copyOf(latencies, latencyCount);
		Arrays.sort(sorted);
		return new Report(accepted.size(), failed.size(), failuresByException, failureMessages, handled.size(),
				deliveries.size(), lost, lostSamples, duplicates, orderViolations, orderSamples, overlaps, overlapSamples,
				handledUnacknowledged, percentile(sorted, 0.50), percentile(sorted, 0.99),
				(sorted.length == 0) ? 0 : sorted[sorted.length - 1], maxThreads, maxHeap);
	}

	private static long percentile(long[] sorted, double quantile) {
		if (sorted.length == 0) {
			return 0;
		}
		return sorted[Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1)];
	}

	private static void sample(List<String> samples, String text) {
		if (samples.size() < SAMPLE_SIZE) {
			samples.add(text);
		}
	}

	private static List<String[]> read(Path journal) {
		List<String[]> records = new ArrayList<>();
		if (!Files.exists(journal)) {
			return records;
		}
		try (BufferedReader reader = Files.newBufferedReader(journal, StandardCharsets.UTF_8)) {
			StringBuilder pending = new StringBuilder();
			int next;
			// Read by character so a last line still being written (no newline yet) is left out.
			char[] buffer = new char[65536];
			while ((next = reader.read(buffer)) != -1) {
				int from = 0;
				for (int i = 0; i < next; i++) {
					if (buffer[i] == '\n') {
						pending.append(buffer, from, i - from);
						if (pending.length() > 0) {
							records.add(pending.toString().split(",", -1));
						}
						pending.setLength(0);
						from = i + 1;
					}
				}
				pending.append(buffer, from, next - from);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("could not read journal " + journal, ex);
		}
		return records;
	}

	private record Delivery(String eventId, String key, long seq, long sentAtMillis, long startMicros,
			long endMicros, long pid, int line) {
	}

	/**
	 * The result of one verification.
	 *
	 * @param accepted publishes acknowledged by the broker
	 * @param failedPublishes publishes that failed with an exception (and were not acknowledged)
	 * @param failuresByException failed publishes per exception class
	 * @param failureMessages one message per exception class
	 * @param handled distinct events handled
	 * @param deliveries handler completions, duplicates included
	 * @param lost accepted but never handled
	 * @param lostSamples a few lost event ids
	 * @param duplicates deliveries beyond the first
	 * @param orderViolations first deliveries out of per-key order
	 * @param orderSamples a few violations
	 * @param concurrentSameKey same-key handlers in progress at once
	 * @param concurrentSamples a few of those
	 * @param handledUnacknowledged handled events whose publish was not (or not yet) acknowledged
	 * @param p50LatencyMillis median publish-to-handled latency
	 * @param p99LatencyMillis 99th percentile latency
	 * @param maxLatencyMillis largest latency
	 * @param maxLiveThreads largest live-thread sample of any consumer
	 * @param maxHeapUsedBytes largest used-heap sample of any consumer
	 */
	public record Report(int accepted, int failedPublishes, Map<String, Integer> failuresByException,
			Map<String, String> failureMessages, int handled, int deliveries, int lost, List<String> lostSamples,
			int duplicates, int orderViolations, List<String> orderSamples, int concurrentSameKey,
			List<String> concurrentSamples, int handledUnacknowledged, long p50LatencyMillis, long p99LatencyMillis,
			long maxLatencyMillis, int maxLiveThreads, long maxHeapUsedBytes) {

		/** @return whether nothing was lost, reordered or handled concurrently */
		public boolean clean() {
			return this.lost == 0 && this.orderViolations == 0 && this.concurrentSameKey == 0;
		}

		/**
		 * The report as a Markdown table, with samples of each problem under it.
		 * @param title the run's name, first row
		 * @return the table
		 */
		public String toTable(String title) {
			Map<String, Object> rows = new LinkedHashMap<>();
			rows.put("run", title);
			rows.put("accepted publishes", this.accepted);
			rows.put("failed publishes (exception)", this.failedPublishes
					+ (this.failuresByException.isEmpty() ? "" : " " + this.failuresByException));
			rows.put("handled (distinct)", this.handled);
			rows.put("deliveries", this.deliveries);
			rows.put("lost", this.lost);
			rows.put("duplicates", this.duplicates);
			rows.put("per-key order violations", this.orderViolations);
			rows.put("same key in progress twice", this.concurrentSameKey);
			rows.put("handled but not acknowledged", this.handledUnacknowledged);
			rows.put("latency p50 / p99 / max (ms)",
					this.p50LatencyMillis + " / " + this.p99LatencyMillis + " / " + this.maxLatencyMillis);
			rows.put("max live threads (consumer)", this.maxLiveThreads);
			rows.put("max heap used (consumer, MiB)", this.maxHeapUsedBytes / (1024 * 1024));
			StringBuilder table = new StringBuilder("| metric | value |\n|---|---|\n");
			rows.forEach((name, value) -> table.append("| ").append(name).append(" | ").append(value).append(" |\n"));
			appendSamples(table, "lost", this.lostSamples);
			appendSamples(table, "order", this.orderSamples);
			appendSamples(table, "concurrent", this.concurrentSamples);
			this.failureMessages.forEach((type, message) -> table.append("\nfailed publish: ").append(type).append(": ")
				.append(message));
			return table.toString();
		}

		private static void appendSamples(StringBuilder table, String kind, List<String> samples) {
			for (String sample : samples) {
				table.append("\n").append(kind).append(": ").append(sample);
			}
		}

	}

}

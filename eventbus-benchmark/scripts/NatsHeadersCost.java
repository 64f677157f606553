import java.lang.management.ManagementFactory;

import io.nats.client.impl.Headers;

/**
 * What building the nine NATS headers of an event costs, and what jnats adds when it freezes headers
 * that are not read-only into a copy: CPU time and allocated bytes per build (the id string included),
 * three ways: {@code add} then jnats' copy (the bus before issue 15), {@code put} then the copy, and
 * {@code put} on headers that say they are read-only (no copy; the bus after). No server needed:
 * <pre>
 * java -cp ~/.m2/repository/io/nats/jnats/2.26.2/jnats-2.26.2.jar eventbus-benchmark/scripts/NatsHeadersCost.java
 * </pre>
 */
public class NatsHeadersCost {

	private static final String[] NAMES = { "ce-specversion", "ce-id", "ce-source", "ce-type", "ce-time", "ce-subject",
			"ce-eventversion", "content-type", "Nats-Msg-Id" };

	private static final String[] MODES = { "add + jnats' copy", "put + jnats' copy", "put, read-only (no copy)" };

	static final class ReadOnly extends Headers {

		@Override
		public boolean isReadOnly() {
			return true;
		}

	}

	public static void main(String[] args) {
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		long sink = 0;
		int n = 500_000;
		for (int round = 0; round < 6; round++) {
			for (int mode = 0; mode < 3; mode++) {
				long cpu = threads.getCurrentThreadCpuTime();
				long allocated = threads.getCurrentThreadAllocatedBytes();
				for (int i = 0; i < n; i++) {
					String id = "0190f1c2-7d3a-7b2c-9e1f-" + (100_000_000_000L + i);
					String[] values = { "1.0", id, "benchmark", "Bench", "2026-01-01T00:00:00.000Z", "key-" + (i % 1000),
							"1", "application/json", id };
					Headers headers = (mode == 2) ? new ReadOnly() : new Headers();
					for (int k = 0; k < NAMES.length; k++) {
						if (mode == 0) {
							headers.add(NAMES[k], values[k]);
						}
						else {
							headers.put(NAMES[k], values[k]);
						}
					}
					// what NatsPublishableMessage does with headers that are not read-only
					Headers sent = headers.isReadOnly() ? headers : new Headers(headers, true, null);
					sink += sent.serializedLength();
				}
				if (round >= 3) {
					System.out.printf("round %d, %s: %.0f ns, %d B per build%n", round, MODES[mode],
							(threads.getCurrentThreadCpuTime() - cpu) / (double) n,
							(threads.getCurrentThreadAllocatedBytes() - allocated) / n);
				}
			}
		}
		System.out.println("(checksum " + sink + ")");
	}

}

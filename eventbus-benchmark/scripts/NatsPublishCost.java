import java.lang.management.ManagementFactory;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.nats.NatsEventBus;
import dev.eventbus.core.nats.NatsOptions;

/**
 * What one publish costs the calling thread: CPU time and allocated bytes per 1 KiB event, measured
 * with {@code ThreadMXBean} (unlike throughput, neither depends much on what else the machine runs).
 * A single-file program, so that it runs against any build of the benchmark jar:
 * <pre>
 * java -cp eventbus-benchmark/target/benchmarks.jar eventbus-benchmark/scripts/NatsPublishCost.java \
 *     nats://127.0.0.1:14222 50000 4
 * </pre>
 * Arguments: server URL, events per round, rounds (the first rounds are JIT warm-up).
 */
public class NatsPublishCost {

	public static void main(String[] args) throws Exception {
		String url = args[0];
		int events = Integer.parseInt(args[1]);
		int rounds = Integer.parseInt(args[2]);
		String payload = "x".repeat(1024);
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		try (NatsEventBus bus = NatsEventBus.builder(NatsOptions.builder().servers(url).build()).build()) {
			for (int round = 0; round < rounds; round++) {
				String topic = "publish-cost-" + UUID.randomUUID().toString().substring(0, 8);
				bus.publish(topic, Envelope.of("k", "Bench", payload)).get(30, TimeUnit.SECONDS);
				long start = System.nanoTime();
				long cpu = threads.getCurrentThreadCpuTime();
				long allocated = threads.getCurrentThreadAllocatedBytes();
				CompletableFuture<?> last = null;
				for (int i = 0; i < events; i++) {
					last = bus.publish(topic, Envelope.of("key-" + (i % 1000), "Bench", payload));
				}
				last.get(60, TimeUnit.SECONDS);
				cpu = threads.getCurrentThreadCpuTime() - cpu;
				allocated = threads.getCurrentThreadAllocatedBytes() - allocated;
				double seconds = (System.nanoTime() - start) / 1e9;
				System.out.printf("round %d: %.0f msg/s, caller cpu %.2f us/msg, alloc %d B/msg%n", round,
						events / seconds, cpu / 1e3 / events, allocated / events);
			}
		}
	}

}

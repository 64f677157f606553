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
 * Arguments: server URL, events per round, rounds (the first rounds are JIT warm-up), and optionally
 * {@code bus-bytes} (the bus with a 1 KiB {@code byte[]} payload, sent as it is, instead of a 1 KiB
 * string the JSON codec encodes), {@code raw} or {@code raw-headers}: the same 1 KiB through raw jnats {@code publishAsync} (without
 * headers, or with the bus's CloudEvents headers and {@code Nats-Msg-Id}), 2,048 un-acknowledged
 * at most as the bus's window, for the caller's cost of the client alone.
 */
public class NatsPublishCost {

	public static void main(String[] args) throws Exception {
		String url = args[0];
		int events = Integer.parseInt(args[1]);
		int rounds = Integer.parseInt(args[2]);
		String payload = "x".repeat(1024);
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		Object payloadObject = (args.length > 3 && "bus-bytes".equals(args[3]))
				? payload.getBytes(java.nio.charset.StandardCharsets.UTF_8) : payload;
		if (args.length > 3 && args[3].startsWith("raw")) {
			raw(url, events, rounds, "raw-headers".equals(args[3]), threads);
			return;
		}
		try (NatsEventBus bus = NatsEventBus.builder(NatsOptions.builder().servers(url).build()).build()) {
			for (int round = 0; round < rounds; round++) {
				String topic = "publish-cost-" + UUID.randomUUID().toString().substring(0, 8);
				bus.publish(topic, Envelope.of("k", "Bench", payload)).get(30, TimeUnit.SECONDS);
				long start = System.nanoTime();
				long cpu = threads.getCurrentThreadCpuTime();
				long allocated = threads.getCurrentThreadAllocatedBytes();
				CompletableFuture<?> last = null;
				for (int i = 0; i < events; i++) {
					last = bus.publish(topic, Envelope.of("key-" + (i % 1000), "Bench", payloadObject));
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

	private static void raw(String url, int events, int rounds, boolean withHeaders,
			com.sun.management.ThreadMXBean threads) throws Exception {
		byte[] payload = "x".repeat(1024).getBytes(java.nio.charset.StandardCharsets.UTF_8);
		try (io.nats.client.Connection connection = io.nats.client.Nats.connect(url)) {
			io.nats.client.JetStream js = connection.jetStream();
			io.nats.client.JetStreamManagement jsm = connection.jetStreamManagement();
			for (int round = 0; round < rounds; round++) {
				String subject = "publish-cost-raw-" + UUID.randomUUID().toString().substring(0, 8);
				jsm.addStream(io.nats.client.api.StreamConfiguration.builder()
					.name(subject.toUpperCase(java.util.Locale.ROOT))
					.subjects(subject)
					.storageType(io.nats.client.api.StorageType.File)
					.discardPolicy(io.nats.client.api.DiscardPolicy.New)
					.build());
				java.util.concurrent.Semaphore window = new java.util.concurrent.Semaphore(2048);
				long start = System.nanoTime();
				long cpu = threads.getCurrentThreadCpuTime();
				long allocated = threads.getCurrentThreadAllocatedBytes();
				CompletableFuture<?> last = null;
				for (int i = 0; i < events; i++) {
					window.acquire();
					io.nats.client.impl.Headers headers = null;
					if (withHeaders) {
						String id = dev.eventbus.core.api.EventIds.next();
						headers = new io.nats.client.impl.Headers().put("ce-specversion", "1.0")
							.put("ce-id", id)
							.put("ce-source", "benchmark")
							.put("ce-type", "Bench")
							.put("ce-time", java.time.Instant.now().toString())
							.put("ce-subject", "key-" + (i % 1000))
							.put("ce-eventversion", "1")
							.put("content-type", "application/json")
							.put("Nats-Msg-Id", id);
					}
					last = js.publishAsync(subject, headers, payload).whenComplete((ack, error) -> window.release());
				}
				last.get(60, TimeUnit.SECONDS);
				cpu = threads.getCurrentThreadCpuTime() - cpu;
				allocated = threads.getCurrentThreadAllocatedBytes() - allocated;
				double seconds = (System.nanoTime() - start) / 1e9;
				System.out.printf("round %d: %.0f msg/s, caller cpu %.2f us/msg, alloc %d B/msg%n", round,
						events / seconds, cpu / 1e3 / events, allocated / events);
				jsm.deleteStream(subject.toUpperCase(java.util.Locale.ROOT));
			}
		}
	}

}

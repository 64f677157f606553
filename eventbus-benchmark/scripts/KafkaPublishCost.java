import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.codec.EnvelopeCodec;
import dev.eventbus.core.codec.HeaderStyle;
import dev.eventbus.core.codec.JsonPayloadCodec;
import dev.eventbus.core.codec.WireMessage;
import dev.eventbus.core.kafka.KafkaClientFactories;
import dev.eventbus.core.kafka.KafkaEventBus;
import dev.eventbus.core.kafka.KafkaOptions;
import dev.eventbus.core.kafka.KafkaProducerOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * What one Kafka publish of a 1 KiB event costs the calling thread (CPU time and allocated bytes,
 * from {@code ThreadMXBean}), and the whole process's CPU per event, for the raw producer (bare
 * record, then with the CloudEvents headers) and the bus (default flush-messages 100, then 0), in
 * alternating rounds against one in-JVM KRaft broker. Kafka compresses on the calling thread, so the
 * caller's CPU per event bounds the publish rate on a busy machine; unlike throughput it barely
 * depends on what else the machine runs. A single-file program, runs against any build of the jar:
 * <pre>
 * java -Xmx2g -cp eventbus-benchmark/target/benchmarks.jar eventbus-benchmark/scripts/KafkaPublishCost.java 100000 4
 * </pre>
 * Arguments: events per round, rounds (the first round is JIT warm-up and not printed in the summary).
 */
public class KafkaPublishCost {

	private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory
		.getThreadMXBean();

	private static final com.sun.management.OperatingSystemMXBean OS = (com.sun.management.OperatingSystemMXBean) ManagementFactory
		.getOperatingSystemMXBean();

	public static void main(String[] args) throws Exception {
		int events = Integer.parseInt(args[0]);
		int rounds = Integer.parseInt(args[1]);
		Random random = new Random(42);
		String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
		String[] payloads = new String[1000];
		byte[][] values = new byte[1000][];
		for (int i = 0; i < payloads.length; i++) {
			StringBuilder text = new StringBuilder(1022);
			for (int c = 0; c < 1022; c++) {
				text.append(alphabet.charAt(random.nextInt(alphabet.length())));
			}
			payloads[i] = text.toString();
			values[i] = ("\"" + payloads[i] + "\"").getBytes(StandardCharsets.UTF_8);
		}
		EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 12, "publish-cost");
		broker.afterPropertiesSet();
		try {
			KafkaOptions options = KafkaOptions.builder().bootstrapServers(broker.getBrokersAsString()).build();
			KafkaOptions noCount = options.toBuilder()
				.producer(KafkaProducerOptions.builder().flushMessages(0).build())
				.build();
			EnvelopeCodec codec = new EnvelopeCodec(new JsonPayloadCodec());
			String[] names = { "raw bare", "raw + CloudEvents headers", "bus (flush-messages 100)", "bus (flush-messages 0)" };
			double[][] cpu = new double[names.length][rounds];
			try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClientFactories.producerConfig(options));
					KafkaEventBus bus = KafkaEventBus.builder(options).build();
					KafkaEventBus busNoCount = KafkaEventBus.builder(noCount).build()) {
				for (int round = 0; round < rounds; round++) {
					for (int variant = 0; variant < names.length; variant++) {
						long start = System.nanoTime();
						long threadCpu = THREADS.getCurrentThreadCpuTime();
						long processCpu = OS.getProcessCpuTime();
						long allocated = THREADS.getCurrentThreadAllocatedBytes();
						switch (variant) {
							case 0 -> raw(producer, values, null, events);
							case 1 -> raw(producer, values, codec, events);
							case 2 -> bus(bus, payloads, events);
							default -> bus(busNoCount, payloads, events);
						}
						threadCpu = THREADS.getCurrentThreadCpuTime() - threadCpu;
						processCpu = OS.getProcessCpuTime() - processCpu;
						allocated = THREADS.getCurrentThreadAllocatedBytes() - allocated;
						double seconds = (System.nanoTime() - start) / 1e9;
						cpu[variant][round] = threadCpu / 1e3 / events;
						System.out.printf("round %d %-28s %,8.0f msg/s  caller cpu %5.2f us/msg  process cpu %5.2f us/msg  caller alloc %,6d B/msg%n",
								round, names[variant], events / seconds, threadCpu / 1e3 / events,
								processCpu / 1e3 / events, allocated / events);
					}
				}
			}
			System.out.println("caller cpu per event, rounds 1.." + (rounds - 1) + " (us):");
			for (int variant = 0; variant < names.length; variant++) {
				StringBuilder line = new StringBuilder(String.format("  %-28s", names[variant]));
				for (int round = 1; round < rounds; round++) {
					line.append(String.format(" %5.2f (%.2f× raw)", cpu[variant][round], cpu[0][round] / cpu[variant][round]));
				}
				System.out.println(line);
			}
		}
		finally {
			broker.destroy();
		}
	}

	private static void raw(KafkaProducer<String, byte[]> producer, byte[][] values, EnvelopeCodec codec, int n)
			throws InterruptedException {
		CountDownLatch acked = new CountDownLatch(n);
		for (int i = 0; i < n; i++) {
			String key = "agg-" + (i % 1000);
			ProducerRecord<String, byte[]> record;
			if (codec == null) {
				record = new ProducerRecord<>("publish-cost", key, values[i % values.length]);
			}
			else {
				WireMessage wire = codec.encode(Envelope.builder("Bench", "").aggregateId(key).source("eventbus").build(),
						HeaderStyle.KAFKA);
				List<Header> headers = new ArrayList<>();
				wire.headers().forEach((name, value) -> headers.add(new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8))));
				record = new ProducerRecord<>("publish-cost", null, key, values[i % values.length], headers);
			}
			producer.send(record, (metadata, error) -> acked.countDown());
		}
		if (!acked.await(120, TimeUnit.SECONDS)) {
			throw new IllegalStateException("raw publish not acknowledged in 120 s");
		}
	}

	private static void bus(KafkaEventBus bus, String[] payloads, int n) throws InterruptedException {
		CountDownLatch acked = new CountDownLatch(n);
		for (int i = 0; i < n; i++) {
			bus.publish("publish-cost", Envelope.of("agg-" + (i % 1000), "Bench", payloads[i % payloads.length]))
				.whenComplete((receipt, error) -> acked.countDown());
		}
		if (!acked.await(120, TimeUnit.SECONDS)) {
			throw new IllegalStateException("bus publish not acknowledged in 120 s");
		}
	}

}

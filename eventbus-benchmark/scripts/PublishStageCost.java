import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.codec.EnvelopeCodec;
import dev.eventbus.core.codec.HeaderStyle;
import dev.eventbus.core.codec.JsonPayloadCodec;
import dev.eventbus.core.codec.WireMessage;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * What the bus's publish stages cost before the Kafka producer sees the record, in ns of the calling
 * thread's CPU per 1 KiB event, no broker involved: building the envelope (id, time, checks),
 * encoding the payload to JSON, the CloudEvents headers, and turning them into Kafka headers.
 * <pre>
 * java -cp eventbus-benchmark/target/benchmarks.jar eventbus-benchmark/scripts/PublishStageCost.java 1000000 5
 * </pre>
 */
public class PublishStageCost {

	static volatile Object sink;

	public static void main(String[] args) {
		int events = Integer.parseInt(args[0]);
		int rounds = Integer.parseInt(args[1]);
		Random random = new Random(42);
		String[] payloads = new String[1000];
		for (int i = 0; i < payloads.length; i++) {
			StringBuilder text = new StringBuilder(1022);
			for (int c = 0; c < 1022; c++) {
				text.append((char) ('a' + random.nextInt(26)));
			}
			payloads[i] = text.toString();
		}
		String[] keys = new String[1000];
		for (int i = 0; i < keys.length; i++) {
			keys[i] = "agg-" + i;
		}
		EnvelopeCodec codec = new EnvelopeCodec(new JsonPayloadCodec());
		JsonPayloadCodec json = new JsonPayloadCodec();
		Envelope<String> fixed = Envelope.of("agg-1", "Bench", payloads[0]).toBuilder().source("eventbus").build();
		WireMessage wire = codec.encode(fixed, HeaderStyle.KAFKA);
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		String[] names = { "Envelope.of + source", "JSON payload (1 KiB string)", "codec.encode (headers + payload)",
				"Kafka headers from the map" };
		for (int round = 0; round < rounds; round++) {
			StringBuilder line = new StringBuilder("round " + round + ":");
			for (int stage = 0; stage < names.length; stage++) {
				long cpu = threads.getCurrentThreadCpuTime();
				long allocated = threads.getCurrentThreadAllocatedBytes();
				for (int i = 0; i < events; i++) {
					int k = i % 1000;
					switch (stage) {
						case 0 -> sink = Envelope.of(keys[k], "Bench", payloads[k]).toBuilder().source("eventbus").build();
						case 1 -> sink = json.encode(payloads[k]);
						case 2 -> sink = codec.encode(fixed, HeaderStyle.KAFKA);
						default -> {
							List<Header> headers = new ArrayList<>(wire.headers().size());
							wire.headers().forEach((name, value) -> headers.add(new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8))));
							sink = headers;
						}
					}
				}
				cpu = threads.getCurrentThreadCpuTime() - cpu;
				allocated = threads.getCurrentThreadAllocatedBytes() - allocated;
				line.append(String.format("  %s %.0f ns %d B", names[stage], (double) cpu / events, allocated / events));
			}
			System.out.println(line);
		}
	}

}

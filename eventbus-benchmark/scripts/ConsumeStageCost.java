import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.SubscriptionOptions;
import dev.eventbus.core.codec.EnvelopeCodec;
import dev.eventbus.core.codec.HeaderStyle;
import dev.eventbus.core.codec.JsonPayloadCodec;
import dev.eventbus.core.codec.WireMessage;
import dev.eventbus.core.keyed.KeyedExecutor;
import dev.eventbus.core.keyed.KeyedExecutorOptions;
import dev.eventbus.core.metrics.EventBusObserver;
import dev.eventbus.core.support.InboundMessage;
import dev.eventbus.core.support.SubscriptionDispatcher;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

/**
 * What each stage of the bus's consume path costs for one 1 KiB Kafka record, no broker involved: CPU
 * ns and allocated bytes per record of the thread running the stage (ThreadMXBean), after warm-up
 * rounds. The records are what the bus itself publishes (8 CloudEvents headers, key {@code agg-N},
 * a 1 KiB JSON string payload), built as the Kafka client hands them over ({@code RecordHeaders}).
 *
 * <p>Stages: the poll thread's {@code ConsumerRecord -> InboundMessage}, the same plus the first
 * header read (where the header strings are decoded, whichever thread does it), each part of
 * {@code EnvelopeCodec.decode} (called through method handles on the codec's private steps, so the
 * split is the code's own; on a ready {@code LinkedHashMap}, the same for every version of the bus),
 * the record-to-envelope work as a whole ({@code inbound} + {@code decode}, fresh headers per record) for
 * {@code byte[]}, {@code String} and a record payload,
 * the partition tracker's bookkeeping, and the dispatcher hand-off into a 64-worker keyed executor with
 * a no-op listener (the poll thread's CPU, and the whole process's CPU, per record), and the keyed
 * executor alone with tasks that do nothing (its share of that hand-off).
 * <pre>
 * java -cp eventbus-benchmark/target/benchmarks.jar eventbus-benchmark/scripts/ConsumeStageCost.java 1000000 5
 * </pre>
 */
public class ConsumeStageCost {

	/** A 1 KiB JSON object payload. */
	public record Order(String id, String note) {
	}

	static volatile Object sink;

	static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory
		.getThreadMXBean();

	static final com.sun.management.OperatingSystemMXBean OS = (com.sun.management.OperatingSystemMXBean) ManagementFactory
		.getOperatingSystemMXBean();

	public static void main(String[] args) throws Throwable {
		int events = Integer.parseInt(args[0]);
		int rounds = Integer.parseInt(args[1]);
		EnvelopeCodec codec = new EnvelopeCodec(new JsonPayloadCodec());
		JsonPayloadCodec json = new JsonPayloadCodec();
		String text = "x".repeat(1022);
		ConsumerRecord<String, byte[]>[] records = records(codec, text);
		byte[] orderJson = json.encode(new Order("order-1", "y".repeat(1000)));
		WireMessage[] wires = new WireMessage[records.length];

		MethodHandles.Lookup lookup = MethodHandles.lookup();
		Class<?> subscription = Class.forName("dev.eventbus.core.kafka.KafkaSubscription");
		MethodHandle inbound = MethodHandles.privateLookupIn(subscription, lookup)
			.findStatic(subscription, "inbound", MethodType.methodType(InboundMessage.class, ConsumerRecord.class));
		MethodHandles.Lookup codecLookup = MethodHandles.privateLookupIn(EnvelopeCodec.class, lookup);
		MethodHandle specVersion = codecLookup.findStatic(EnvelopeCodec.class, "checkSpecVersion",
				MethodType.methodType(void.class, WireMessage.class, HeaderStyle.class));
		MethodHandle required = codecLookup.findStatic(EnvelopeCodec.class, "required",
				MethodType.methodType(String.class, WireMessage.class, HeaderStyle.class, String.class));
		MethodHandle time = codecLookup.findStatic(EnvelopeCodec.class, "time",
				MethodType.methodType(Instant.class, WireMessage.class, HeaderStyle.class));
		MethodHandle eventVersion = codecLookup.findStatic(EnvelopeCodec.class, "eventVersion",
				MethodType.methodType(int.class, WireMessage.class, HeaderStyle.class));
		MethodHandle extensions = codecLookup.findStatic(EnvelopeCodec.class, "extensions",
				MethodType.methodType(Map.class, WireMessage.class, HeaderStyle.class));
		Class<?> trackerClass = Class.forName("dev.eventbus.core.kafka.PartitionTracker");
		Class<?> entryClass = Class.forName("dev.eventbus.core.kafka.PartitionTracker$Entry");
		MethodHandles.Lookup trackerLookup = MethodHandles.privateLookupIn(trackerClass, lookup);
		Object tracker = trackerLookup.findConstructor(trackerClass, MethodType.methodType(void.class, TopicPartition.class))
			.invoke(new TopicPartition("bench", 0));
		MethodHandle dispatched = trackerLookup.findVirtual(trackerClass, "dispatched",
				MethodType.methodType(entryClass, long.class));
		MethodHandle finished = trackerLookup.findVirtual(trackerClass, "finished",
				MethodType.methodType(void.class, entryClass));
		MethodHandle commitPoint = trackerLookup.findVirtual(trackerClass, "commitPoint", MethodType.methodType(long.class));
		MethodHandle markCommitted = trackerLookup.findVirtual(trackerClass, "markCommitted",
				MethodType.methodType(void.class, long.class));

		ConsumerRecord<String, byte[]>[] orderRecords = records(codec, text);
		for (int i = 0; i < records.length; i++) {
			// the codec's parts are measured on plain maps, the same in every version of the bus
			WireMessage w = ((InboundMessage) inbound.invoke(records[i])).wire();
			wires[i] = new WireMessage(w.key(), Collections.unmodifiableMap(new LinkedHashMap<>(w.headers())),
					w.payload());
			ConsumerRecord<String, byte[]> r = records[i];
			orderRecords[i] = new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.timestamp(),
					r.timestampType(), r.serializedKeySize(), orderJson.length, r.key(), orderJson, r.headers(),
					java.util.Optional.empty());
		}

		String[] names = { "poll thread: record -> InboundMessage", "record -> InboundMessage + first header read",
				"decode: specversion + id/type/source + 4 lookups", "decode: ce_time parse",
				"decode: eventversion parse", "decode: extensions scan", "decode: Envelope.builder().build()",
				"payload byte[] (pass-through)", "payload JSON -> String", "payload JSON -> record",
				"inbound + codec.decode, byte[] payload", "inbound + codec.decode, String payload",
				"inbound + codec.decode, record payload",
				"PartitionTracker dispatched + finished (+commit point every 500)" };
		HeaderStyle style = HeaderStyle.KAFKA;
		Instant now = Instant.now();
		long offset = 0;
		for (int round = 0; round < rounds; round++) {
			System.out.println("round " + round + ":");
			for (int stage = 0; stage < names.length; stage++) {
				long cpu = THREADS.getCurrentThreadCpuTime();
				long allocated = THREADS.getCurrentThreadAllocatedBytes();
				for (int i = 0; i < events; i++) {
					int k = i % records.length;
					WireMessage wire = wires[k];
					switch (stage) {
						case 0 -> sink = (InboundMessage) inbound.invoke(records[k]);
						case 1 -> sink = ((InboundMessage) inbound.invoke(records[k])).wire().header("ce_id");
						case 2 -> {
							specVersion.invoke(wire, style);
							sink = (String) required.invoke(wire, style, "id");
							sink = (String) required.invoke(wire, style, "type");
							sink = (String) required.invoke(wire, style, "source");
							sink = wire.header(style.header("subject"));
							sink = wire.header(style.header("traceparent"));
							sink = wire.header(style.header("correlationid"));
							sink = wire.header(style.header("tenantid"));
						}
						case 3 -> sink = (Instant) time.invoke(wire, style);
						case 4 -> sink = (int) eventVersion.invoke(wire, style);
						case 5 -> sink = (Map<?, ?>) extensions.invoke(wire, style);
						case 6 -> sink = Envelope.builder("Bench", wire.payload())
							.eventId("0190a5c1-0000-7000-8000-000000000000")
							.aggregateId(wire.key())
							.eventVersion(1)
							.time(now)
							.source("eventbus")
							.headers(Map.of())
							.build();
						case 7 -> sink = json.decode(wire.payload(), byte[].class);
						case 8 -> sink = json.decode(wire.payload(), String.class);
						case 9 -> sink = json.decode(orderJson, Order.class);
						case 10 -> sink = codec.decode(((InboundMessage) inbound.invoke(records[k])).wire(), style,
								byte[].class);
						case 11 -> sink = codec.decode(((InboundMessage) inbound.invoke(records[k])).wire(), style,
								String.class);
						case 12 -> sink = codec.decode(((InboundMessage) inbound.invoke(orderRecords[k])).wire(),
								style, Order.class);
						default -> {
							Object entry = dispatched.invoke(tracker, offset++);
							finished.invoke(tracker, entry);
							if (i % 500 == 0) {
								long point = (long) commitPoint.invoke(tracker);
								if (point >= 0) {
									markCommitted.invoke(tracker, point);
								}
							}
						}
					}
				}
				cpu = THREADS.getCurrentThreadCpuTime() - cpu;
				allocated = THREADS.getCurrentThreadAllocatedBytes() - allocated;
				System.out.println(String.format("  %-66s %6.0f ns %6d B", names[stage], (double) cpu / events,
						allocated / events));
			}
			handOff(codec, records, inbound, events);
			executorAlone(records, events);
		}
	}

	/**
	 * The dispatcher hand-off as the Kafka poll thread does it: {@code dispatch} into a 64-worker keyed
	 * executor (key-ordered, 1,000 keys) with a no-op listener, bounded by the executor's pending limit.
	 * Prints the poll thread's CPU and bytes per record, and the whole process's CPU per record (poll
	 * thread + workers: decode, envelope, context, completion, lane hand-off).
	 */
	static void handOff(EnvelopeCodec codec, ConsumerRecord<String, byte[]>[] records, MethodHandle inbound,
			int events) throws Throwable {
		int n = Math.max(events, 10_000);
		CountDownLatch done = new CountDownLatch(n);
		ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
		try (KeyedExecutor executor = KeyedExecutor.create(KeyedExecutorOptions.builder().workers(64).build())) {
			SubscriptionDispatcher<byte[]> dispatcher = new SubscriptionDispatcher<>("kafka", "bench", byte[].class,
					SubscriptionOptions.of("bench"), (envelope, context) -> done.countDown(), executor, codec,
					HeaderStyle.KAFKA, (deadLetter) -> CompletableFuture.completedFuture(null), scheduler,
					EventBusObserver.NOOP);
			BooleanSupplier revoked = () -> false;
			Duration maxWait = Duration.ofSeconds(10);
			long cpu = THREADS.getCurrentThreadCpuTime();
			long allocated = THREADS.getCurrentThreadAllocatedBytes();
			long processCpu = OS.getProcessCpuTime();
			long start = System.nanoTime();
			for (int i = 0; i < n; i++) {
				InboundMessage message = (InboundMessage) inbound.invoke(records[i % records.length]);
				dispatcher.dispatch(message, maxWait, revoked).whenComplete((outcome, error) -> sink = outcome);
			}
			long pollCpu = THREADS.getCurrentThreadCpuTime() - cpu;
			long pollAllocated = THREADS.getCurrentThreadAllocatedBytes() - allocated;
			if (!done.await(2, TimeUnit.MINUTES)) {
				throw new IllegalStateException("hand-off timed out: " + done.getCount() + " left");
			}
			long wall = System.nanoTime() - start;
			processCpu = OS.getProcessCpuTime() - processCpu;
			System.out.println(String.format("  %-66s %6.0f ns %6d B", "poll thread: header map + dispatch (hand-off)",
					(double) pollCpu / n, pollAllocated / n));
			System.out.println(String.format("  %-66s %6.0f ns   (%,.0f msg/s)",
					"process CPU per record, poll + 64 workers, no-op listener", (double) processCpu / n,
					n * 1e9 / wall));
		}
		finally {
			scheduler.shutdownNow();
		}
	}

	/**
	 * The keyed executor on its own, as the dispatcher uses it: {@code submitAsync} of a task whose stage
	 * is already complete, keyed by the records' 1,000 aggregate ids, 64 workers. Prints the submitting
	 * thread's CPU and the whole process's CPU per task: the executor's share of the hand-off.
	 */
	static void executorAlone(ConsumerRecord<String, byte[]>[] records, int events) throws Throwable {
		int n = Math.max(events, 10_000);
		CountDownLatch done = new CountDownLatch(n);
		try (KeyedExecutor executor = KeyedExecutor.create(KeyedExecutorOptions.builder().workers(64).build())) {
			Duration maxWait = Duration.ofSeconds(10);
			CompletableFuture<Object> complete = CompletableFuture.completedFuture("done");
			long cpu = THREADS.getCurrentThreadCpuTime();
			long allocated = THREADS.getCurrentThreadAllocatedBytes();
			long processCpu = OS.getProcessCpuTime();
			for (int i = 0; i < n; i++) {
				executor.submitAsync(records[i % records.length].key(), () -> {
					done.countDown();
					return complete;
				}, maxWait);
			}
			long submitCpu = THREADS.getCurrentThreadCpuTime() - cpu;
			long submitAllocated = THREADS.getCurrentThreadAllocatedBytes() - allocated;
			if (!done.await(2, TimeUnit.MINUTES)) {
				throw new IllegalStateException("executor run timed out: " + done.getCount() + " left");
			}
			processCpu = OS.getProcessCpuTime() - processCpu;
			System.out.println(String.format("  %-66s %6.0f ns %6d B", "keyed executor alone: submitting thread",
					(double) submitCpu / n, submitAllocated / n));
			System.out.println(String.format("  %-66s %6.0f ns", "keyed executor alone: process CPU per task",
					(double) processCpu / n));
		}
	}

	/** 1,000 records as the bus publishes them: its own codec's headers, as Kafka header bytes. */
	@SuppressWarnings("unchecked")
	static ConsumerRecord<String, byte[]>[] records(EnvelopeCodec codec, String payload) {
		ConsumerRecord<String, byte[]>[] records = new ConsumerRecord[1000];
		for (int i = 0; i < records.length; i++) {
			Envelope<String> envelope = Envelope.of("agg-" + i, "Bench", payload).toBuilder().source("eventbus").build();
			WireMessage wire = codec.encode(envelope, HeaderStyle.KAFKA);
			RecordHeaders headers = new RecordHeaders();
			wire.headers().forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
			records[i] = new ConsumerRecord<>("bench", i % 12, i, System.currentTimeMillis(), TimestampType.CREATE_TIME,
					wire.key().length(), wire.payload().length, wire.key(), wire.payload(), headers,
					java.util.Optional.empty());
		}
		return records;
	}

}

package dev.eventbus.autoconfigure;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.eventbus.autoconfigure.EventBusProperties.Scenario;

/**
 * The property values each {@link Scenario} sets, as {@code eventbus.*} property names and values.
 * They overlay the defaults of {@link EventBusProperties}, {@code EventBusKafkaProperties} and
 * {@code EventBusNatsProperties}; a property set explicitly anywhere in the environment wins (see
 * {@link ScenarioEnvironmentPostProcessor}).
 *
 * <p>Kafka: producers trade latency for batch size and acknowledgement strength, consumers trade
 * fetch waits for fetch size. Leader-only acknowledgements ({@code acks=1}) rule out idempotence,
 * so those presets turn it off, and keep per-key order by limiting requests in flight where it
 * matters (low-latency). NATS: the window of un-acknowledged publishes and the pull batch size and
 * expiry. Storage stays {@code file} in every preset: no preset may lose events on a server restart.
 */
public final class ScenarioPresets {

	private static final Map<Scenario, Map<String, String>> PRESETS = new EnumMap<>(Scenario.class);

	static {
		PRESETS.put(Scenario.HIGH_THROUGHPUT, presets(
				"eventbus.kafka.producer.compression", "lz4",
				"eventbus.kafka.producer.flush-frequency", "20ms",
				"eventbus.kafka.producer.flush-messages", "0",
				"eventbus.kafka.producer.flush-bytes", "256KB",
				"eventbus.kafka.producer.acks", "1",
				"eventbus.kafka.producer.idempotence", "false",
				"eventbus.kafka.producer.max-in-flight", "10",
				"eventbus.kafka.producer.buffer-memory", "64MB",
				"eventbus.kafka.consumer.fetch-min-size", "100KB",
				"eventbus.kafka.consumer.fetch-max-size", "10MB",
				"eventbus.kafka.consumer.fetch-max-wait", "500ms",
				"eventbus.kafka.consumer.max-poll-records", "1000",
				"eventbus.nats.publish.max-in-flight", "8192",
				"eventbus.nats.consumer.pull-batch-size", "1024",
				"eventbus.nats.consumer.pull-expiry", "1s",
				"eventbus.nats.consumer.max-ack-pending", "20000",
				"eventbus.nats.stream.storage", "file"));
		PRESETS.put(Scenario.BALANCED, presets(
				"eventbus.kafka.producer.compression", "lz4",
				"eventbus.kafka.producer.flush-frequency", "20ms",
				"eventbus.kafka.producer.flush-messages", "100",
				"eventbus.kafka.producer.flush-bytes", "100KB",
				"eventbus.kafka.producer.acks", "all",
				"eventbus.kafka.producer.idempotence", "true",
				"eventbus.kafka.consumer.fetch-min-size", "10KB",
				"eventbus.kafka.consumer.fetch-max-wait", "250ms",
				"eventbus.nats.publish.max-in-flight", "2048",
				"eventbus.nats.consumer.pull-batch-size", "256",
				"eventbus.nats.consumer.pull-expiry", "250ms",
				"eventbus.nats.stream.storage", "file"));
		PRESETS.put(Scenario.LOW_LATENCY, presets(
				"eventbus.kafka.producer.compression", "none",
				"eventbus.kafka.producer.flush-frequency", "0ms",
				"eventbus.kafka.producer.flush-messages", "0",
				"eventbus.kafka.producer.flush-bytes", "16KB",
				"eventbus.kafka.producer.acks", "1",
				"eventbus.kafka.producer.idempotence", "false",
				"eventbus.kafka.producer.max-in-flight", "1",
				"eventbus.kafka.consumer.fetch-min-size", "1B",
				"eventbus.kafka.consumer.fetch-max-wait", "10ms",
				"eventbus.kafka.consumer.poll-timeout", "20ms",
				"eventbus.nats.publish.max-in-flight", "256",
				"eventbus.nats.consumer.pull-batch-size", "32",
				"eventbus.nats.consumer.pull-expiry", "100ms",
				"eventbus.nats.stream.storage", "file"));
		PRESETS.put(Scenario.HIGH_RELIABILITY, presets(
				"eventbus.kafka.producer.acks", "all",
				"eventbus.kafka.producer.idempotence", "true",
				"eventbus.kafka.producer.max-in-flight", "5",
				"eventbus.kafka.producer.delivery-timeout", "5m",
				"eventbus.kafka.consumer.isolation-level", "read_committed",
				"eventbus.kafka.consumer.auto-offset-reset", "earliest",
				"eventbus.nats.publish.max-in-flight", "512",
				"eventbus.nats.publish.ack-timeout", "30s",
				"eventbus.nats.consumer.pull-batch-size", "64",
				"eventbus.nats.consumer.max-ack-pending", "1000",
				"eventbus.nats.stream.storage", "file",
				"eventbus.nats.stream.duplicate-window", "10m"));
	}

	private ScenarioPresets() {
	}

	/**
	 * @param scenario a scenario
	 * @return its property values, keyed by full property name, in documentation order
	 */
	public static Map<String, String> of(Scenario scenario) {
		return PRESETS.get(scenario);
	}

	private static Map<String, String> presets(String... pairs) {
		Map<String, String> map = new LinkedHashMap<>();
		for (int i = 0; i < pairs.length; i += 2) {
			map.put(pairs[i], pairs[i + 1]);
		}
		return Collections.unmodifiableMap(map);
	}

}

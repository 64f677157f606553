package dev.eventbus.reliability;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.kafka.KafkaConsumerOptions;
import dev.eventbus.core.kafka.KafkaEventBus;
import dev.eventbus.core.kafka.KafkaGroupProtocol;
import dev.eventbus.core.kafka.KafkaOptions;
import dev.eventbus.core.kafka.KafkaProducerOptions;
import dev.eventbus.core.kafka.KafkaTopicOptions;
import dev.eventbus.core.keyed.KeyedExecutor;
import dev.eventbus.core.nats.NatsConsumerOptions;
import dev.eventbus.core.nats.NatsEventBus;
import dev.eventbus.core.nats.NatsOptions;
import dev.eventbus.core.nats.NatsPublishOptions;
import dev.eventbus.core.nats.NatsStreamOptions;

/**
 * Builds the bus under test from {@code name=value} settings, for the consumer JVMs and the test
 * JVM's producer alike. Only settings present are applied; everything else keeps the transport's
 * documented defaults, so the suite tests what users get.
 *
 * <p>Common: {@code transport} ({@code kafka} | {@code nats}), {@code servers}, {@code shutdownMs}.
 * <br>Kafka: {@code groupProtocol} ({@code classic} | {@code consumer}), {@code maxPollIntervalMs},
 * {@code sessionTimeoutMs}, {@code heartbeatMs},
 * {@code maxPollRecords}, {@code revocationTimeoutMs}, {@code maxBlockMs}, {@code deliveryTimeoutMs},
 * {@code requestTimeoutMs}, {@code provisioning} (a {@link KafkaTopicOptions.Strategy}), and
 * {@code kafka.<client setting>} passed to every client.
 * <br>NATS: {@code ackWaitMs}, {@code maxAckPending}, {@code maxBlockMs}, {@code ackTimeoutMs},
 * {@code reconnectWaitMs}, {@code provisioning} (a {@link NatsStreamOptions.Provisioning}),
 * {@code partitions}, {@code leaseTtlMs}.
 */
public final class Buses {

	private Buses() {
	}

	/**
	 * @param settings the settings
	 * @param executor the shared keyed executor (not closed by the bus)
	 * @return a started bus
	 */
	public static EventBus create(Map<String, String> settings, KeyedExecutor executor) {
		String transport = ConsumerMain.required(settings, "transport");
		return switch (transport) {
			case "kafka" -> kafka(settings, executor);
			case "nats" -> nats(settings, executor);
			default -> throw new IllegalArgumentException(
					"argument 'transport' is '" + transport + "': use transport=kafka or transport=nats");
		};
	}

	private static EventBus kafka(Map<String, String> settings, KeyedExecutor executor) {
		KafkaConsumerOptions.Builder consumer = KafkaConsumerOptions.builder();
		if (settings.containsKey("groupProtocol")) {
			consumer.groupProtocol(KafkaGroupProtocol.valueOf(enumName(settings.get("groupProtocol"))));
		}
		millis(settings, "maxPollIntervalMs").ifPresent(consumer::maxPollInterval);
		millis(settings, "sessionTimeoutMs").ifPresent(consumer::sessionTimeout);
		millis(settings, "heartbeatMs").ifPresent(consumer::heartbeatInterval);
		millis(settings, "revocationTimeoutMs").ifPresent(consumer::revocationTimeout);
		if (settings.containsKey("maxPollRecords")) {
			consumer.maxPollRecords(Integer.parseInt(settings.get("maxPollRecords")));
		}
		KafkaProducerOptions.Builder producer = KafkaProducerOptions.builder();
		millis(settings, "maxBlockMs").ifPresent(producer::maxBlock);
		millis(settings, "deliveryTimeoutMs").ifPresent(producer::deliveryTimeout);
		millis(settings, "requestTimeoutMs").ifPresent(producer::requestTimeout);
		KafkaTopicOptions.Builder topics = KafkaTopicOptions.builder();
		if (settings.containsKey("provisioning")) {
			topics.strategy(KafkaTopicOptions.Strategy.valueOf(enumName(settings.get("provisioning"))));
		}
		Map<String, String> raw = new LinkedHashMap<>();
		settings.forEach((name, value) -> {
			if (name.startsWith("kafka.")) {
				raw.put(name.substring("kafka.".length()), value);
			}
		});
		KafkaOptions options = KafkaOptions.builder()
			.bootstrapServers(ConsumerMain.required(settings, "servers"))
			.clientId("reliability-" + ProcessHandle.current().pid())
			.consumer(consumer.build())
			.producer(producer.build())
			.topics(topics.build())
			.properties(raw)
			.build();
		KafkaEventBus.Builder builder = KafkaEventBus.builder(options).executor(executor).source("reliability");
		millis(settings, "shutdownMs").ifPresent(builder::shutdownTimeout);
		return builder.build();
	}

	private static EventBus nats(Map<String, String> settings, KeyedExecutor executor) {
		NatsConsumerOptions.Builder consumer = NatsConsumerOptions.builder();
		millis(settings, "ackWaitMs").ifPresent(consumer::ackWait);
		millis(settings, "leaseTtlMs").ifPresent(consumer::leaseTtl);
		if (settings.containsKey("maxAckPending")) {
			consumer.maxAckPending(Integer.parseInt(settings.get("maxAckPending")));
		}
		NatsPublishOptions.Builder publish = NatsPublishOptions.builder();
		millis(settings, "maxBlockMs").ifPresent(publish::maxBlock);
		millis(settings, "ackTimeoutMs").ifPresent(publish::ackTimeout);
		NatsStreamOptions.Builder stream = NatsStreamOptions.builder();
		if (settings.containsKey("provisioning")) {
			stream.provisioning(NatsStreamOptions.Provisioning.valueOf(enumName(settings.get("provisioning"))));
		}
		NatsOptions.Builder options = NatsOptions.builder()
			.servers(ConsumerMain.required(settings, "servers"))
			.connectionName("reliability-" + ProcessHandle.current().pid())
			.consumer(consumer.build())
			.publish(publish.build())
			.stream(stream.build());
		millis(settings, "reconnectWaitMs").ifPresent(options::reconnectWait);
		if (settings.containsKey("partitions")) {
			options.partitions(Integer.parseInt(settings.get("partitions")));
		}
		NatsEventBus.Builder builder = NatsEventBus.builder(options.build()).executor(executor).source("reliability");
		millis(settings, "shutdownMs").ifPresent(builder::shutdownTimeout);
		return builder.build();
	}

	private static java.util.Optional<Duration> millis(Map<String, String> settings, String name) {
		String value = settings.get(name);
		return (value == null) ? java.util.Optional.empty() : java.util.Optional.of(Duration.ofMillis(Long.parseLong(value)));
	}

	private static String enumName(String value) {
		return value.trim().replace('-', '_').toUpperCase(Locale.ROOT);
	}

}

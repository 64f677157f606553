package dev.eventbus.reliability;

import dev.eventbus.test.broker.NatsServerProcess;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The harness's broker processes with the raw clients: a SIGKILL really kills the broker, and a
 * restart on the same data keeps what was acknowledged before.
 */
class BrokerProcessTests {

	@TempDir
	Path dir;

	@Test
	void kafkaBrokerKilledWithSigkillRestartsOnItsLogDirWithAcknowledgedRecords() throws Exception {
		try (KafkaBroker broker = new KafkaBroker(this.dir.resolve("kafka"), 2, "512m")) {
			broker.start();
			broker.createTopics(2, "harness");
			try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
					ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
					new StringSerializer(), new StringSerializer())) {
				for (int i = 0; i < 100; i++) {
					producer.send(new ProducerRecord<>("harness", "k-" + (i % 7), "v-" + i)).get(30, TimeUnit.SECONDS);
				}
			}
			broker.kill();
			assertThat(broker.isAlive()).isFalse();
			broker.start();
			List<String> values = new ArrayList<>();
			try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
					Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(), ConsumerConfig.GROUP_ID_CONFIG,
							"harness", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
					new StringDeserializer(), new StringDeserializer())) {
				consumer.subscribe(List.of("harness"));
				await().atMost(Duration.ofSeconds(60)).until(() -> {
					for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
						values.add(record.value());
					}
					return values.size() >= 100;
				});
			}
			assertThat(values).hasSize(100).contains("v-0", "v-99");
		}
	}

	@Test
	void natsServerKilledWithSigkillRestartsOnItsStoreWithAcknowledgedMessages() throws Exception {
		Assumptions.assumeTrue(NatsServerProcess.installed(), "nats-server is not installed");
		try (NatsServerProcess server = NatsServerProcess.prepare(this.dir.resolve("nats"), Scenario.NATS_MAX_PAYLOAD_BYTES)) {
			server.start();
			try (Connection connection = server.connect()) {
				connection.jetStreamManagement().addStream(StreamConfiguration.builder().name("HARNESS")
					.subjects("harness").storageType(StorageType.File).build());
				JetStream jetStream = connection.jetStream();
				for (int i = 0; i < 50; i++) {
					jetStream.publish("harness", ("v-" + i).getBytes(StandardCharsets.UTF_8));
				}
			}
			server.kill();
			assertThat(server.isAlive()).isFalse();
			server.start();
			try (Connection connection = server.connect()) {
				JetStreamSubscription subscription = connection.jetStream().subscribe("harness",
						PullSubscribeOptions.builder().durable("harness").build());
				List<String> values = new ArrayList<>();
				await().atMost(Duration.ofSeconds(30)).until(() -> {
					for (Message message : subscription.fetch(50, Duration.ofMillis(500))) {
						values.add(new String(message.getData(), StandardCharsets.UTF_8));
						message.ack();
					}
					return values.size() >= 50;
				});
				assertThat(values).hasSize(50).contains("v-0", "v-49");
			}
		}
	}

}

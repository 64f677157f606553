package dev.eventbus.core.kafka;

import dev.eventbus.test.broker.KafkaTestBroker;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.PublishException;
import dev.eventbus.core.api.PublishReceipt;
import dev.eventbus.core.api.PublishTimeoutException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/** Test 6: an unreachable broker fails publishes within the configured bounds, never a hang or a silent drop. */
class KafkaBrokerDownTest {

	private static KafkaNetworkOptions shortNetwork() {
		return KafkaNetworkOptions.builder()
			.dialTimeout(Duration.ofSeconds(1))
			.readTimeout(Duration.ofSeconds(2))
			.writeTimeout(Duration.ofSeconds(2))
			.build();
	}

	@Test
	void publishToAnUnreachableBrokerFailsWithinMaxBlockNamingTheTopic() throws IOException {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		KafkaOptions options = KafkaOptions.builder()
			.bootstrapServers("127.0.0.1:" + port)
			.network(shortNetwork())
			.producer(KafkaProducerOptions.builder()
				.maxBlock(Duration.ofSeconds(1))
				.deliveryTimeout(Duration.ofSeconds(3))
				.build())
			.build();
		try (KafkaEventBus bus = KafkaEventBus.builder(options).shutdownTimeout(Duration.ofSeconds(1)).build()) {
			long start = System.nanoTime();
			CompletableFuture<PublishReceipt> future = bus.publish("orders-down", Envelope.of("o-1", "OrderPlaced", "x"));
			await().atMost(Duration.ofSeconds(15)).until(future::isDone);
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(future::get)
				.havingCause()
				.isInstanceOf(PublishTimeoutException.class)
				.withMessageContaining("orders-down")
				.withMessageContaining("eventbus.kafka.producer.max-block")
				.withMessageContaining("127.0.0.1:" + port);
		}
	}

	@Test
	void brokerGoingDownFailsEveryLaterPublishWithinTheTimeoutsNamingTheTopic() throws Exception {
		KafkaTestBroker broker = KafkaTestBroker.start();
		String topic = broker.createTopic("down", 1);
		KafkaOptions options = broker.options()
			.network(shortNetwork())
			.producer(KafkaProducerOptions.builder()
				.maxBlock(Duration.ofSeconds(1))
				.deliveryTimeout(Duration.ofSeconds(3))
				.bufferMemory(32 * 1024)
				.flushBytes(16 * 1024)
				.build())
			.build();
		List<CompletableFuture<PublishReceipt>> futures = new ArrayList<>();
		try (KafkaEventBus bus = KafkaEventBus.builder(options).shutdownTimeout(Duration.ofSeconds(1)).build()) {
			bus.publish(topic, Envelope.of("k", "T", "warm-up")).get();
			broker.close();
			String payload = "x".repeat(1024);
			for (int i = 0; i < 10; i++) {
				futures.add(bus.publish(topic, Envelope.of("k", "T", payload)));
			}
			await().atMost(Duration.ofSeconds(60)).until(() -> futures.stream().allMatch(CompletableFuture::isDone));
		}
		List<String> messages = new ArrayList<>();
		for (CompletableFuture<PublishReceipt> future : futures) {
			assertThat(future).isCompletedExceptionally();
			Throwable cause = future.handle((receipt, error) -> error).get();
			assertThat(cause).isInstanceOf(PublishTimeoutException.class);
			assertThat(((PublishException) cause).topic()).isEqualTo(topic);
			messages.add(cause.getMessage());
		}
		assertThat(messages).allMatch((message) -> message.contains(topic));
		// each failure names the bound that ended it: metadata/buffer wait (max-block) or delivery timeout
		assertThat(messages).allMatch((message) -> message.contains("eventbus.kafka.producer.max-block")
				|| message.contains("eventbus.kafka.producer.delivery-timeout"));
	}

}

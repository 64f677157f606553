package dev.eventbus.core.nats;

import dev.eventbus.test.broker.NatsServerProcess;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.EventBusException;
import dev.eventbus.core.api.PublishException;
import dev.eventbus.core.api.PublishReceipt;
import dev.eventbus.core.api.PublishTimeoutException;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.StreamInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Publishing against a real nats-server started for this class.
 */
class NatsPublishTest {

	private static NatsServerProcess server;

	private static Connection admin;

	@BeforeAll
	static void startServer() throws Exception {
		server = NatsServerProcess.launch();
		admin = Nats.connect(server.url());
	}

	@AfterAll
	static void stopServer() throws Exception {
		admin.close();
		server.close();
	}

	private static String topic() {
		return "pub-" + UUID.randomUUID().toString().substring(0, 8);
	}

	private static NatsEventBus bus(NatsOptions.Builder options) {
		return NatsEventBus.builder(options.servers(server.url()).build()).source("tests").build();
	}

	@Test
	void publishStoresTheEventOnceWithCloudEventsHeadersAndItsIdAsNatsMsgId() throws Exception {
		String topic = topic();
		try (NatsEventBus bus = bus(NatsOptions.builder())) {
			Envelope<String> envelope = Envelope.of("order-1", "OrderPlaced", "hello");
			PublishReceipt receipt = bus.publish(topic, envelope).get(10, TimeUnit.SECONDS);
			assertThat(receipt.topic()).isEqualTo(topic);
			assertThat(receipt.eventId()).isEqualTo(envelope.eventId());
			assertThat(receipt.streamSequence()).isEqualTo(1L);
			assertThat(receipt.duplicate()).isFalse();

			JetStreamManagement jsm = admin.jetStreamManagement();
			String stream = NatsStreamOptions.streamName(topic);
			StreamInfo info = jsm.getStreamInfo(stream);
			assertThat(info.getConfiguration().getSubjects()).containsExactly(topic);
			assertThat(info.getConfiguration().getDiscardPolicy()).isEqualTo(DiscardPolicy.New);
			MessageInfo stored = jsm.getMessage(stream, 1);
			assertThat(stored.getSubject()).isEqualTo(topic);
			assertThat(stored.getHeaders().getFirst("Nats-Msg-Id")).isEqualTo(envelope.eventId());
			assertThat(stored.getHeaders().getFirst("ce-id")).isEqualTo(envelope.eventId());
			assertThat(stored.getHeaders().getFirst("ce-specversion")).isEqualTo("1.0");
			assertThat(stored.getHeaders().getFirst("ce-type")).isEqualTo("OrderPlaced");
			assertThat(stored.getHeaders().getFirst("ce-subject")).isEqualTo("order-1");
			assertThat(stored.getHeaders().getFirst("ce-source")).isEqualTo("tests");
		}
	}

	@Test
	void sameEventIdPublishedTwiceIsStoredOnce() throws Exception {
		String topic = topic();
		try (NatsEventBus bus = bus(NatsOptions.builder())) {
			Envelope<String> envelope = Envelope.of("order-7", "OrderPlaced", "first");
			PublishReceipt first = bus.publish(topic, envelope).get(10, TimeUnit.SECONDS);
			Envelope<String> again = envelope.toBuilder().build();
			PublishReceipt second = bus.publish(topic, again).get(10, TimeUnit.SECONDS);
			PublishReceipt other = bus.publish(topic, Envelope.of("order-7", "OrderPlaced", "other"))
				.get(10, TimeUnit.SECONDS);

			assertThat(first.duplicate()).isFalse();
			assertThat(second.duplicate()).isTrue();
			assertThat(second.streamSequence()).isEqualTo(first.streamSequence());
			assertThat(other.duplicate()).isFalse();
			StreamInfo info = admin.jetStreamManagement().getStreamInfo(NatsStreamOptions.streamName(topic));
			assertThat(info.getStreamState().getMsgCount()).isEqualTo(2);
		}
	}

	@Test
	void fullStreamFailsThePublishClearlyAndEvictsNothing() throws Exception {
		String topic = topic();
		NatsOptions.Builder options = NatsOptions.builder()
			.stream(NatsStreamOptions.builder().maxMessages(5).build());
		try (NatsEventBus bus = bus(options)) {
			List<String> stored = new ArrayList<>();
			for (int i = 0; i < 5; i++) {
				Envelope<String> envelope = Envelope.of("key-" + i, "Filled", "event-" + i);
				bus.publish(topic, envelope).get(10, TimeUnit.SECONDS);
				stored.add(envelope.eventId());
			}
			CompletableFuture<PublishReceipt> overflow = bus.publish(topic, Envelope.of("key-x", "Filled", "too many"));
			assertThatThrownBy(() -> overflow.get(10, TimeUnit.SECONDS)).cause()
				.isInstanceOf(PublishException.class)
				.isNotInstanceOf(PublishTimeoutException.class)
				.hasMessageContaining(topic)
				.hasMessageContaining("maximum messages exceeded")
				.hasMessageContaining("eventbus.nats.stream.max-messages");

			JetStreamManagement jsm = admin.jetStreamManagement();
			String stream = NatsStreamOptions.streamName(topic);
			StreamInfo info = jsm.getStreamInfo(stream);
			assertThat(info.getStreamState().getMsgCount()).isEqualTo(5);
			assertThat(info.getStreamState().getFirstSequence()).isEqualTo(1);
			for (int i = 0; i < 5; i++) {
				assertThat(jsm.getMessage(stream, i + 1).getHeaders().getFirst("ce-id")).isEqualTo(stored.get(i));
			}
		}
	}

	@Test
	void publishWhileTheServerIsDownFailsWithinAckTimeoutAndAFullWindowWithinMaxBlock() throws Exception {
		String topic = topic();
		try (NatsServerProcess own = NatsServerProcess.launch()) {
			NatsOptions options = NatsOptions.builder()
				.servers(own.url())
				.reconnectWait(Duration.ofMillis(100))
				.publish(NatsPublishOptions.builder()
					.maxInFlight(1)
					.maxBlock(Duration.ofMillis(300))
					.ackTimeout(Duration.ofSeconds(2))
					.build())
				.build();
			try (NatsEventBus bus = NatsEventBus.builder(options).build()) {
				bus.publish(topic, Envelope.of("k", "Before", "ok")).get(10, TimeUnit.SECONDS);
				own.stop();
				long start = System.nanoTime();
				CompletableFuture<PublishReceipt> pending = bus.publish(topic, Envelope.of("k", "During", "a"));
				CompletableFuture<PublishReceipt> blocked = bus.publish(topic, Envelope.of("k", "During", "b"));
				assertThatThrownBy(() -> blocked.get(5, TimeUnit.SECONDS)).cause()
					.isInstanceOf(PublishTimeoutException.class)
					.hasMessageContaining("subject '" + topic + "'")
					.hasMessageContaining("max-block")
					.hasMessageContaining("max-in-flight");
				assertThatThrownBy(() -> pending.get(10, TimeUnit.SECONDS)).cause()
					.isInstanceOf(PublishTimeoutException.class)
					.hasMessageContaining("ack-timeout");
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
				assertThat(bus.publishesInFlight()).isZero();
				assertThat(bus.connectionStatus().connected()).isFalse();
				// a topic whose stream was never provisioned fails at once: provisioning needs the server
				assertThatThrownBy(() -> bus.publish(topic + "-new", Envelope.of("k", "T", "x")).get(1, TimeUnit.SECONDS))
					.cause()
					.isInstanceOf(PublishException.class)
					.hasMessageContaining("not provisioned yet");
			}
		}
	}

	@Test
	void publishWhoseAckIsLateButWithinAckTimeoutSucceeds() throws Exception {
		// jnats 2.26 times a publishAsync future out after the request-cleanup-interval (1 s for
		// ack-timeout 10 s), not after the ack-timeout: a stall of a few seconds failed the publish
		String topic = topic();
		try (NatsServerProcess own = NatsServerProcess.launch()) {
			NatsOptions options = NatsOptions.builder()
				.servers(own.url())
				.publish(NatsPublishOptions.builder().ackTimeout(Duration.ofSeconds(10)).build())
				.build();
			try (NatsEventBus bus = NatsEventBus.builder(options).build()) {
				bus.publish(topic, Envelope.of("k", "Before", "ok")).get(10, TimeUnit.SECONDS);
				CompletableFuture<PublishReceipt> late;
				own.pause();
				try {
					late = bus.publish(topic, Envelope.of("k", "During", "late"));
					await("the late publish stays pending within its ack-timeout").during(Duration.ofSeconds(3))
						.atMost(Duration.ofSeconds(6))
						.until(() -> !late.isDone());
				}
				finally {
					own.resume();
				}
				PublishReceipt receipt = late.get(10, TimeUnit.SECONDS);
				assertThat(receipt.streamSequence()).isEqualTo(2L);
				assertThat(bus.publishesInFlight()).isZero();
			}
		}
	}

	@Test
	void publishingToAMissingStreamUnderValidateFailsNamingTheStream() {
		String topic = topic();
		NatsOptions.Builder options = NatsOptions.builder()
			.stream(NatsStreamOptions.builder().provisioning(NatsStreamOptions.Provisioning.VALIDATE).build());
		try (NatsEventBus bus = bus(options)) {
			assertThatThrownBy(() -> bus.publish(topic, Envelope.of("k", "T", "x")).get(10, TimeUnit.SECONDS)).cause()
				.isInstanceOf(PublishException.class)
				.hasMessageContaining(NatsStreamOptions.streamName(topic))
				.hasMessageContaining("provisioning=validate");
		}
	}

	@Test
	void serverWithUserAndPasswordAcceptsTheCredentialsAndRefusesClearlyWithout() throws Exception {
		try (NatsServerProcess secured = NatsServerProcess.launch("--user", "app", "--pass", "s3cret")) {
			NatsOptions good = NatsOptions.builder().servers(secured.url()).username("app").password("s3cret").build();
			try (NatsEventBus bus = NatsEventBus.builder(good).build()) {
				PublishReceipt receipt = bus.publish("secured", Envelope.of("k", "T", "x")).get(10, TimeUnit.SECONDS);
				assertThat(receipt.streamSequence()).isEqualTo(1L);
				assertThat(bus.connectionStatus().connected()).isTrue();
				assertThat(bus.connectionStatus().serverUrl()).contains(Integer.toString(secured.port()));
			}
			NatsOptions none = NatsOptions.builder()
				.servers(secured.url())
				.maxReconnects(0)
				.connectionTimeout(Duration.ofSeconds(1))
				.build();
			assertThatThrownBy(() -> NatsEventBus.builder(none).build()).isInstanceOf(EventBusException.class)
				.hasMessageContaining(secured.url())
				.hasMessageContaining("Authorization Violation")
				.hasMessageContaining("credentials");
			NatsOptions wrong = NatsOptions.builder()
				.servers(secured.url())
				.maxReconnects(0)
				.connectionTimeout(Duration.ofSeconds(1))
				.username("app")
				.password("wrong")
				.build();
			assertThatThrownBy(() -> NatsEventBus.builder(wrong).build()).isInstanceOf(EventBusException.class)
				.hasMessageContaining("Authorization Violation");
		}
	}

}

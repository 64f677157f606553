package dev.eventbus.core.nats;

import dev.eventbus.test.broker.NatsServerProcess;

import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.EventBusException;
import dev.eventbus.core.api.PublishReceipt;
import dev.eventbus.core.api.SubscriptionOptions;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Stream provisioning strategies against a real nats-server started for this class.
 */
class NatsProvisioningTest {

	private static NatsServerProcess server;

	private static Connection admin;

	private static JetStreamManagement jsm;

	@BeforeAll
	static void startServer() throws Exception {
		server = NatsServerProcess.launch();
		admin = Nats.connect(server.url());
		jsm = admin.jetStreamManagement();
	}

	@AfterAll
	static void stopServer() throws Exception {
		admin.close();
		server.close();
	}

	private static String topic(String name) {
		return name + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

	private static NatsEventBus bus(NatsStreamOptions stream) {
		return NatsEventBus.builder(NatsOptions.builder().servers(server.url()).stream(stream).build()).build();
	}

	private static void createEvicting(String topic) throws Exception {
		jsm.addStream(StreamConfiguration.builder()
			.name(NatsStreamOptions.streamName(topic))
			.subjects(topic)
			.storageType(StorageType.Memory)
			.maxMessages(10)
			.discardPolicy(DiscardPolicy.Old)
			.build());
	}

	@Test
	void createOrUpdateBringsAnExistingStreamToTheConfiguredLimits() throws Exception {
		String topic = topic("update");
		createEvicting(topic);
		try (NatsEventBus bus = bus(NatsStreamOptions.builder().maxMessages(1_000).build())) {
			bus.publish(topic, Envelope.of("k", "T", "x")).get(10, TimeUnit.SECONDS);
		}
		StreamConfiguration config = jsm.getStreamInfo(NatsStreamOptions.streamName(topic)).getConfiguration();
		assertThat(config.getMaxMsgs()).isEqualTo(1_000);
		assertThat(config.getDiscardPolicy()).isEqualTo(DiscardPolicy.New);
	}

	@Test
	void createOnlyLeavesAnExistingStreamAsItIs() throws Exception {
		String topic = topic("keep");
		createEvicting(topic);
		NatsStreamOptions options = NatsStreamOptions.builder()
			.provisioning(NatsStreamOptions.Provisioning.CREATE_ONLY)
			.build();
		try (NatsEventBus bus = bus(options)) {
			bus.publish(topic, Envelope.of("k", "T", "x")).get(10, TimeUnit.SECONDS);
			String created = topic("created");
			bus.publish(created, Envelope.of("k", "T", "x")).get(10, TimeUnit.SECONDS);
			assertThat(jsm.getStreamInfo(NatsStreamOptions.streamName(created)).getConfiguration().getDiscardPolicy())
				.isEqualTo(DiscardPolicy.New);
		}
		StreamConfiguration config = jsm.getStreamInfo(NatsStreamOptions.streamName(topic)).getConfiguration();
		assertThat(config.getMaxMsgs()).isEqualTo(10);
		assertThat(config.getDiscardPolicy()).isEqualTo(DiscardPolicy.Old);
	}

	@Test
	void aStreamThatAlreadyCapturesTheSubjectIsUsedInsteadOfCreatingOne() throws Exception {
		String prefix = "wild" + UUID.randomUUID().toString().substring(0, 6);
		jsm.addStream(StreamConfiguration.builder().name("CUSTOM_" + prefix).subjects(prefix + ".>").build());
		try (NatsEventBus bus = bus(NatsStreamOptions.defaults())) {
			PublishReceipt receipt = bus.publish(prefix + ".orders", Envelope.of("k", "T", "x")).get(10, TimeUnit.SECONDS);
			assertThat(receipt.streamSequence()).isEqualTo(1L);
		}
		assertThat(jsm.getStreamInfo("CUSTOM_" + prefix).getStreamState().getMsgCount()).isEqualTo(1);
		assertThat(jsm.getStreamNames()).doesNotContain(NatsStreamOptions.streamName(prefix + ".orders"));
	}

	@Test
	void subscribingUnderValidateToAMissingStreamFailsNamingItAndLeavesNoSubscription() {
		String topic = topic("missing");
		NatsStreamOptions options = NatsStreamOptions.builder()
			.provisioning(NatsStreamOptions.Provisioning.VALIDATE)
			.build();
		try (NatsEventBus bus = bus(options)) {
			assertThatThrownBy(() -> bus.subscribe(topic, String.class, SubscriptionOptions.of("g"), (e, c) -> {
			})).isInstanceOf(EventBusException.class)
				.hasMessageContaining(NatsStreamOptions.streamName(topic))
				.hasMessageContaining("provisioning=validate");
			assertThat(bus.subscriptions()).isEmpty();
		}
	}

	@Test
	void topicsWhoseStreamNamesCollideShareOneStreamCapturingBoth() throws Exception {
		String suffix = UUID.randomUUID().toString().substring(0, 6);
		String dotted = "a.b" + suffix;
		String underscored = "a_b" + suffix;
		try (NatsEventBus bus = bus(NatsStreamOptions.defaults())) {
			bus.publish(dotted, Envelope.of("k", "T", "x")).get(10, TimeUnit.SECONDS);
			bus.publish(underscored, Envelope.of("k", "T", "y")).get(10, TimeUnit.SECONDS);
		}
		StreamInfo shared = jsm.getStreamInfo(NatsStreamOptions.streamName(dotted));
		assertThat(NatsStreamOptions.streamName(underscored)).isEqualTo(shared.getConfiguration().getName());
		assertThat(shared.getConfiguration().getSubjects()).containsExactlyInAnyOrder(dotted, underscored);
		assertThat(shared.getStreamState().getMsgCount()).isEqualTo(2);
	}

}

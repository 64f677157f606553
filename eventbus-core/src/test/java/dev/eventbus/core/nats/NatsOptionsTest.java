package dev.eventbus.core.nats;

import java.time.Duration;

import io.nats.client.ConnectionListener;
import io.nats.client.ErrorListener;
import io.nats.client.Options;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class NatsOptionsTest {

	private static final ConnectionListener NO_EVENTS = (connection, event) -> {
	};

	private static final ErrorListener NO_ERRORS = new ErrorListener() {
	};

	@Test
	void defaultsReconnectForeverAndNeverEvictUnconsumedEvents() {
		NatsOptions options = NatsOptions.defaults();
		assertThat(options.servers()).containsExactly("nats://localhost:4222");
		assertThat(options.maxReconnects()).isEqualTo(-1);
		assertThat(options.stream().discard()).isEqualTo(NatsStreamOptions.Discard.NEW);
		assertThat(options.stream().maxMessages()).isEqualTo(-1);
		assertThat(options.stream().maxBytes()).isEqualTo(-1);
		assertThat(options.stream().maxAge()).isZero();
		assertThat(options.consumer().maxDeliver()).isEqualTo(-1);

		StreamConfiguration stream = NatsClientConfig.streamConfiguration(options.stream(), "ORDERS", "orders");
		assertThat(stream.getDiscardPolicy()).isEqualTo(DiscardPolicy.New);
		assertThat(stream.getRetentionPolicy()).isEqualTo(RetentionPolicy.Limits);
		assertThat(stream.getStorageType()).isEqualTo(StorageType.File);
		assertThat(stream.getMaxMsgs()).isEqualTo(-1);
		assertThat(stream.getMaxBytes()).isEqualTo(-1);

		Options client = NatsClientConfig.connectionOptions(options, NO_EVENTS, NO_ERRORS);
		assertThat(client.getMaxReconnect()).isEqualTo(-1);
	}

	@Test
	void connectionSettingsMapOntoTheJnatsOptions() {
		NatsOptions options = NatsOptions.builder()
			.servers("nats://a:4222", "nats://b:4223")
			.connectionName("billing")
			.username("app")
			.password("s3cret")
			.reconnectWait(Duration.ofMillis(750))
			.maxReconnects(12)
			.pingInterval(Duration.ofSeconds(7))
			.connectionTimeout(Duration.ofSeconds(3))
			.outgoingQueueSize(30_000)
			.build();
		ConnectionListener listener = (connection, event) -> {
		};
		Options client = NatsClientConfig.connectionOptions(options, listener, NO_ERRORS);
		assertThat(client.getServers()).extracting(Object::toString)
			.containsExactly("nats://a:4222", "nats://b:4223");
		assertThat(client.getConnectionName()).isEqualTo("billing");
		assertThat(client.getUsername()).isEqualTo("app");
		assertThat(client.getPassword()).isEqualTo("s3cret");
		assertThat(client.getReconnectWait()).isEqualTo(Duration.ofMillis(750));
		assertThat(client.getMaxReconnect()).isEqualTo(12);
		assertThat(client.getPingInterval()).isEqualTo(Duration.ofSeconds(7));
		assertThat(client.getConnectionTimeout()).isEqualTo(Duration.ofSeconds(3));
		assertThat(client.getMaxMessagesInOutgoingQueue()).isEqualTo(30_000);
		assertThat(client.getConnectionListener()).isSameAs(listener);
		// publishes fail at most a quarter of ack-timeout (10 s by default, capped at 1 s) after it
		assertThat(client.getRequestCleanupInterval()).isEqualTo(Duration.ofSeconds(1));
		assertThat(client.isTLSRequired()).isFalse();
		assertThat(options.toString()).contains("password=******").doesNotContain("s3cret");
	}

	@Test
	void tokenAndTlsMapOntoTheJnatsOptions() {
		NatsOptions options = NatsOptions.builder().token("t0ken").tls(true).build();
		Options client = NatsClientConfig.connectionOptions(options, NO_EVENTS, NO_ERRORS);
		assertThat(client.getToken()).isEqualTo("t0ken");
		assertThat(client.isTLSRequired()).isTrue();
		assertThat(client.getSslContext()).isNotNull();
		assertThat(options.toString()).doesNotContain("t0ken");
	}

	@Test
	void nkeySeedBecomesAnAuthHandlerSigningWithTheSeed() throws Exception {
		io.nats.client.NKey user = io.nats.client.NKey.createUser(null);
		NatsOptions options = NatsOptions.builder().nkeySeed(new String(user.getSeed())).build();
		Options client = NatsClientConfig.connectionOptions(options, NO_EVENTS, NO_ERRORS);
		assertThat(client.getAuthHandler().getID()).isEqualTo(user.getPublicKey());
		byte[] nonce = "nonce".getBytes();
		assertThat(user.verify(nonce, client.getAuthHandler().sign(nonce))).isTrue();
	}

	@Test
	void streamSettingsMapOntoTheStreamConfiguration() {
		NatsStreamOptions options = NatsStreamOptions.builder()
			.storage(NatsStreamOptions.Storage.MEMORY)
			.retention(NatsStreamOptions.Retention.INTEREST)
			.maxAge(Duration.ofDays(7))
			.maxBytes(1_000_000)
			.maxMessages(5_000)
			.replicas(3)
			.duplicateWindow(Duration.ofMinutes(5))
			.subjectPrefix("shop")
			.build();
		String subject = options.subject("orders.eu");
		assertThat(subject).isEqualTo("shop.orders.eu");
		assertThat(NatsStreamOptions.streamName(subject)).isEqualTo("SHOP_ORDERS_EU");
		StreamConfiguration stream = NatsClientConfig.streamConfiguration(options, "SHOP_ORDERS_EU", subject);
		assertThat(stream.getName()).isEqualTo("SHOP_ORDERS_EU");
		assertThat(stream.getSubjects()).containsExactly("shop.orders.eu");
		assertThat(stream.getStorageType()).isEqualTo(StorageType.Memory);
		assertThat(stream.getRetentionPolicy()).isEqualTo(RetentionPolicy.Interest);
		assertThat(stream.getMaxAge()).isEqualTo(Duration.ofDays(7));
		assertThat(stream.getMaxBytes()).isEqualTo(1_000_000);
		assertThat(stream.getMaxMsgs()).isEqualTo(5_000);
		assertThat(stream.getReplicas()).isEqualTo(3);
		assertThat(stream.getDuplicateWindow()).isEqualTo(Duration.ofMinutes(5));
		assertThat(stream.getDiscardPolicy()).isEqualTo(DiscardPolicy.New);

		StreamConfiguration evicting = NatsClientConfig.streamConfiguration(
				NatsStreamOptions.builder().discard(NatsStreamOptions.Discard.OLD).build(), "X", "x");
		assertThat(evicting.getDiscardPolicy()).isEqualTo(DiscardPolicy.Old);
	}

	@Test
	void consumerSettingsMapOntoADurableExplicitAckPullConsumer() {
		NatsConsumerOptions options = NatsConsumerOptions.builder()
			.ackWait(Duration.ofSeconds(12))
			.maxDeliver(20)
			.maxAckPending(300)
			.build();
		String durable = NatsConsumerOptions.durableName("billing.eu", "shop.orders");
		assertThat(durable).isEqualTo("billing_eu-shop_orders");
		ConsumerConfiguration consumer = NatsClientConfig.consumerConfiguration(options, durable, "shop.orders");
		assertThat(consumer.getDurable()).isEqualTo("billing_eu-shop_orders");
		assertThat(consumer.getFilterSubject()).isEqualTo("shop.orders");
		assertThat(consumer.getAckPolicy()).isEqualTo(AckPolicy.Explicit);
		assertThat(consumer.getAckWait()).isEqualTo(Duration.ofSeconds(12));
		assertThat(consumer.getMaxDeliver()).isEqualTo(20);
		assertThat(consumer.getMaxAckPending()).isEqualTo(300);
	}

	@Test
	void buildRejectsBadValuesNamingTheSetting() {
		assertThatIllegalArgumentException().isThrownBy(() -> NatsOptions.builder().servers(java.util.List.of()).build())
			.withMessageContaining("nats servers");
		assertThatIllegalArgumentException().isThrownBy(() -> NatsOptions.builder().token("t").username("u").password("p").build())
			.withMessageContaining("token, username/password");
		assertThatIllegalArgumentException().isThrownBy(() -> NatsOptions.builder().username("u").build())
			.withMessageContaining("username and password");
		assertThatIllegalArgumentException().isThrownBy(() -> NatsOptions.builder().maxReconnects(-2).build())
			.withMessageContaining("max-reconnects");
		assertThatIllegalArgumentException().isThrownBy(() -> NatsOptions.builder().nkeySeed("SAxyz").build())
			.withMessageContaining("nkey-seed");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> NatsOptions.builder()
				.outgoingQueueSize(100)
				.publish(NatsPublishOptions.builder().maxInFlight(200).build())
				.build())
			.withMessageContaining("outgoing-queue-size");
		assertThatIllegalArgumentException().isThrownBy(() -> NatsStreamOptions.builder().maxMessages(0).build())
			.withMessageContaining("max-messages");
		assertThatIllegalArgumentException().isThrownBy(() -> NatsStreamOptions.builder().replicas(6).build())
			.withMessageContaining("replicas");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> NatsStreamOptions.builder().maxAge(Duration.ofSeconds(30)).build())
			.withMessageContaining("duplicate-window");
		assertThatIllegalArgumentException().isThrownBy(() -> NatsStreamOptions.builder().subjectPrefix("a.>").build())
			.withMessageContaining("subject-prefix");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> NatsConsumerOptions.builder().ackWait(Duration.ofMillis(10)).build())
			.withMessageContaining("ack-wait");
		assertThatIllegalArgumentException().isThrownBy(() -> NatsConsumerOptions.builder().maxDeliver(0).build())
			.withMessageContaining("max-deliver");
		assertThatIllegalArgumentException().isThrownBy(() -> NatsPublishOptions.builder().maxInFlight(0).build())
			.withMessageContaining("max-in-flight");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> NatsPublishOptions.builder().maxBlock(Duration.ofMillis(-1)).build())
			.withMessageContaining("max-block");
	}

}

package dev.eventbus.core.kafka;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.entry;

/** The group protocol option: which client settings each protocol writes, and the conflicts it rejects. */
class KafkaGroupProtocolOptionsTest {

	private static final KafkaOptions DEFAULTS = KafkaOptions.of("broker-1:9092");

	private static KafkaOptions with(KafkaConsumerOptions consumer) {
		return DEFAULTS.toBuilder().consumer(consumer).build();
	}

	@Test
	void classicIsTheDefaultAndWritesTheClassicOnlySettings() {
		assertThat(KafkaConsumerOptions.defaults().groupProtocol()).isEqualTo(KafkaGroupProtocol.CLASSIC);
		assertThat(KafkaClientFactories.consumerConfig(DEFAULTS, "g")).contains(entry("group.protocol", "classic"),
				entry("session.timeout.ms", 45000), entry("heartbeat.interval.ms", 3000),
				entry("partition.assignment.strategy",
						org.apache.kafka.clients.consumer.CooperativeStickyAssignor.class.getName()))
			.doesNotContainKey("group.remote.assignor");
	}

	@Test
	void consumerProtocolWritesNoClassicOnlySettingAndTheRemoteAssignor() {
		Map<String, Object> config = KafkaClientFactories.consumerConfig(with(KafkaConsumerOptions.builder()
			.groupProtocol(KafkaGroupProtocol.CONSUMER).groupRemoteAssignor("uniform").build()), "g");
		assertThat(config).contains(entry("group.protocol", "consumer"), entry("group.remote.assignor", "uniform"))
			.doesNotContainKeys("session.timeout.ms", "heartbeat.interval.ms", "partition.assignment.strategy");
		assertThat(KafkaClientFactories.consumerConfig(
				with(KafkaConsumerOptions.builder().groupProtocol(KafkaGroupProtocol.CONSUMER).build()), "g"))
			.doesNotContainKey("group.remote.assignor");
	}

	@Test
	void explicitSessionTimeoutOrHeartbeatWithTheConsumerProtocolIsRejectedNamingBoth() {
		assertThatIllegalArgumentException().isThrownBy(() -> KafkaConsumerOptions.builder()
			.groupProtocol(KafkaGroupProtocol.CONSUMER).sessionTimeout(Duration.ofSeconds(45)).build())
			.withMessageContaining("kafka.consumer.sessionTimeout")
			.withMessageContaining("kafka.consumer.groupProtocol is consumer");
		assertThatIllegalArgumentException().isThrownBy(() -> KafkaConsumerOptions.builder()
			.groupProtocol(KafkaGroupProtocol.CONSUMER).heartbeatInterval(Duration.ofSeconds(1)).build())
			.withMessageContaining("kafka.consumer.heartbeatInterval")
			.withMessageContaining("kafka.consumer.groupProtocol");
	}

	@Test
	void rawClassicOnlySettingsWithTheConsumerProtocolAreRejectedNamingBoth() {
		assertThatIllegalArgumentException().isThrownBy(() -> KafkaConsumerOptions.builder()
			.groupProtocol(KafkaGroupProtocol.CONSUMER)
			.properties(Map.of("partition.assignment.strategy", "range"))
			.build())
			.withMessageContaining("kafka.consumer.properties sets 'partition.assignment.strategy'")
			.withMessageContaining("kafka.consumer.groupProtocol");
		KafkaOptions common = DEFAULTS.toBuilder()
			.properties(Map.of("session.timeout.ms", "30000"))
			.consumer(KafkaConsumerOptions.builder().groupProtocol(KafkaGroupProtocol.CONSUMER).build())
			.build();
		assertThatIllegalArgumentException().isThrownBy(() -> KafkaClientFactories.consumerConfig(common, "g"))
			.withMessageContaining("kafka.properties sets 'session.timeout.ms'");
	}

	@Test
	void rawGroupProtocolIsRejectedInFavourOfTheOption() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> KafkaConsumerOptions.builder().properties(Map.of("group.protocol", "consumer")).build())
			.withMessageContaining("must not set 'group.protocol'")
			.withMessageContaining("kafka.consumer.groupProtocol");
	}

	@Test
	void remoteAssignorNeedsTheConsumerProtocol() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> KafkaConsumerOptions.builder().groupRemoteAssignor("uniform").build())
			.withMessageContaining("kafka.consumer.groupRemoteAssignor")
			.withMessageContaining("kafka.consumer.groupProtocol is classic");
	}

	@Test
	void toBuilderKeepsUnsetClassicSettingsUnset() {
		KafkaConsumerOptions consumer = KafkaConsumerOptions.builder().groupProtocol(KafkaGroupProtocol.CONSUMER).build();
		assertThat(consumer.toBuilder().maxPollRecords(7).build().groupProtocol()).isEqualTo(KafkaGroupProtocol.CONSUMER);
		KafkaConsumerOptions classic = KafkaConsumerOptions.defaults();
		assertThat(classic.toBuilder().groupProtocol(KafkaGroupProtocol.CONSUMER).build().groupProtocol())
			.isEqualTo(KafkaGroupProtocol.CONSUMER);
		assertThat(classic.sessionTimeout()).isEqualTo(KafkaConsumerOptions.DEFAULT_SESSION_TIMEOUT);
	}

}

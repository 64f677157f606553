package dev.eventbus.core.support;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.eventbus.core.api.DeadLetterRecord;
import dev.eventbus.core.api.InvalidEnvelopeException;
import dev.eventbus.core.api.RetryPolicy;
import dev.eventbus.core.api.SubscriptionOptions;
import dev.eventbus.core.kafka.KafkaOptions;
import dev.eventbus.core.memory.MemoryEventBus;
import dev.eventbus.core.memory.MemoryOptions;
import dev.eventbus.core.nats.NatsOptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/** The dead-letter suffix option of each transport: defaults, validation, and its use on the memory bus. */
class DeadLetterSuffixTests {

	@Test
	void defaultsAreDashDltForKafkaAndMemoryAndDotDltForNats() {
		assertThat(KafkaOptions.builder().build().deadLetterSuffix()).isEqualTo("-dlt");
		assertThat(MemoryOptions.defaults().deadLetterSuffix()).isEqualTo("-dlt");
		assertThat(NatsOptions.builder().build().deadLetterSuffix()).isEqualTo(".dlt");
		assertThat(KafkaOptions.builder().deadLetterSuffix("_dead").build().toBuilder().build().deadLetterSuffix())
			.isEqualTo("_dead");
	}

	@Test
	void anEmptySuffixIsRejectedNamingTheSetting() {
		assertThatIllegalArgumentException().isThrownBy(() -> KafkaOptions.builder().deadLetterSuffix("").build())
			.withMessageStartingWith("kafka.deadLetterSuffix must not be empty");
		assertThatIllegalArgumentException().isThrownBy(() -> NatsOptions.builder().deadLetterSuffix(null).build())
			.withMessageStartingWith("nats.deadLetterSuffix must not be empty");
		assertThatIllegalArgumentException().isThrownBy(() -> MemoryOptions.builder().deadLetterSuffix("").build())
			.withMessageStartingWith("memory.deadLetterSuffix must not be empty");
	}

	@Test
	void aSuffixThatMakesNoValidTopicOrSubjectIsRejectedNamingTheSettingAndTheValue() {
		for (String bad : List.of(".dlt.", "..dlt", "-d..lt", ">", "*.dlt", " dlt", "dlt/x", "x".repeat(65))) {
			assertThatIllegalArgumentException().isThrownBy(() -> NatsOptions.builder().deadLetterSuffix(bad).build())
				.withMessageStartingWith("nats.deadLetterSuffix '" + bad + "' is invalid");
			assertThatIllegalArgumentException().isThrownBy(() -> KafkaOptions.builder().deadLetterSuffix(bad).build())
				.withMessageStartingWith("kafka.deadLetterSuffix '" + bad + "' is invalid");
		}
		for (String good : List.of("-dlt", ".dlt", "_dead", ".dead.letters", "DLQ")) {
			assertThat(Topics.validateDeadLetterSuffix("s", good)).isEqualTo(good);
		}
	}

	@Test
	void theMemoryBusDeadLettersToTheConfiguredSuffix() {
		try (MemoryEventBus bus = MemoryEventBus.builder(MemoryOptions.builder().deadLetterSuffix(".dead").build())
			.shutdownTimeout(Duration.ofSeconds(5))
			.build()) {
			assertThat(bus.deadLetterTopic("orders")).isEqualTo("orders.dead");
			List<DeadLetterRecord> dead = new CopyOnWriteArrayList<>();
			bus.subscribe("suffix-orders.dead", byte[].class, SubscriptionOptions.of("ops"),
					(envelope, context) -> DeadLetterRecord.from(context).ifPresent(dead::add));
			bus.subscribe("suffix-orders", String.class,
					SubscriptionOptions.builder("billing").retryPolicy(RetryPolicy.none()).build(),
					(envelope, context) -> {
						throw new IllegalStateException("fails");
					});

			bus.publishEvent("suffix-orders", "o-1", "payload").join();

			await().atMost(Duration.ofSeconds(30)).until(() -> dead.size() == 1);
			assertThat(dead.get(0).originalTopic()).isEqualTo("suffix-orders");
		}
	}

	@Test
	void aTopicWhoseDeadLetterTopicIsTooLongIsRejectedAtSubscribe() {
		try (MemoryEventBus bus = MemoryEventBus.builder(MemoryOptions.builder().deadLetterSuffix(".dead-letters").build())
			.shutdownTimeout(Duration.ofSeconds(5))
			.build()) {
			String topic = "t".repeat(Topics.MAX_LENGTH - 5);
			assertThatExceptionOfType(InvalidEnvelopeException.class)
				.isThrownBy(() -> bus.subscribe(topic, String.class, SubscriptionOptions.of("g"), (envelope, context) -> {
				}))
				.withMessageContaining("dead-letter topic '" + topic + ".dead-letters' is invalid");
		}
	}

}

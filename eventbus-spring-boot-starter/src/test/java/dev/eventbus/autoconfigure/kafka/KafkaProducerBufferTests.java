package dev.eventbus.autoconfigure.kafka;

import org.junit.jupiter.api.Test;

import dev.eventbus.autoconfigure.EventBusConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A batch larger than the producer's buffer can never be allocated (every publish would fail), so
 * {@code flush-bytes} above {@code buffer-memory} is rejected at build time naming both properties.
 */
class KafkaProducerBufferTests {

	@Test
	void flushBytesLargerThanBufferMemoryIsRejectedNamingBothProperties() {
		assertThatExceptionOfType(EventBusConfigurationException.class)
			.isThrownBy(() -> KafkaScenarioTests.options("eventbus.kafka.producer.flush-bytes=2MB",
					"eventbus.kafka.producer.buffer-memory=1MB"))
			.satisfies((ex) -> {
				assertThat(ex.property()).isEqualTo("eventbus.kafka.producer.flush-bytes");
				assertThat(ex.getMessage()).contains("eventbus.kafka.producer.flush-bytes (2097152 bytes)")
					.contains("eventbus.kafka.producer.buffer-memory (1048576 bytes)")
					.doesNotContain("flushBytes")
					.doesNotContain("bufferMemory");
			});
	}

	@Test
	void flushBytesEqualToBufferMemoryIsAccepted() {
		assertThat(KafkaScenarioTests.options("eventbus.kafka.producer.flush-bytes=1MB",
				"eventbus.kafka.producer.buffer-memory=1MB").producer().flushBytes()).isEqualTo(1048576);
	}

}

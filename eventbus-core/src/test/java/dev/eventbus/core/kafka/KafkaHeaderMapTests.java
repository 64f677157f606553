package dev.eventbus.core.kafka;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class KafkaHeaderMapTests {

	@Test
	void holdsWhatALinkedHashMapFilledInHeaderOrderHolds() {
		RecordHeaders headers = new RecordHeaders();
		headers.add("ce_id", utf8("e-1"));
		headers.add("ce_type", utf8("Bestellung aufgegeben é€"));
		headers.add("traceparent", utf8("first"));
		headers.add("empty", null);
		headers.add("traceparent", utf8("second"));
		headers.add("content-type", utf8("application/json"));
		Map<String, String> expected = new LinkedHashMap<>();
		for (Header header : headers) {
			expected.put(header.key(),
					(header.value() != null) ? new String(header.value(), StandardCharsets.UTF_8) : "");
		}

		KafkaHeaderMap map = new KafkaHeaderMap(headers);

		assertThat(map).isEqualTo(expected).hasSameHashCodeAs(expected).hasToString(expected.toString());
		assertThat(map).containsExactlyEntriesOf(expected);
		assertThat(map.keySet()).containsExactly("ce_id", "ce_type", "traceparent", "empty", "content-type");
		assertThat(map.get("traceparent")).isEqualTo("second");
		assertThat(map.get("empty")).isEmpty();
		assertThat(map.get("ce_subject")).isNull();
		assertThat(map.containsKey("ce_type")).isTrue();
		assertThat(map.containsKey("ce_time")).isFalse();
		List<String> seen = new ArrayList<>();
		map.forEach((name, value) -> seen.add(name + "=" + value));
		assertThat(seen).containsExactly("ce_id=e-1", "ce_type=Bestellung aufgegeben é€", "traceparent=second",
				"empty=", "content-type=application/json");
	}

	@Test
	void anEmptyRecordHasAnEmptyMap() {
		KafkaHeaderMap map = new KafkaHeaderMap(new RecordHeaders());
		assertThat(map).isEmpty();
		assertThat(map.get("ce_id")).isNull();
	}

	@Test
	void isReadOnly() {
		RecordHeaders headers = new RecordHeaders();
		headers.add("ce_id", utf8("e-1"));
		KafkaHeaderMap map = new KafkaHeaderMap(headers);
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> map.put("ce_id", "e-2"));
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> map.remove("ce_id"));
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(map::clear);
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> map.entrySet().iterator().next().setValue("e-2"));
		assertThat(map).containsExactly(Map.entry("ce_id", "e-1"));
	}

	@Test
	void threadsReadingItFirstAtTheSameTimeSeeTheSameContent() throws Exception {
		ExecutorService threads = Executors.newFixedThreadPool(4);
		try {
			for (int round = 0; round < 200; round++) {
				RecordHeaders headers = new RecordHeaders();
				for (int i = 0; i < 8; i++) {
					// keys decoded lazily from a buffer, as the Kafka client hands them over
					headers.add(new RecordHeader(ByteBuffer.wrap(utf8("ce_h" + i)), ByteBuffer.wrap(utf8("v" + i))));
				}
				KafkaHeaderMap map = new KafkaHeaderMap(headers);
				CountDownLatch start = new CountDownLatch(1);
				List<Future<String>> reads = new ArrayList<>();
				for (int t = 0; t < 4; t++) {
					reads.add(threads.submit(() -> {
						start.await();
						return map.get("ce_h7") + map.size();
					}));
				}
				start.countDown();
				for (Future<String> read : reads) {
					assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo("v78");
				}
			}
		}
		finally {
			threads.shutdownNow();
		}
	}

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}

package dev.eventbus.core.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Measures a group's lag on its topics with the admin client: for each partition, the end offset
 * minus the committed offset (minus the earliest offset when the group has not committed yet).
 * Runs on the bus's lag scheduler thread, never on a poll thread; stateless.
 */
final class KafkaLagProbe {

	private KafkaLagProbe() {
	}

	static long measure(Admin admin, String group, List<String> topics, Duration timeout)
			throws InterruptedException, ExecutionException, TimeoutException {
		long millis = timeout.toMillis();
		// each call expires with the wait for it: a broker that does not answer leaves no admin call
		// pending past this measurement, so measurements never pile up calls in the admin client
		int callTimeout = (int) Math.max(1, Math.min(Integer.MAX_VALUE, millis));
		Map<String, TopicDescription> descriptions = admin
			.describeTopics(topics, new DescribeTopicsOptions().timeoutMs(callTimeout))
			.allTopicNames()
			.get(millis, TimeUnit.MILLISECONDS);
		List<TopicPartition> partitions = new ArrayList<>();
		descriptions.forEach((topic, description) -> description.partitions()
			.forEach((info) -> partitions.add(new TopicPartition(topic, info.partition()))));
		Map<TopicPartition, OffsetAndMetadata> committed = admin
			.listConsumerGroupOffsets(group, new ListConsumerGroupOffsetsOptions().timeoutMs(callTimeout))
			.partitionsToOffsetAndMetadata()
			.get(millis, TimeUnit.MILLISECONDS);
		Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
		Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
		for (TopicPartition partition : partitions) {
			latest.put(partition, OffsetSpec.latest());
			if (committed.get(partition) == null) {
				earliest.put(partition, OffsetSpec.earliest());
			}
		}
		Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin
			.listOffsets(latest, new ListOffsetsOptions().timeoutMs(callTimeout))
			.all()
			.get(millis, TimeUnit.MILLISECONDS);
		Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts = earliest.isEmpty() ? Map.of()
				: admin.listOffsets(earliest, new ListOffsetsOptions().timeoutMs(callTimeout))
					.all()
					.get(millis, TimeUnit.MILLISECONDS);
		long total = 0;
		for (TopicPartition partition : partitions) {
			OffsetAndMetadata offset = committed.get(partition);
			long from = (offset != null) ? offset.offset() : starts.get(partition).offset();
			total += Math.max(0, ends.get(partition).offset() - from);
		}
		return total;
	}

}

package dev.eventbus.core.nats;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The partition layout of a topic on JetStream ({@link NatsOptions#partitions()}): which partition an
 * event goes to, the subjects, durable consumers and lease keys of the partitions.
 *
 * <p><b>Hash.</b> The partition of an aggregate id is the 32-bit FNV-1a hash of its UTF-8 bytes,
 * modulo the partition count (non-negative): stable across JVMs, versions and restarts, so the same
 * key always lands in the same partition for a given count. The publisher computes it; server-side
 * subject mapping ({@code partition()} on 2.9) would need the key inside the subject, where many
 * aggregate ids (with dots, spaces or other characters a subject token may not hold) cannot go.
 *
 * <p><b>Layout with N &gt; 1.</b> Subject {@code s.<p>} for {@code p} in {@code 0..N-1}, all captured by
 * the topic's stream; durable consumer {@code <group>-<topic>-p<p>} filtered on {@code s.<p>}. With
 * N = 1 the layout is that of a topic without partitions: subject {@code s}, durable
 * {@code <group>-<topic>}.
 */
public final class NatsPartitions {

	private static final int FNV_OFFSET = 0x811c9dc5;

	private static final int FNV_PRIME = 0x01000193;

	private NatsPartitions() {
	}

	/**
	 * @param key an aggregate id
	 * @param partitions the partition count, at least 1
	 * @return the partition of the key, {@code 0..partitions-1}
	 */
	public static int partition(String key, int partitions) {
		if (partitions <= 1) {
			return 0;
		}
		int hash = FNV_OFFSET;
		for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
			hash ^= (b & 0xff);
			hash *= FNV_PRIME;
		}
		return Math.floorMod(hash, partitions);
	}

	/**
	 * @param subject the topic's subject
	 * @param partition a partition
	 * @param partitions the partition count
	 * @return the subject of the partition: the topic's subject when there is one partition
	 */
	static String subject(String subject, int partition, int partitions) {
		return (partitions == 1) ? subject : subject + "." + partition;
	}

	/**
	 * @param subject the topic's subject
	 * @param partitions the partition count
	 * @return the subjects the topic's stream captures
	 */
	static List<String> subjects(String subject, int partitions) {
		List<String> subjects = new ArrayList<>(partitions);
		for (int p = 0; p < partitions; p++) {
			subjects.add(subject(subject, p, partitions));
		}
		return subjects;
	}

	/**
	 * @param group a consumer group
	 * @param topic a topic
	 * @param partition a partition
	 * @param partitions the partition count
	 * @return the durable consumer of the group on the partition
	 */
	static String durable(String group, String topic, int partition, int partitions) {
		String base = NatsConsumerOptions.durableName(group, topic);
		return (partitions == 1) ? base : base + "-p" + partition;
	}

	/**
	 * The partition count of an existing stream for a topic's subject, read from the subjects it
	 * captures: 1 when it captures the subject itself, N when it captures {@code subject.0} to
	 * {@code subject.<N-1>}.
	 * @param captured the stream's subjects
	 * @param subject the topic's subject
	 * @return the count, or 0 when the stream captures neither (for example through a wildcard)
	 */
	static int countIn(List<String> captured, String subject) {
		if (captured.contains(subject)) {
			return 1;
		}
		Pattern numbered = Pattern.compile(Pattern.quote(subject) + "\\.(0|[1-9][0-9]*)");
		int count = 0;
		for (String s : captured) {
			if (numbered.matcher(s).matches()) {
				count++;
			}
		}
		return count;
	}

}

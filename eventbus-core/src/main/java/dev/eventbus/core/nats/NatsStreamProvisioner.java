package dev.eventbus.core.nats;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.eventbus.core.api.EventBusException;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Provisions the stream of a subject on first use, per {@link NatsStreamOptions#provisioning()}, and
 * durable consumers. Remembers the stream of every subject it provisioned. Thread-safe: publishers
 * and subscribers call it concurrently; provisioning of a subject happens once under a lock.
 */
final class NatsStreamProvisioner {

	private static final Logger logger = LoggerFactory.getLogger(NatsStreamProvisioner.class);

	/** JetStream API error code: stream not found. */
	private static final int STREAM_NOT_FOUND = 10059;

	private final JetStreamManagement management;

	private final NatsStreamOptions options;

	private final Map<String, String> streams = new ConcurrentHashMap<>();

	NatsStreamProvisioner(JetStreamManagement management, NatsStreamOptions options) {
		this.management = management;
		this.options = options;
	}

	/**
	 * Makes sure a stream captures the subject (not partitioned, such as a dead-letter subject).
	 * @param subject the subject
	 * @return the name of the stream capturing it, or null under {@code skip} provisioning (unknown)
	 * @throws EventBusException naming the subject and stream when provisioning or validation fails
	 */
	@Nullable String ensure(String subject) {
		return ensure(subject, 1);
	}

	/**
	 * Makes sure a stream captures the partitions of a topic's subject (see {@link NatsPartitions}),
	 * and that an existing stream has as many.
	 * @param subject the topic's subject
	 * @param partitions the partition count
	 * @return the name of the stream capturing it, or null under {@code skip} provisioning (unknown)
	 * @throws EventBusException naming the subject and stream when provisioning or validation fails,
	 * and naming {@code eventbus.nats.partitions} when the stream has another partition count
	 */
	@Nullable String ensure(String subject, int partitions) {
		if (this.options.provisioning() == NatsStreamOptions.Provisioning.SKIP) {
			return null;
		}
		String known = this.streams.get(subject);
		if (known != null) {
			return known;
		}
		synchronized (this) {
			known = this.streams.get(subject);
			if (known == null) {
				known = provision(subject, partitions);
				this.streams.put(subject, known);
			}
			return known;
		}
	}

	/**
	 * @param subject a subject
	 * @return whether its stream was provisioned (or provisioning is {@code skip})
	 */
	boolean isKnown(String subject) {
		return this.options.provisioning() == NatsStreamOptions.Provisioning.SKIP || this.streams.containsKey(subject);
	}

	/**
	 * @param stream stream name
	 * @param consumer consumer configuration
	 * @throws EventBusException naming the consumer when the server refuses it
	 */
	/** @return the provisioning mode as its property value ({@code create-or-update}, {@code skip}, ...) */
	String provisioningName() {
		return this.options.provisioning().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
	}

	void ensureConsumer(String stream, ConsumerConfiguration consumer) {
		try {
			this.management.addOrUpdateConsumer(stream, consumer);
		}
		catch (IOException | JetStreamApiException ex) {
			throw new EventBusException("NATS could not create or update durable consumer '" + consumer.getDurable()
					+ "' on stream '" + stream + "': " + ex.getMessage(), ex);
		}
	}

	private String provision(String subject, int partitions) {
		String derived = NatsStreamOptions.streamName(subject);
		List<String> subjects = NatsPartitions.subjects(subject, partitions);
		StreamConfiguration wanted = NatsClientConfig.streamConfiguration(this.options, derived, subjects);
		try {
			List<String> capturing = this.management.getStreamNames(subjects.get(0));
			if (!capturing.isEmpty()) {
				String existing = capturing.get(0);
				checkPartitions(existing, subject, partitions);
				if (existing.equals(derived)
						&& this.options.provisioning() == NatsStreamOptions.Provisioning.CREATE_OR_UPDATE) {
					update(existing, subjects);
				}
				else {
					logger.debug("NATS subject '{}' is captured by existing stream '{}'", subject, existing);
				}
				return existing;
			}
			if (partitions > 1) {
				// A stream of the single-subject layout (any name) captures the topic's subject itself.
				List<String> single = this.management.getStreamNames(subject);
				if (!single.isEmpty()) {
					checkPartitions(single.get(0), subject, partitions);
				}
			}
			StreamInfo same = streamInfo(derived);
			if (same != null) {
				refuseChangedCount(derived, same.getConfiguration().getSubjects(), subject, partitions);
			}
			if (this.options.provisioning() == NatsStreamOptions.Provisioning.VALIDATE) {
				throw new EventBusException("NATS stream for subject '" + subjects.get(0) + "' does not exist "
						+ "(expected '" + derived + "'); eventbus.nats.stream.provisioning=validate never creates "
						+ "streams: create it or use create-or-update");
			}
			if (same != null) {
				// Another subject maps to the same name (case or '.' versus '_'): the stream captures both.
				List<String> all = new ArrayList<>(same.getConfiguration().getSubjects());
				all.addAll(subjects);
				this.management.updateStream(StreamConfiguration.builder(same.getConfiguration()).subjects(all).build());
				logger.info("NATS stream '{}' now also captures subject(s) {}", derived, subjects);
				return derived;
			}
			this.management.addStream(wanted);
			logger.info("NATS stream '{}' created for subject '{}' with {} partition(s) ({})", derived, subject,
					partitions, this.options);
			return derived;
		}
		catch (IOException | JetStreamApiException ex) {
			throw new EventBusException("NATS could not provision stream '" + derived + "' for subject '" + subject
					+ "' (eventbus.nats.stream.provisioning=" + this.options.provisioning() + "): " + ex.getMessage(),
					ex);
		}
	}

	private void checkPartitions(String stream, String subject, int partitions)
			throws IOException, JetStreamApiException {
		refuseChangedCount(stream, this.management.getStreamInfo(stream).getConfiguration().getSubjects(), subject,
				partitions);
	}

	/**
	 * Refuses a stream whose subjects show another partition count than configured: the keys would
	 * land in other partitions than their earlier events, whose order would be lost.
	 */
	private static void refuseChangedCount(String stream, List<String> captured, String subject, int partitions) {
		int existing = NatsPartitions.countIn(captured, subject);
		if (existing == 0 || existing == partitions) {
			return;
		}
		throw new EventBusException("NATS stream '" + stream + "' holds topic subject '" + subject + "' in "
				+ existing + " partition(s) (subjects " + captured + ") but eventbus.nats.partitions=" + partitions
				+ ": the partition count of an existing stream cannot change (keys would move to other partitions "
				+ "and their order would be lost). Set eventbus.nats.partitions=" + existing + ", or drain the topic, "
				+ "delete stream '" + stream + "' (with its consumers) and start again to create it with " + partitions
				+ " partition(s); see docs/nats.md");
	}

	private void update(String stream, List<String> subjects) throws IOException, JetStreamApiException {
		StreamInfo info = this.management.getStreamInfo(stream);
		StreamConfiguration current = info.getConfiguration();
		StreamConfiguration wanted = NatsClientConfig.streamConfiguration(this.options, stream, subjects);
		boolean differs = current.getMaxMsgs() != wanted.getMaxMsgs() || current.getMaxBytes() != wanted.getMaxBytes()
				|| !current.getMaxAge().equals(wanted.getMaxAge())
				|| current.getDiscardPolicy() != wanted.getDiscardPolicy()
				|| current.getReplicas() != wanted.getReplicas()
				|| !current.getDuplicateWindow().equals(wanted.getDuplicateWindow());
		if (!differs) {
			return;
		}
		StreamConfiguration updated = StreamConfiguration.builder(current)
			.maxMessages(wanted.getMaxMsgs())
			.maxBytes(wanted.getMaxBytes())
			.maxAge(wanted.getMaxAge())
			.discardPolicy(wanted.getDiscardPolicy())
			.replicas(wanted.getReplicas())
			.duplicateWindow(wanted.getDuplicateWindow())
			.build();
		this.management.updateStream(updated);
		logger.info("NATS stream '{}' updated to {}", stream, this.options);
	}

	private @Nullable StreamInfo streamInfo(String stream) throws IOException, JetStreamApiException {
		try {
			return this.management.getStreamInfo(stream);
		}
		catch (JetStreamApiException ex) {
			if (ex.getApiErrorCode() == STREAM_NOT_FOUND) {
				return null;
			}
			throw ex;
		}
	}

}

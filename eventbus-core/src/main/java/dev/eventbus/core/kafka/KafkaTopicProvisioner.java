package dev.eventbus.core.kafka;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import dev.eventbus.core.api.EventBusException;
import org.jspecify.annotations.Nullable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Applies {@link KafkaTopicOptions} with the admin client: create, create-or-update, validate or
 * skip. Called on the thread that builds the bus or subscribes; each admin call is bounded by
 * {@link KafkaTopicOptions#timeout()}. Stateless apart from the admin client, which is thread-safe.
 */
final class KafkaTopicProvisioner {

	private final Admin admin;

	private final KafkaTopicOptions options;

	/** What names a topic's dead-letter topic, {@link KafkaOptions#deadLetterSuffix()}. */
	private final String deadLetterSuffix;

	/** Describes a TLS failure of the admin client (trust material and its property), or null. */
	private final Function<Throwable, @Nullable String> tlsFailure;

	KafkaTopicProvisioner(Admin admin, KafkaTopicOptions options, String deadLetterSuffix,
			Function<Throwable, @Nullable String> tlsFailure) {
		this.admin = admin;
		this.options = options;
		this.deadLetterSuffix = deadLetterSuffix;
		this.tlsFailure = tlsFailure;
	}

	/**
	 * @param topics topics to provision (their dead-letter topics are added when configured)
	 * @throws EventBusException naming each topic and setting that failed or differs
	 */
	void provision(Collection<String> topics) {
		if (this.options.strategy() == KafkaTopicOptions.Strategy.SKIP || topics.isEmpty()) {
			return;
		}
		Set<String> names = new LinkedHashSet<>();
		for (String topic : topics) {
			names.add(topic);
			if (this.options.deadLetterTopics() && !topic.endsWith(this.deadLetterSuffix)) {
				names.add(topic + this.deadLetterSuffix);
			}
		}
		try {
			Set<String> existing = this.admin.listTopics().names().get(timeout(), TimeUnit.MILLISECONDS);
			List<String> missing = names.stream().filter((name) -> !existing.contains(name)).toList();
			List<String> present = names.stream().filter(existing::contains).toList();
			switch (this.options.strategy()) {
				case CREATE_ONLY -> create(missing);
				case CREATE_OR_UPDATE -> {
					create(missing);
					update(present);
				}
				case VALIDATE -> validate(missing, present);
				default -> {
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new EventBusException("interrupted while provisioning Kafka topics " + names, ex);
		}
		catch (ExecutionException | java.util.concurrent.TimeoutException ex) {
			Throwable cause = (ex instanceof ExecutionException) ? ex.getCause() : ex;
			String tls = this.tlsFailure.apply(cause);
			if (tls != null) {
				throw new EventBusException("provisioning Kafka topics " + names + " failed: " + tls, cause);
			}
			throw new EventBusException("provisioning Kafka topics " + names + " with strategy "
					+ this.options.strategy() + " failed: " + cause + ". Check kafka.bootstrapServers, the admin "
					+ "rights of the principal, or set kafka.topics.strategy=skip", cause);
		}
	}

	private long timeout() {
		return this.options.timeout().toMillis();
	}

	private Map<String, String> topicConfigs() {
		Map<String, String> configs = new HashMap<>();
		if (this.options.retention() != null) {
			configs.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(this.options.retention().toMillis()));
		}
		if (this.options.compression() != null) {
			configs.put(TopicConfig.COMPRESSION_TYPE_CONFIG, this.options.compression().clientValue());
		}
		return configs;
	}

	private void create(List<String> missing) throws InterruptedException, ExecutionException,
			java.util.concurrent.TimeoutException {
		if (missing.isEmpty()) {
			return;
		}
		Optional<Integer> partitions = (this.options.partitions() > 0) ? Optional.of(this.options.partitions())
				: Optional.empty();
		Optional<Short> replication = (this.options.replicationFactor() > 0)
				? Optional.of(this.options.replicationFactor()) : Optional.empty();
		List<NewTopic> newTopics = new ArrayList<>();
		for (String name : missing) {
			newTopics.add(new NewTopic(name, partitions, replication).configs(topicConfigs()));
		}
		try {
			this.admin.createTopics(newTopics).all().get(timeout(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			if (!(ex.getCause() instanceof TopicExistsException)) {
				throw ex;
			}
			// created concurrently by another instance: fine
		}
		awaitLeaders(missing);
	}

	/**
	 * Waits until every partition of topics just created has a leader, within the provisioning
	 * timeout: consumers that subscribe earlier poll "unknown topic" warnings, and a first burst of
	 * idempotent publishes into partitions without a leader can retry an out-of-order sequence until
	 * its delivery timeout.
	 */
	private void awaitLeaders(List<String> created) throws InterruptedException, ExecutionException,
			java.util.concurrent.TimeoutException {
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout());
		while (true) {
			Map<String, TopicDescription> descriptions;
			try {
				descriptions = this.admin.describeTopics(created).allTopicNames()
					.get(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())), TimeUnit.MILLISECONDS);
			}
			catch (ExecutionException ex) {
				if (!(ex.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)) {
					throw ex;
				}
				descriptions = Map.of();
			}
			boolean led = descriptions.size() == created.size() && descriptions.values()
				.stream()
				.allMatch((description) -> description.partitions().stream().allMatch((info) -> info.leader() != null));
			if (led) {
				return;
			}
			if (System.nanoTime() > deadline) {
				throw new java.util.concurrent.TimeoutException("partitions of " + created + " have no leader after "
						+ this.options.timeout() + " (kafka.topics.timeout)");
			}
			Thread.sleep(50);
		}
	}

	private void update(List<String> present) throws InterruptedException, ExecutionException,
			java.util.concurrent.TimeoutException {
		if (present.isEmpty()) {
			return;
		}
		if (this.options.partitions() > 0) {
			Map<String, TopicDescription> descriptions = this.admin.describeTopics(present).allTopicNames()
				.get(timeout(), TimeUnit.MILLISECONDS);
			Map<String, NewPartitions> increases = new HashMap<>();
			descriptions.forEach((name, description) -> {
				if (description.partitions().size() < this.options.partitions()) {
					increases.put(name, NewPartitions.increaseTo(this.options.partitions()));
				}
			});
			if (!increases.isEmpty()) {
				this.admin.createPartitions(increases).all().get(timeout(), TimeUnit.MILLISECONDS);
			}
		}
		Map<String, String> configs = topicConfigs();
		if (!configs.isEmpty()) {
			Map<ConfigResource, Collection<AlterConfigOp>> changes = new HashMap<>();
			for (String name : present) {
				List<AlterConfigOp> ops = new ArrayList<>();
				configs.forEach((key, value) -> ops.add(new AlterConfigOp(new ConfigEntry(key, value),
						AlterConfigOp.OpType.SET)));
				changes.put(new ConfigResource(ConfigResource.Type.TOPIC, name), ops);
			}
			this.admin.incrementalAlterConfigs(changes).all().get(timeout(), TimeUnit.MILLISECONDS);
		}
	}

	private void validate(List<String> missing, List<String> present) throws InterruptedException,
			ExecutionException, java.util.concurrent.TimeoutException {
		List<String> problems = new ArrayList<>();
		for (String name : missing) {
			problems.add("topic '" + name + "' does not exist");
		}
		if (!present.isEmpty()) {
			Map<String, TopicDescription> descriptions = this.admin.describeTopics(present).allTopicNames()
				.get(timeout(), TimeUnit.MILLISECONDS);
			List<ConfigResource> resources = present.stream()
				.map((name) -> new ConfigResource(ConfigResource.Type.TOPIC, name))
				.toList();
			Map<ConfigResource, Config> configs = this.admin.describeConfigs(resources).all()
				.get(timeout(), TimeUnit.MILLISECONDS);
			Map<String, String> expected = topicConfigs();
			for (String name : present) {
				TopicDescription description = descriptions.get(name);
				int partitions = description.partitions().size();
				if (this.options.partitions() > 0 && partitions < this.options.partitions()) {
					problems.add("topic '" + name + "' has " + partitions + " partitions, eventbus.kafka.topics.partitions wants at least "
							+ this.options.partitions());
				}
				int replication = description.partitions().get(0).replicas().size();
				if (this.options.replicationFactor() > 0 && replication != this.options.replicationFactor()) {
					problems.add("topic '" + name + "' has replication factor " + replication
							+ ", eventbus.kafka.topics.replication-factor wants " + this.options.replicationFactor());
				}
				Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, name));
				expected.forEach((key, value) -> {
					ConfigEntry entry = config.get(key);
					String actual = (entry != null) ? entry.value() : null;
					if (!value.equals(actual)) {
						problems.add("topic '" + name + "' has " + key + "=" + actual + ", kafka.topics wants " + value);
					}
				});
			}
		}
		if (!problems.isEmpty()) {
			throw new EventBusException("Kafka topic validation failed (kafka.topics.strategy=validate): "
					+ String.join("; ", problems)
					+ ". Create or fix the topics, or use kafka.topics.strategy=create-only or create-or-update");
		}
	}

}

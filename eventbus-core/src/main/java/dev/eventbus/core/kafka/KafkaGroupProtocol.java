package dev.eventbus.core.kafka;

/**
 * The consumer group protocol a subscription's consumer speaks ({@code group.protocol}); see
 * {@code docs/kafka-configuration.md}.
 */
public enum KafkaGroupProtocol {

	/**
	 * The classic protocol: the group leader (a client) computes the assignment with the client's
	 * {@code partition.assignment.strategy} (the bus uses the cooperative sticky assignor); session
	 * timeout and heartbeat interval are client settings. The default of the bus.
	 */
	CLASSIC("classic"),

	/**
	 * The consumer protocol of KIP-848 (Kafka 4.0 brokers and later): the broker assigns partitions
	 * incrementally, member by member, and owns the session timeout and heartbeat interval
	 * ({@code group.consumer.session.timeout.ms}, {@code group.consumer.heartbeat.interval.ms});
	 * the client may name a broker-side assignor ({@code group.remote.assignor}).
	 */
	CONSUMER("consumer");

	private final String clientValue;

	KafkaGroupProtocol(String clientValue) {
		this.clientValue = clientValue;
	}

	/** @return the value of the client's {@code group.protocol} setting */
	public String clientValue() {
		return this.clientValue;
	}

}

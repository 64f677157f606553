package dev.eventbus.core.support;

import java.util.concurrent.CompletableFuture;

/**
 * Publishes a dead letter to the transport's dead-letter destination (Kafka {@code <topic>-dlt},
 * NATS {@code <topic>.dlt}, memory {@code <topic>-dlt}).
 */
@FunctionalInterface
public interface DeadLetterPublisher {

	/**
	 * @param deadLetter the failed message and why it failed
	 * @return completes when the broker has it; exceptionally if it could not be stored
	 */
	CompletableFuture<?> publish(DeadLetter deadLetter);

}

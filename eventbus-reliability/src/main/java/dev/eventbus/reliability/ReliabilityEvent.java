package dev.eventbus.reliability;

/**
 * Payload of every event the suite publishes.
 *
 * @param key the aggregate id (also the envelope's aggregate id)
 * @param seq position of the event within its key, from 0
 * @param sentAtMillis wall-clock time of the publish call, for latency
 * @param padding filler to reach the configured payload size
 */
public record ReliabilityEvent(String key, long seq, long sentAtMillis, String padding) {

	/** Event type of the suite's events. */
	public static final String TYPE = "ReliabilityEvent";

}

package dev.eventbus.sample.load;

/**
 * The payload of a load event.
 *
 * @param run id of the run it belongs to (events of other runs are ignored by the verifier)
 * @param key its aggregate id
 * @param seq its sequence number within the key, from 0
 * @param sentAtMicros publish time, microseconds since the epoch
 * @param pad filler up to the requested payload size
 */
public record LoadEvent(String run, String key, long seq, long sentAtMicros, String pad) {

	/** Event type of load events. */
	public static final String TYPE = "LoadEvent";

}

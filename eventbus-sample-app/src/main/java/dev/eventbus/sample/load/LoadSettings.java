package dev.eventbus.sample.load;

import java.time.Duration;

/**
 * One load run's parameters, validated.
 *
 * @param events number of events, at least 1
 * @param keys number of keys, at least 1
 * @param payloadBytes approximate payload size, 0 to 1 MiB
 * @param rate events per second, 0 for as fast as possible
 * @param timeout longest wait for the handling to finish after the last publish
 */
public record LoadSettings(long events, int keys, int payloadBytes, int rate, Duration timeout) {

	/** Largest payload accepted, in bytes. */
	public static final int MAX_PAYLOAD_BYTES = 1024 * 1024;

	/** Largest run accepted (the verifier keeps one latency sample per event). */
	public static final long MAX_EVENTS = 50_000_000;

	/**
	 * @throws IllegalArgumentException naming the property when a value is out of range
	 */
	public LoadSettings {
		if (events < 1 || events > MAX_EVENTS) {
			throw new IllegalArgumentException(
					"eventbus.sample.load.events must be between 1 and " + MAX_EVENTS + " but was " + events);
		}
		if (keys < 1) {
			throw new IllegalArgumentException("eventbus.sample.load.keys must be at least 1 but was " + keys);
		}
		if (payloadBytes < 0 || payloadBytes > MAX_PAYLOAD_BYTES) {
			throw new IllegalArgumentException("eventbus.sample.load.payload-bytes must be between 0 and "
					+ MAX_PAYLOAD_BYTES + " but was " + payloadBytes);
		}
		if (rate < 0) {
			throw new IllegalArgumentException(
					"eventbus.sample.load.rate must be 0 (as fast as possible) or more but was " + rate);
		}
		if (timeout == null || timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("eventbus.sample.load.timeout must be positive but was " + timeout);
		}
	}

	static LoadSettings from(LoadProperties properties, long events) {
		return new LoadSettings(events, properties.getKeys(), properties.getPayloadBytes(), properties.getRate(),
				properties.getTimeout());
	}

}

package dev.eventbus.core.keyed;

/**
 * Told when a {@link KeyedExecutor} crosses its watermarks, so that a transport can pause fetching
 * (Kafka: pause partitions and keep polling; NATS: stop pulling) instead of blocking or dropping.
 *
 * <p>Called on the thread that caused the transition (a submitter for high, a worker for low); keep
 * it short and non-blocking.
 */
@FunctionalInterface
public interface PressureListener {

	/**
	 * @param high true when pending tasks reached the high watermark, false when they fell to the
	 * low watermark
	 */
	void onPressureChanged(boolean high);

}

package dev.eventbus.core.support;

/**
 * How the bus finished with a consumed message. Every outcome means the message may be committed
 * or acknowledged.
 */
public enum Outcome {

	/** The handler succeeded (possibly after retries). */
	SUCCESS("success"),

	/** The handler failed every attempt; the message is in the dead-letter destination. */
	DEAD_LETTERED("dead_lettered"),

	/** The message was undecodable or not acceptable; it is in the dead-letter destination. */
	POISON("poison"),

	/** Failed or poison with dead-lettering off: logged, counted and skipped. */
	SKIPPED("skipped");

	private final String tag;

	Outcome(String tag) {
		this.tag = tag;
	}

	/** @return the {@code outcome} meter tag value */
	public String tag() {
		return this.tag;
	}

}

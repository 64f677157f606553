package dev.eventbus.core.api;

/**
 * How a subscription orders the events it hands to its listener.
 */
public enum Ordering {

	/**
	 * Events of one aggregate id are handled one at a time in publish order; different aggregates in
	 * parallel. Unkeyed events run in parallel. The default.
	 */
	KEY,

	/** No ordering promise: events run in parallel as workers are free. */
	NONE

}

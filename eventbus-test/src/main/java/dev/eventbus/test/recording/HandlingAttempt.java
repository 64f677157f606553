package dev.eventbus.test.recording;

import org.jspecify.annotations.Nullable;

/**
 * One attempt of a consumer group's handler at one event, recorded when the handler returned or threw,
 * before the bus acknowledged, retried or dead-lettered the event.
 *
 * @param group the subscription's consumer group
 * @param topic the topic the event was consumed from
 * @param eventId the event id
 * @param aggregateId the aggregate id, or null for an unkeyed event
 * @param eventType the CloudEvents type
 * @param attempt 1 for the first delivery, 2 for the first retry, and so on
 * @param outcome what the bus does next with the event
 * @param error what the handler threw, or null when it handled the event
 * @param injected whether the failure was injected by {@link EventFailures} (the handler was not called)
 * @param payload the decoded payload the handler received
 */
public record HandlingAttempt(String group, String topic, String eventId, @Nullable String aggregateId,
		String eventType, int attempt, Outcome outcome, @Nullable Throwable error, boolean injected,
		Object payload) {

	/** What the bus does after an attempt. */
	public enum Outcome {

		/** The handler returned: the event is acknowledged. */
		HANDLED,

		/** The handler threw and the retry policy has another attempt. */
		RETRYING,

		/**
		 * The handler threw on the last attempt, or threw an exception the retry policy declares fatal: the
		 * bus now stores the event in the dead-letter destination.
		 */
		DEAD_LETTERED,

		/** As {@link #DEAD_LETTERED}, but the subscription has dead-lettering off: the event is skipped. */
		SKIPPED

	}

	@Override
	public String toString() {
		return "group '" + this.group + "' attempt " + this.attempt + " at " + this.eventType + " " + this.eventId
				+ ((this.aggregateId != null) ? " of aggregate '" + this.aggregateId + "'" : "") + " on '" + this.topic
				+ "': " + this.outcome + ((this.error != null) ? " (" + this.error + ")" : "");
	}

}

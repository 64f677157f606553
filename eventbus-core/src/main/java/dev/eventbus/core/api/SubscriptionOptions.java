package dev.eventbus.core.api;

import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How a subscription consumes: its consumer group, ordering, retry policy and dead-lettering.
 * Immutable; build with {@link #builder(String)}.
 */
public final class SubscriptionOptions {

	/** Consumer group names: letters, digits, '.', '_' and '-' (valid for Kafka and NATS durables). */
	private static final Pattern GROUP = Pattern.compile("[A-Za-z0-9._-]{1,200}");

	/** Default ordering. */
	public static final Ordering DEFAULT_ORDERING = Ordering.KEY;

	/** Whether dead-lettering is on by default. */
	public static final boolean DEFAULT_DEAD_LETTER = true;

	private final String group;

	private final Ordering ordering;

	private final RetryPolicy retryPolicy;

	private final boolean deadLetter;

	private final Set<String> eventTypes;

	private SubscriptionOptions(Builder builder) {
		this.group = builder.group;
		this.ordering = builder.ordering;
		this.retryPolicy = builder.retryPolicy;
		this.deadLetter = builder.deadLetter;
		this.eventTypes = Set.copyOf(builder.eventTypes);
	}

	/**
	 * A builder for a subscription in the given consumer group.
	 * @param group consumer group: every group receives every event once; instances of one group
	 * share the events
	 * @return a builder
	 */
	public static Builder builder(String group) {
		return new Builder(group);
	}

	/**
	 * Default options for a group: key ordering, default retry, dead-letter on.
	 * @param group consumer group
	 * @return the options
	 */
	public static SubscriptionOptions of(String group) {
		return builder(group).build();
	}

	/** @return consumer group */
	public String group() {
		return this.group;
	}

	/** @return ordering of the events handed to the listener */
	public Ordering ordering() {
		return this.ordering;
	}

	/** @return retry policy for failing events */
	public RetryPolicy retryPolicy() {
		return this.retryPolicy;
	}

	/**
	 * Whether events that failed every attempt, or could not be decoded, go to the dead-letter
	 * destination. When off, such events are logged, counted and committed (skipped).
	 * @return whether dead-lettering is on
	 */
	public boolean deadLetter() {
		return this.deadLetter;
	}

	/**
	 * Event types this subscription accepts; empty accepts all. An event of another type is poison
	 * and goes to the dead-letter destination at once.
	 * @return the accepted event types
	 */
	public Set<String> eventTypes() {
		return this.eventTypes;
	}

	/**
	 * Whether an event type is accepted.
	 * @param eventType the type
	 * @return true when {@link #eventTypes()} is empty or contains it
	 */
	public boolean accepts(String eventType) {
		return this.eventTypes.isEmpty() || this.eventTypes.contains(eventType);
	}

	@Override
	public String toString() {
		return "SubscriptionOptions{group=" + this.group + ", ordering=" + this.ordering + ", retryPolicy="
				+ this.retryPolicy + ", deadLetter=" + this.deadLetter + ", eventTypes=" + this.eventTypes + "}";
	}

	/** Builds {@link SubscriptionOptions}; {@link #build()} rejects bad values naming the setting. */
	public static final class Builder {

		private final String group;

		private Ordering ordering = DEFAULT_ORDERING;

		private RetryPolicy retryPolicy = RetryPolicy.defaults();

		private boolean deadLetter = DEFAULT_DEAD_LETTER;

		private final Set<String> eventTypes = new LinkedHashSet<>();

		private Builder(String group) {
			this.group = group;
		}

		/** @param ordering KEY (default) or NONE @return this builder */
		public Builder ordering(Ordering ordering) {
			this.ordering = Objects.requireNonNull(ordering, "ordering must not be null");
			return this;
		}

		/** @param retryPolicy retry policy @return this builder */
		public Builder retryPolicy(RetryPolicy retryPolicy) {
			this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy must not be null");
			return this;
		}

		/** @param deadLetter whether to dead-letter failed and poison events @return this builder */
		public Builder deadLetter(boolean deadLetter) {
			this.deadLetter = deadLetter;
			return this;
		}

		/** @param eventTypes accepted event types (others are dead-lettered) @return this builder */
		public Builder eventTypes(Set<String> eventTypes) {
			this.eventTypes.addAll(eventTypes);
			return this;
		}

		/**
		 * @return the options
		 * @throws IllegalArgumentException naming the invalid setting
		 */
		public SubscriptionOptions build() {
			if (this.group == null || !GROUP.matcher(this.group).matches()) {
				throw new IllegalArgumentException("subscription group '" + this.group
						+ "' is invalid: use 1 to 200 letters, digits, '.', '_' or '-'");
			}
			return new SubscriptionOptions(this);
		}

	}

}

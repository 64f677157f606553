package dev.eventbus.core.support;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import dev.eventbus.core.api.SubscriptionOptions;

/**
 * What {@link AbstractEventBus} hands a transport to open a subscription: the checked arguments,
 * the subscription's id, and the {@link SubscriptionDispatcher} the transport's consumer loop feeds.
 * The transport passes it on to its {@link AbstractSubscription} constructor.
 *
 * @param <T> payload type
 */
public final class SubscriptionRequest<T> {

	private final String transport;

	private final String id;

	private final List<String> topics;

	private final SubscriptionOptions options;

	private final SubscriptionDispatcher<T> dispatcher;

	private final Duration defaultCloseTimeout;

	private final Consumer<AbstractSubscription> onClosed;

	SubscriptionRequest(String transport, String id, List<String> topics, SubscriptionOptions options,
			SubscriptionDispatcher<T> dispatcher, Duration defaultCloseTimeout, Consumer<AbstractSubscription> onClosed) {
		this.transport = transport;
		this.id = id;
		this.topics = List.copyOf(topics);
		this.options = options;
		this.dispatcher = dispatcher;
		this.defaultCloseTimeout = defaultCloseTimeout;
		this.onClosed = onClosed;
	}

	/** @return the transport name */
	public String transport() {
		return this.transport;
	}

	/** @return the subscription id, {@code group/topic[,topic...]}, unique within the bus */
	public String id() {
		return this.id;
	}

	/** @return the topics, validated, in the order given, without repeats */
	public List<String> topics() {
		return this.topics;
	}

	/** @return the consumer group */
	public String group() {
		return this.options.group();
	}

	/** @return the subscription options */
	public SubscriptionOptions options() {
		return this.options;
	}

	/** @return the dispatcher the consumer loop hands fetched messages to */
	public SubscriptionDispatcher<T> dispatcher() {
		return this.dispatcher;
	}

	Duration defaultCloseTimeout() {
		return this.defaultCloseTimeout;
	}

	Consumer<AbstractSubscription> onClosed() {
		return this.onClosed;
	}

}

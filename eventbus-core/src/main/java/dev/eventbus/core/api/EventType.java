package dev.eventbus.core.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the CloudEvents {@code type} of an event class for
 * {@link EventBus#publishEvent(String, String, Object)}; without it the type is the class's simple
 * name.
 *
 * <pre>{@code
 * @EventType("OrderPlaced")
 * record OrderPlacedV2(String orderId, long amountCents) {
 * }
 * }</pre>
 *
 * Subscribers filtering by type ({@link SubscriptionOptions.Builder#eventTypes}) see this name.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface EventType {

	/**
	 * The CloudEvents {@code type}: not blank, at most {@value Envelope#MAX_EVENT_TYPE_LENGTH}
	 * characters, no control characters.
	 * @return the event type
	 */
	String value();

}

package dev.eventbus.core.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method as an event handler. The first parameter is the payload, decoded by the bus's
 * codec (or an {@link Envelope} of it); an {@link EventContext} parameter may follow. The Spring
 * Boot starter registers annotated methods of every bean and resolves {@code ${...}} placeholders in
 * the string attributes (topics, group, back-offs) from the environment; plain-Java users can read
 * the annotation themselves.
 *
 * <p>A method returning a {@link java.util.concurrent.CompletionStage} (for example a
 * {@code CompletableFuture}) is asynchronous, as an {@link AsyncEventListener}: the event is in progress,
 * its key's lane held, until the stage completes; an exceptional completion counts as a thrown exception.
 *
 * <pre>{@code
 * @EventHandler(topics = "orders", group = "billing")
 * void on(OrderPlaced event, EventContext context) { ... }
 * }</pre>
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface EventHandler {

	/**
	 * Topics to consume; alias of {@link #topics()}.
	 * @return the topics
	 */
	String[] value() default {};

	/**
	 * Topics to consume.
	 * @return the topics
	 */
	String[] topics() default {};

	/**
	 * Consumer group; empty means the application's default group ({@code spring.application.name}
	 * in Spring Boot).
	 * @return the group
	 */
	String group() default "";

	/**
	 * Ordering of the events handed to the method.
	 * @return the ordering
	 */
	Ordering ordering() default Ordering.KEY;

	/**
	 * Total attempts including the first; 0 means the bus's default retry policy.
	 * @return max attempts
	 */
	int maxAttempts() default 0;

	/**
	 * Delay before the first retry as a {@link java.time.Duration} string ({@code 100ms},
	 * {@code PT1S}); empty means the default.
	 * @return initial backoff
	 */
	String initialBackoff() default "";

	/**
	 * Upper bound of the retry delay; empty means the default.
	 * @return max backoff
	 */
	String maxBackoff() default "";

	/**
	 * Exceptions that retrying cannot fix, in addition to the bus's (the
	 * {@link RetryPolicy#DEFAULT_FATAL_EXCEPTIONS defaults} and, in Spring Boot,
	 * {@code eventbus.retry.fatal-exceptions}): a failure that is one of them, or is caused by one,
	 * goes to the dead-letter destination without further attempts.
	 * @return fatal exception types
	 */
	Class<? extends Throwable>[] fatalExceptions() default {};

	/**
	 * Whether failed and poison events go to the dead-letter destination.
	 * @return {@code TRUE}, {@code FALSE} or {@code DEFAULT} (the bus's setting)
	 */
	DeadLetter deadLetter() default DeadLetter.DEFAULT;

	/**
	 * Event types accepted; empty accepts all. Others are dead-lettered as poison.
	 * @return event types
	 */
	String[] eventTypes() default {};

	/** Dead-letter override of one handler. */
	enum DeadLetter {

		/** Use the bus's setting. */
		DEFAULT,

		/** Dead-letter failed and poison events. */
		TRUE,

		/** Log, count and skip them. */
		FALSE

	}

}

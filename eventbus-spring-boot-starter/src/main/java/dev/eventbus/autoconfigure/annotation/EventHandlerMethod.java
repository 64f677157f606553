package dev.eventbus.autoconfigure.annotation;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.ResolvableType;
import org.springframework.util.ReflectionUtils;

import dev.eventbus.autoconfigure.EventBusProperties;
import dev.eventbus.autoconfigure.RetryPolicyMapper;
import dev.eventbus.core.api.AsyncEventListener;
import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.EventContext;
import dev.eventbus.core.api.EventHandler;
import dev.eventbus.core.api.EventListener;
import dev.eventbus.core.api.RetryPolicy;
import dev.eventbus.core.api.SubscriptionOptions;
import dev.eventbus.core.support.Topics;

/**
 * One validated {@link EventHandler @EventHandler} method of a bean, ready to subscribe: its
 * topics, payload type, subscription options and a listener that invokes the method. Immutable.
 *
 * <p>Signature rules: the first parameter is the payload (any non-primitive type, decoded by the
 * codec) or an {@code Envelope<Payload>}; after it at most one {@link EventContext} and, when the
 * first parameter is the payload, at most one {@code Envelope<?>}. Throwing requests a retry.
 *
 * <p>Return type: a method returning {@link CompletionStage} (or a subtype such as
 * {@code CompletableFuture}) is asynchronous, its listener an {@link AsyncEventListener}: the event is in
 * progress, its key's lane held, until the returned stage completes; an exceptional completion counts as
 * a thrown exception, a {@code null} return as success. A {@link Future} that is not a
 * {@code CompletionStage} is rejected (the bus cannot wait for it without blocking a worker). Any other
 * return value is ignored, as for a {@code void} method.
 */
final class EventHandlerMethod {

	private final String beanName;

	private final Method method;

	private final List<String> topics;

	private final Class<?> payloadType;

	private final SubscriptionOptions options;

	private final ParameterKind[] parameters;

	/** Whether the method returns a {@link CompletionStage} the event's completion waits for. */
	private final boolean async;

	private EventHandlerMethod(String beanName, Method method, List<String> topics, Class<?> payloadType,
			SubscriptionOptions options, ParameterKind[] parameters, boolean async) {
		this.beanName = beanName;
		this.method = method;
		this.topics = topics;
		this.payloadType = payloadType;
		this.options = options;
		this.parameters = parameters;
		this.async = async;
	}

	/**
	 * Validates an annotated method.
	 * @param beanName the bean's name
	 * @param method the method, on the bean's user class
	 * @param annotation its annotation
	 * @param defaults the bus properties (default retry and dead-letter)
	 * @param defaultGroup group of handlers that name none, or null when there is none
	 * @return the handler method
	 * @throws InvalidEventHandlerException naming the method, the problem and the fix
	 */
	static EventHandlerMethod of(String beanName, Method method, EventHandler annotation,
			EventBusProperties defaults, @Nullable String defaultGroup) {
		if (Modifier.isStatic(method.getModifiers())) {
			throw new InvalidEventHandlerException(method, "it is static",
					"Make the method an instance method of the bean.");
		}
		List<String> topics = topics(method, annotation);
		Class<?>[] types = method.getParameterTypes();
		if (types.length == 0) {
			throw new InvalidEventHandlerException(method, "it has no parameter",
					"Declare the payload as the first parameter, for example on(OrderPlaced event) or "
							+ "on(OrderPlaced event, EventContext context).");
		}
		ParameterKind[] kinds = new ParameterKind[types.length];
		Class<?> payloadType;
		if (types[0] == Envelope.class) {
			kinds[0] = ParameterKind.ENVELOPE;
			ResolvableType generic = ResolvableType.forMethodParameter(method, 0).getGeneric(0);
			Class<?> resolved = generic.resolve();
			if (resolved == null || generic.hasUnresolvableGenerics()) {
				throw new InvalidEventHandlerException(method,
						"its first parameter is an Envelope without a concrete payload type",
						"Declare the payload type, for example Envelope<OrderPlaced>, or Envelope<byte[]> for the "
								+ "raw bytes.");
			}
			payloadType = resolved;
		}
		else if (types[0] == EventContext.class) {
			throw new InvalidEventHandlerException(method, "its first parameter is the EventContext",
					"Declare the payload first and the EventContext after it: on(OrderPlaced event, "
							+ "EventContext context).");
		}
		else if (types[0].isPrimitive()) {
			throw new InvalidEventHandlerException(method,
					"its payload parameter has the primitive type " + types[0].getName(),
					"Use a class the codec can decode, for example a record, String or byte[].");
		}
		else {
			kinds[0] = ParameterKind.PAYLOAD;
			payloadType = types[0];
		}
		for (int i = 1; i < types.length; i++) {
			ParameterKind kind = (types[i] == EventContext.class) ? ParameterKind.CONTEXT
					: (types[i] == Envelope.class) ? ParameterKind.ENVELOPE : null;
			if (kind == null) {
				throw new InvalidEventHandlerException(method,
						"parameter " + (i + 1) + " has the type " + types[i].getName()
								+ ", which the bus cannot supply",
						"Only the payload (first), an EventContext and an Envelope may be declared; remove the "
								+ "parameter or read the value from the EventContext.");
			}
			for (int j = 0; j < i; j++) {
				if (kinds[j] == kind) {
					throw new InvalidEventHandlerException(method,
							"it declares more than one " + ((kind == ParameterKind.CONTEXT) ? "EventContext"
									: "Envelope") + " parameter",
							"Declare each of EventContext and Envelope at most once.");
				}
			}
			kinds[i] = kind;
		}
		Class<?> returnType = method.getReturnType();
		boolean async = CompletionStage.class.isAssignableFrom(returnType);
		if (!async && Future.class.isAssignableFrom(returnType)) {
			throw new InvalidEventHandlerException(method,
					"it returns " + returnType.getName() + ", a Future that is not a CompletionStage, which the bus "
							+ "cannot wait for without blocking a worker",
					"Return a CompletionStage or CompletableFuture (for example CompletableFuture.supplyAsync(...)) "
							+ "for an asynchronous handler, or return void.");
		}
		SubscriptionOptions options = options(method, annotation, defaults, defaultGroup);
		return new EventHandlerMethod(beanName, method, topics, payloadType, options, kinds, async);
	}

	private static List<String> topics(Method method, EventHandler annotation) {
		Set<String> topics = new LinkedHashSet<>();
		topics.addAll(List.of(annotation.value()));
		topics.addAll(List.of(annotation.topics()));
		if (topics.isEmpty()) {
			throw new InvalidEventHandlerException(method, "it names no topic",
					"Name the topics to consume: @EventHandler(topics = \"orders\").");
		}
		for (String topic : topics) {
			try {
				Topics.validate(topic);
			}
			catch (RuntimeException ex) {
				throw new InvalidEventHandlerException(method, "its topic '" + topic + "' is invalid: " + ex.getMessage(),
						"Use a topic name made of letters, digits, '.', '_' and '-'.");
			}
		}
		return new ArrayList<>(topics);
	}

	private static SubscriptionOptions options(Method method, EventHandler annotation, EventBusProperties defaults,
			@Nullable String defaultGroup) {
		String group = annotation.group().isBlank() ? defaultGroup : annotation.group();
		if (group == null || group.isBlank()) {
			throw new InvalidEventHandlerException(method, "it names no consumer group and there is no default group",
					"Set group on the annotation, or set spring.application.name (or eventbus.default-group).");
		}
		RetryPolicy retry = RetryPolicyMapper.defaultPolicy(defaults.getRetry(),
				method.getDeclaringClass().getClassLoader());
		RetryPolicy.Builder policy = retry.toBuilder()
			.maxAttempts((annotation.maxAttempts() > 0) ? annotation.maxAttempts() : retry.maxAttempts())
			.initialBackoff(duration(method, "initialBackoff", annotation.initialBackoff(), retry.initialBackoff()))
			.maxBackoff(duration(method, "maxBackoff", annotation.maxBackoff(), retry.maxBackoff()));
		for (Class<? extends Throwable> fatal : annotation.fatalExceptions()) {
			policy.addFatalException(fatal);
		}
		boolean deadLetter = switch (annotation.deadLetter()) {
			case TRUE -> true;
			case FALSE -> false;
			case DEFAULT -> defaults.getDeadLetter().isEnabled();
		};
		try {
			return SubscriptionOptions.builder(group)
				.ordering(annotation.ordering())
				.retryPolicy(policy.build())
				.deadLetter(deadLetter)
				.eventTypes(new LinkedHashSet<>(List.of(annotation.eventTypes())))
				.build();
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidEventHandlerException(method, ex.getMessage(),
					"Fix the annotation's attributes (or eventbus.retry.* / eventbus.default-group) as the message says.");
		}
	}

	private static Duration duration(Method method, String attribute, String value, Duration fallback) {
		if (value.isBlank()) {
			return fallback;
		}
		try {
			return DurationStyle.detectAndParse(value.trim());
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidEventHandlerException(method,
					"its " + attribute + " '" + value + "' is not a duration",
					"Write " + attribute + " like \"100ms\", \"2s\" or \"PT1S\".");
		}
	}

	String beanName() {
		return this.beanName;
	}

	Method method() {
		return this.method;
	}

	List<String> topics() {
		return this.topics;
	}

	Class<?> payloadType() {
		return this.payloadType;
	}

	SubscriptionOptions options() {
		return this.options;
	}

	/** @return whether the method returns a {@link CompletionStage} (its listener is an {@link AsyncEventListener}) */
	boolean isAsync() {
		return this.async;
	}

	String description() {
		return InvalidEventHandlerException.describe(this.method);
	}

	/**
	 * @param bean the bean (possibly a proxy) to invoke the method on
	 * @return a listener invoking the method, an {@link AsyncEventListener} returning the method's stage
	 * when the method {@link #isAsync() is asynchronous}; an exception of the method is rethrown as is
	 */
	EventListener<Object> listener(Object bean) {
		Method invocable = org.springframework.aop.support.AopUtils.selectInvocableMethod(this.method, bean.getClass());
		ReflectionUtils.makeAccessible(invocable);
		if (this.async) {
			AsyncEventListener<Object> listener = (envelope, context) -> (CompletionStage<?>) invoke(invocable, bean,
					envelope, context);
			return listener;
		}
		return (envelope, context) -> invoke(invocable, bean, envelope, context);
	}

	private @Nullable Object invoke(Method invocable, Object bean, Envelope<Object> envelope, EventContext context)
			throws Exception {
		Object[] args = new Object[this.parameters.length];
		for (int i = 0; i < args.length; i++) {
			args[i] = switch (this.parameters[i]) {
				case PAYLOAD -> envelope.payload();
				case ENVELOPE -> envelope;
				case CONTEXT -> context;
			};
		}
		try {
			return invocable.invoke(bean, args);
		}
		catch (InvocationTargetException ex) {
			Throwable target = ex.getTargetException();
			if (target instanceof Exception exception) {
				throw exception;
			}
			throw (Error) target;
		}
	}

	private enum ParameterKind {

		PAYLOAD, ENVELOPE, CONTEXT

	}

}

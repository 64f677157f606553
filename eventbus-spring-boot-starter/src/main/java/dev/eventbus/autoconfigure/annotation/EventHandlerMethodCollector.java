package dev.eventbus.autoconfigure.annotation;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import org.springframework.aop.framework.AopInfrastructureBean;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.core.env.Environment;

import dev.eventbus.autoconfigure.EventBusOptionsErrors;
import dev.eventbus.autoconfigure.EventBusProperties;
import dev.eventbus.core.api.EventHandler;

/**
 * Finds the {@link EventHandler @EventHandler} methods of every bean as it is initialized and
 * validates them at once, so that a bad signature fails the start-up naming the method. Does not
 * subscribe: {@link EventHandlerSubscriptions} does that once the context is refreshed.
 *
 * <p>Called by the container on the thread that creates beans; the registry is a concurrent map
 * because beans may be created from other threads (background bootstrap).
 */
class EventHandlerMethodCollector implements BeanPostProcessor, EnvironmentAware, AopInfrastructureBean {

	private final Map<String, Registration> registrations = new ConcurrentHashMap<>();

	private final Set<Class<?>> withoutHandlers = ConcurrentHashMap.newKeySet();

	private @Nullable EventBusProperties properties;

	private @Nullable String defaultGroup;

	private @Nullable Environment environment;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
		this.properties = Binder.get(environment)
			.bind("eventbus", EventBusProperties.class)
			.orElseGet(EventBusProperties::new);
		String group = this.properties.getDefaultGroup();
		this.defaultGroup = (group != null && !group.isBlank()) ? group
				: environment.getProperty("spring.application.name");
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		Class<?> type = AopUtils.getTargetClass(bean);
		if (this.withoutHandlers.contains(type)) {
			return bean;
		}
		Map<Method, EventHandler> methods = MethodIntrospector.selectMethods(type,
				(MethodIntrospector.MetadataLookup<EventHandler>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, EventHandler.class));
		if (methods.isEmpty()) {
			this.withoutHandlers.add(type);
			return bean;
		}
		EventBusProperties defaults = (this.properties != null) ? this.properties : new EventBusProperties();
		EventBusOptionsErrors.validateRetryDefaults(defaults.getRetry());
		List<EventHandlerMethod> handlers = new ArrayList<>();
		methods.forEach((method, annotation) -> handlers
			.add(EventHandlerMethod.of(beanName, method, resolvePlaceholders(method, annotation), defaults,
					this.defaultGroup)));
		this.registrations.put(beanName, new Registration(bean, List.copyOf(handlers)));
		return bean;
	}

	/**
	 * Resolves {@code ${...}} placeholders in the string attributes (topics, group, back-offs) against
	 * the environment, as {@code @KafkaListener} does; a topic placeholder may resolve to a
	 * comma-separated list.
	 * @throws InvalidEventHandlerException naming the method and the placeholder that cannot be
	 * resolved
	 */
	private EventHandler resolvePlaceholders(Method method, EventHandler annotation) {
		Environment environment = this.environment;
		if (environment == null) {
			return annotation;
		}
		Map<String, Object> attributes = AnnotationUtils.getAnnotationAttributes(annotation);
		boolean changed = false;
		for (Map.Entry<String, Object> attribute : attributes.entrySet()) {
			String name = attribute.getKey();
			if (attribute.getValue() instanceof String value && value.contains("${")) {
				attribute.setValue(resolve(environment, method, name, value));
				changed = true;
			}
			else if (attribute.getValue() instanceof String[] values
					&& Arrays.stream(values).anyMatch((value) -> value.contains("${"))) {
				List<String> resolved = new ArrayList<>();
				for (String value : values) {
					if (!value.contains("${")) {
						resolved.add(value);
						continue;
					}
					for (String part : resolve(environment, method, name, value).split(",")) {
						if (!part.isBlank()) {
							resolved.add(part.trim());
						}
					}
				}
				attribute.setValue(resolved.toArray(String[]::new));
				changed = true;
			}
		}
		return changed ? AnnotationUtils.synthesizeAnnotation(attributes, EventHandler.class, method) : annotation;
	}

	private static String resolve(Environment environment, Method method, String attribute, String value) {
		try {
			return environment.resolveRequiredPlaceholders(value);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidEventHandlerException(method,
					"its " + attribute + " '" + value + "' has a placeholder that cannot be resolved ("
							+ ex.getMessage() + ")",
					"Define the property the placeholder names, or give it a default: ${name:default}.");
		}
	}

	/** @return the handler methods found so far, with their beans */
	List<Registration> registrations() {
		return List.copyOf(this.registrations.values());
	}

	/**
	 * A bean and its handler methods.
	 * @param bean the bean as exposed by the container (possibly a proxy)
	 * @param methods its handler methods
	 */
	record Registration(Object bean, List<EventHandlerMethod> methods) {

	}

}

package dev.eventbus.autoconfigure.annotation;

import java.lang.reflect.Method;
import java.util.ArrayList;
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

	@Override
	public void setEnvironment(Environment environment) {
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
			.add(EventHandlerMethod.of(beanName, method, annotation, defaults, this.defaultGroup)));
		this.registrations.put(beanName, new Registration(bean, List.copyOf(handlers)));
		return bean;
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

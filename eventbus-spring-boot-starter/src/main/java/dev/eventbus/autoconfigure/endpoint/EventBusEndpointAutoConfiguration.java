package dev.eventbus.autoconfigure.endpoint;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.AnnotationUtils;

import dev.eventbus.autoconfigure.EventBusAutoConfiguration;
import dev.eventbus.autoconfigure.PublishCircuitBreaker;
import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.keyed.KeyedExecutor;

/**
 * Contributes the {@code eventbus} Actuator endpoint (bean {@code eventBusEndpoint}) when it is
 * available (enabled and exposed, for example {@code management.endpoints.web.exposure.include=
 * health,eventbus}).
 */
@AutoConfiguration(after = EventBusAutoConfiguration.class)
@ConditionalOnClass(ConditionalOnAvailableEndpoint.class)
@ConditionalOnBean(EventBus.class)
public final class EventBusEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint
	EventBusEndpoint eventBusEndpoint(EventBus eventBus, ApplicationContext context,
			ObjectProvider<KeyedExecutor> executor, ObjectProvider<PublishCircuitBreaker> circuitBreaker) {
		Map<String, Object> properties = new LinkedHashMap<>();
		context.getBeansWithAnnotation(ConfigurationProperties.class).values().forEach((bean) -> {
			ConfigurationProperties annotation = AnnotationUtils.findAnnotation(
					org.springframework.util.ClassUtils.getUserClass(bean), ConfigurationProperties.class);
			String prefix = (annotation != null) ? annotation.prefix() : "";
			if (prefix.isEmpty() && annotation != null) {
				prefix = annotation.value();
			}
			if (prefix.equals("eventbus") || prefix.startsWith("eventbus.")) {
				properties.put(prefix, bean);
			}
		});
		return new EventBusEndpoint(eventBus, properties, executor.getIfUnique(), circuitBreaker.getIfAvailable());
	}

}

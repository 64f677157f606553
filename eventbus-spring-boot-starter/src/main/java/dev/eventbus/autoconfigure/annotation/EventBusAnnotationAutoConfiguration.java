package dev.eventbus.autoconfigure.annotation;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Role;

import dev.eventbus.autoconfigure.EventBusAutoConfiguration;
import dev.eventbus.autoconfigure.EventBusProperties;
import dev.eventbus.core.api.EventBus;

/**
 * Registers {@link dev.eventbus.core.api.EventHandler @EventHandler} methods of every bean:
 * {@code eventHandlerMethodCollector} validates them as beans are created,
 * {@code eventHandlerSubscriptions} subscribes them after the context is refreshed and drains them
 * on shutdown.
 */
@AutoConfiguration(after = EventBusAutoConfiguration.class)
@ConditionalOnBean(EventBus.class)
public final class EventBusAnnotationAutoConfiguration {

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static EventHandlerMethodCollector eventHandlerMethodCollector() {
		return new EventHandlerMethodCollector();
	}

	@Bean
	@ConditionalOnMissingBean
	EventHandlerSubscriptions eventHandlerSubscriptions(EventHandlerMethodCollector collector, EventBus eventBus,
			EventBusProperties properties) {
		return new EventHandlerSubscriptions(collector, eventBus, properties.getShutdownTimeout());
	}

}

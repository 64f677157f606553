package dev.eventbus.autoconfigure.health;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.context.annotation.Bean;

import dev.eventbus.autoconfigure.EventBusAutoConfiguration;
import dev.eventbus.autoconfigure.EventBusProperties;
import dev.eventbus.autoconfigure.EventBusTransportProbe;
import dev.eventbus.autoconfigure.PublishCircuitBreaker;
import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.keyed.KeyedExecutor;

/**
 * Contributes the {@code eventbus} health indicator (bean {@code eventbusHealthIndicator}) when
 * Spring Boot's health support is present. Disable it with
 * {@code management.health.eventbus.enabled=false}.
 */
@AutoConfiguration(after = EventBusAutoConfiguration.class)
@ConditionalOnClass(AbstractHealthIndicator.class)
@ConditionalOnBean({ EventBus.class, EventBusTransportProbe.class })
public final class EventBusHealthAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "eventbusHealthIndicator")
	@ConditionalOnEnabledHealthIndicator("eventbus")
	EventBusHealthIndicator eventbusHealthIndicator(EventBus eventBus, EventBusTransportProbe eventBusTransportProbe,
			EventBusProperties properties, ObjectProvider<PublishCircuitBreaker> circuitBreaker,
			ObjectProvider<KeyedExecutor> executor) {
		return new EventBusHealthIndicator(eventBus, eventBusTransportProbe, properties.getHealth().getTimeout(),
				circuitBreaker.getIfAvailable(), executor.getIfUnique());
	}

}

package dev.eventbus.autoconfigure;

import java.util.Map;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.memory.MemoryEventBus;
import dev.eventbus.core.memory.MemoryOptions;

/**
 * The in-process memory transport, selected by {@code eventbus.transport=memory} (the default):
 * bean {@code eventBus} (a {@link MemoryEventBus} behind the publish circuit breaker) and its
 * {@code eventBusTransportProbe}, which is always reachable.
 */
@AutoConfiguration
@ConditionalOnProperty(name = "eventbus.transport", havingValue = "memory", matchIfMissing = true)
@EnableConfigurationProperties(EventBusProperties.class)
public final class EventBusMemoryAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	EventBus eventBus(EventBusProperties properties, EventBusComponents components) {
		MemoryOptions options;
		try {
			MemoryOptions.Builder builder = MemoryOptions.builder()
				.topicCapacity(properties.getMemory().getTopicCapacity())
				.maxBlock(properties.getMemory().getMaxBlock());
			String deadLetterSuffix = properties.getDeadLetter().getSuffix();
			if (deadLetterSuffix != null) {
				builder.deadLetterSuffix(deadLetterSuffix);
			}
			options = builder.build();
		}
		catch (IllegalArgumentException ex) {
			throw EventBusOptionsErrors.translate("eventbus.memory", ex);
		}
		MemoryEventBus bus = MemoryEventBus.builder(options).settings(components.settings()).build();
		return components.decorate(bus);
	}

	@Bean
	@ConditionalOnMissingBean(name = "eventBusTransportProbe")
	EventBusTransportProbe eventBusTransportProbe() {
		return (timeout) -> Map.of("broker", "in-process");
	}

}

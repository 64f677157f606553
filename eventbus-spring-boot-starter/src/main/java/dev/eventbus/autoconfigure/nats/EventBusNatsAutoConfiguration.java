package dev.eventbus.autoconfigure.nats;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import dev.eventbus.autoconfigure.EventBusComponents;
import dev.eventbus.autoconfigure.EventBusConfigurationException;
import dev.eventbus.autoconfigure.EventBusOptionsErrors;
import dev.eventbus.autoconfigure.EventBusProperties;
import dev.eventbus.autoconfigure.EventBusTransportProbe;
import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.api.EventBusException;
import dev.eventbus.core.nats.NatsConnectionStatus;
import dev.eventbus.core.nats.NatsEventBus;
import dev.eventbus.core.nats.NatsOptions;
import dev.eventbus.core.support.ServerUrls;

/**
 * The NATS JetStream transport, selected by {@code eventbus.transport=nats} when jnats is on the
 * classpath. Beans: {@code eventBusNatsOptions} ({@link NatsOptions} from {@code eventbus.nats.*},
 * the scenario and the {@link EventBusNatsOptionsCustomizer}s), {@code eventBus} (a
 * {@link NatsEventBus} behind the publish circuit breaker) and {@code eventBusTransportProbe}
 * (connection status and JetStream account information). The connection lives inside the bus: no
 * {@code io.nats.client.Connection} bean is registered; {@link EventBusNatsConnectionOptionsCustomizer}
 * beans adjust its jnats options, in their {@code @Order}.
 */
@AutoConfiguration
@ConditionalOnClass(name = "io.nats.client.Nats")
@ConditionalOnProperty(name = "eventbus.transport", havingValue = "nats")
@EnableConfigurationProperties({ EventBusProperties.class, EventBusNatsProperties.class })
@Import(EventBusNatsAutoConfiguration.NatsBusConfiguration.class)
public final class EventBusNatsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	NatsOptions eventBusNatsOptions(EventBusNatsProperties properties, EventBusProperties busProperties,
			ObjectProvider<EventBusNatsOptionsCustomizer> customizers) {
		NatsOptions.Builder builder = NatsOptionsMapper.map(properties);
		String deadLetterSuffix = busProperties.getDeadLetter().getSuffix();
		if (deadLetterSuffix != null) {
			builder.deadLetterSuffix(deadLetterSuffix);
		}
		customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
		try {
			return builder.build();
		}
		catch (IllegalArgumentException ex) {
			throw EventBusOptionsErrors.translate("eventbus.nats", ex);
		}
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(EventBus.class)
	static class NatsBusConfiguration {

		@Bean
		EventBus eventBus(NatsOptions eventBusNatsOptions, EventBusComponents components,
				ObjectProvider<EventBusNatsConnectionOptionsCustomizer> connectionOptionsCustomizers) {
			NatsEventBus.Builder builder = NatsEventBus.builder(eventBusNatsOptions).settings(components.settings());
			connectionOptionsCustomizers.orderedStream()
				.forEach((customizer) -> builder.connectionOptionsCustomizer(customizer::customize));
			NatsEventBus bus;
			try {
				bus = builder.build();
			}
			catch (EventBusException ex) {
				throw new EventBusConfigurationException("eventbus.nats.servers",
						"The NATS transport could not start on " + ServerUrls.redact(eventBusNatsOptions.servers())
								+ ": " + ServerUrls.redact(ex.getMessage()),
						"Start the NATS server (with JetStream enabled, nats-server -js) or point eventbus.nats.servers "
								+ "at a reachable one; check eventbus.nats credentials and TLS settings.",
						ex);
			}
			return components.decorate(bus);
		}

		@Bean
		@ConditionalOnMissingBean(name = "eventBusTransportProbe")
		EventBusTransportProbe eventBusTransportProbe(EventBus eventBus) {
			return (timeout) -> {
				if (!(EventBusComponents.unwrap(eventBus) instanceof NatsEventBus nats)) {
					return Map.of();
				}
				NatsConnectionStatus status = nats.connectionStatus();
				if (!status.connected()) {
					throw new IllegalStateException("NATS connection is " + status.state()
							+ ((status.lastError() != null) ? " (last error: " + ServerUrls.redact(status.lastError()) + ")"
									: ""));
				}
				Map<String, Object> details = new LinkedHashMap<>();
				details.put("server", ServerUrls.redact(status.serverUrl()));
				details.put("reconnects", status.reconnects());
				details.put("jetStream", nats.jetStreamAccount());
				return details;
			};
		}

	}

}

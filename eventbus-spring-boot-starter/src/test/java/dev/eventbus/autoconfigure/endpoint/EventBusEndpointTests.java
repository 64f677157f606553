package dev.eventbus.autoconfigure.endpoint;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import dev.eventbus.autoconfigure.EventBusAutoConfigurationTests;
import dev.eventbus.autoconfigure.kafka.EventBusKafkaProperties;
import dev.eventbus.core.api.EventHandler;

import static org.assertj.core.api.Assertions.assertThat;

class EventBusEndpointTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class))
		.withConfiguration(EventBusAutoConfigurationTests.EVENTBUS)
		.withConfiguration(AutoConfigurations.of(EventBusEndpointAutoConfiguration.class))
		.withPropertyValues("spring.application.name=endpoint-test", "eventbus.executor.workers=2",
				"eventbus.shutdown-timeout=1s", "eventbus.executor.shutdown-timeout=1s",
				"management.endpoints.web.exposure.include=eventbus");

	@Test
	void readShowsEffectiveConfigurationSubscriptionsExecutorAndBreaker() {
		this.runner.withUserConfiguration(Handler.class).withPropertyValues("eventbus.retry.max-attempts=7")
			.run((context) -> {
				EventBusEndpoint.EventBusDescriptor descriptor = context.getBean(EventBusEndpoint.class).eventBus();
				assertThat(descriptor.transport()).isEqualTo("memory");
				assertThat(descriptor.configuration()).containsEntry("eventbus.retry.max-attempts", 7)
					.containsEntry("eventbus.transport", "memory")
					.containsEntry("eventbus.executor.shutdown-timeout", "PT1S");
				assertThat(descriptor.subscriptions()).singleElement().satisfies((subscription) -> {
					assertThat(subscription.group()).isEqualTo("endpoint-test");
					assertThat(subscription.state()).isEqualTo("RUNNING");
				});
				assertThat(descriptor.executor()).containsEntry("workers", 2);
				assertThat(descriptor.circuitBreaker()).containsEntry("state", "CLOSED");
			});
	}

	@Test
	void writePausesAndResumesASubscriptionAndAnswersNullForAnUnknownOne() {
		this.runner.withUserConfiguration(Handler.class).run((context) -> {
			EventBusEndpoint endpoint = context.getBean(EventBusEndpoint.class);
			String id = endpoint.eventBus().subscriptions().get(0).id();
			assertThat(endpoint.changeSubscription(id, "pause").state()).isEqualTo("PAUSED");
			assertThat(endpoint.eventBus().subscriptions().get(0).state()).isEqualTo("PAUSED");
			assertThat(endpoint.changeSubscription(id, "RESUME").state()).isEqualTo("RUNNING");
			assertThat(endpoint.changeSubscription("nobody/none", "pause")).isNull();
		});
	}

	@Test
	void secretsAreRedacted() {
		EventBusKafkaProperties properties = new EventBusKafkaProperties();
		properties.getSecurity().setPassword("hunter2");
		properties.getSecurity().setJaasConfig("org.apache.kafka.common.security.plain.PlainLoginModule required;");
		properties.getSecurity().setUsername("app");
		properties.getProperties().put("sasl.jaas.config", "secret-jaas");
		properties.getProperties().put("ssl.key.password", "key-secret");
		properties.getProperties().put("linger.ms", "5");
		Map<String, Object> flat = EffectiveConfiguration.flatten("eventbus.kafka", properties);
		assertThat(flat).containsEntry("eventbus.kafka.security.password", EffectiveConfiguration.REDACTED)
			.containsEntry("eventbus.kafka.security.jaas-config", EffectiveConfiguration.REDACTED)
			.containsEntry("eventbus.kafka.properties.sasl.jaas.config", EffectiveConfiguration.REDACTED)
			.containsEntry("eventbus.kafka.properties.ssl.key.password", EffectiveConfiguration.REDACTED)
			.containsEntry("eventbus.kafka.security.username", "app")
			.containsEntry("eventbus.kafka.properties.linger.ms", "5")
			.containsEntry("eventbus.kafka.producer.compression", "lz4");
		assertThat(flat.values()).doesNotContain("hunter2", "secret-jaas", "key-secret");
	}

	@Test
	void endpointBacksOffWhenNotExposedOrWithoutTheActuator() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class))
			.withConfiguration(EventBusAutoConfigurationTests.EVENTBUS)
			.withConfiguration(AutoConfigurations.of(EventBusEndpointAutoConfiguration.class))
			.withPropertyValues("spring.application.name=endpoint-test", "eventbus.executor.workers=2")
			.run((context) -> assertThat(context).doesNotHaveBean(EventBusEndpoint.class));
		new ApplicationContextRunner().withConfiguration(EventBusAutoConfigurationTests.EVENTBUS)
			.withConfiguration(AutoConfigurations.of(EventBusEndpointAutoConfiguration.class))
			.withPropertyValues("spring.application.name=endpoint-test", "eventbus.executor.workers=2",
					"management.endpoints.web.exposure.include=eventbus")
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(EventBusEndpoint.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class Handler {

		@EventHandler("endpoint-orders")
		void on(String event) {
		}

	}

}

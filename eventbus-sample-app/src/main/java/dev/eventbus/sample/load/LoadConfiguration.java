package dev.eventbus.sample.load;

import dev.eventbus.core.api.EventBus;

import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** Beans of the load / verify mode. */
@Configuration(proxyBeanMethods = false)
class LoadConfiguration {

	@Bean(destroyMethod = "close")
	LoadRunner loadRunner(EventBus bus, LoadProperties properties, Environment environment) {
		return new LoadRunner(bus, properties, environment);
	}

	@Bean
	@ConditionalOnProperty(prefix = "eventbus.sample.load", name = "events")
	ApplicationRunner loadAtStartup(LoadRunner runner, LoadProperties properties,
			ConfigurableApplicationContext context) {
		return new LoadCommandLineRunner(runner, properties, context);
	}

	@Bean
	@ConditionalOnProperty(prefix = "eventbus.sample.load", name = "mode", havingValue = "consume")
	ApplicationRunner loadConsumer(LoadRunner runner) {
		return (args) -> runner.consume();
	}

}

package dev.eventbus.autoconfigure.nats;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.eventbus.autoconfigure.EventBusAutoConfiguration;
import dev.eventbus.autoconfigure.EventBusComponents;
import dev.eventbus.autoconfigure.EventBusMemoryAutoConfiguration;
import dev.eventbus.autoconfigure.ScenarioEnvironmentPostProcessor;
import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.nats.NatsEventBus;
import dev.eventbus.core.nats.NatsOptions;
import dev.eventbus.test.broker.NatsServerProcess;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@link NatsConnectionDetails} bean wins over {@code eventbus.nats.servers} and the credentials
 * it returns win over the properties: the properties name an unreachable port (and wrong
 * credentials), so the bus connects only through the bean.
 */
class NatsConnectionDetailsTests {

	static final NatsServerProcess server = NatsServerProcess.launch("--user", "details", "--pass", "s3cret");

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EventBusMemoryAutoConfiguration.class,
				EventBusNatsAutoConfiguration.class, EventBusAutoConfiguration.class))
		.withInitializer((context) -> ScenarioEnvironmentPostProcessor.apply(context.getEnvironment()))
		.withPropertyValues("spring.application.name=nats-details", "eventbus.executor.workers=2",
				"eventbus.shutdown-timeout=1s", "eventbus.executor.shutdown-timeout=1s", "eventbus.transport=nats",
				"eventbus.nats.connection-timeout=1s", "eventbus.nats.max-reconnects=0",
				"eventbus.nats.username=wrong", "eventbus.nats.password=wrong");

	@AfterAll
	static void stop() {
		server.close();
	}

	@Test
	void connectionDetailsBeanOverridesTheServersAndCredentialsProperties() throws IOException {
		int unreachable = freePort();
		this.runner.withPropertyValues("eventbus.nats.servers=nats://127.0.0.1:" + unreachable)
			.withBean(NatsConnectionDetails.class, () -> new NatsConnectionDetails() {

				@Override
				public List<String> getServers() {
					return List.of(server.url());
				}

				@Override
				public String getUsername() {
					return "details";
				}

				@Override
				public String getPassword() {
					return "s3cret";
				}

			})
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(NatsOptions.class).servers()).containsExactly(server.url());
				NatsEventBus bus = (NatsEventBus) EventBusComponents.unwrap(context.getBean(EventBus.class));
				assertThat(bus.connectionStatus().connected()).isTrue();
				assertThat(bus.connectionStatus().serverUrl()).endsWith(":" + server.port());
			});
	}

	@Test
	void withoutTheBeanThePropertiesApply() {
		this.runner.withPropertyValues("eventbus.nats.servers=" + server.url()).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(NatsSslBundleTests.configurationFailure(context.getStartupFailure()).property())
				.isEqualTo("eventbus.nats.servers");
		});
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}

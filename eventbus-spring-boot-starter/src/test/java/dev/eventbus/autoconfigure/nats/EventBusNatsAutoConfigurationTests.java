package dev.eventbus.autoconfigure.nats;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.nats.client.Connection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import dev.eventbus.autoconfigure.EventBusAutoConfiguration;
import dev.eventbus.autoconfigure.EventBusComponents;
import dev.eventbus.autoconfigure.EventBusConfigurationException;
import dev.eventbus.autoconfigure.EventBusMemoryAutoConfiguration;
import dev.eventbus.autoconfigure.EventBusTransportProbe;
import dev.eventbus.autoconfigure.ScenarioEnvironmentPostProcessor;
import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.nats.NatsEventBus;
import dev.eventbus.core.nats.NatsOptions;
import dev.eventbus.test.broker.NatsServerProcess;

import static org.assertj.core.api.Assertions.assertThat;

class EventBusNatsAutoConfigurationTests {

	static final NatsServerProcess server = NatsServerProcess.launch();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EventBusMemoryAutoConfiguration.class,
				EventBusNatsAutoConfiguration.class, EventBusAutoConfiguration.class))
		.withInitializer((context) -> ScenarioEnvironmentPostProcessor.apply(context.getEnvironment()))
		.withPropertyValues("spring.application.name=nats-config", "eventbus.executor.workers=2",
				"eventbus.shutdown-timeout=1s", "eventbus.executor.shutdown-timeout=1s", "eventbus.transport=nats",
				"eventbus.nats.servers=" + server.url());

	@AfterAll
	static void stop() {
		server.close();
	}

	@Test
	void natsTransportConnectsWithTheScenarioOptionsAndExposesNoConnectionBean() {
		this.runner.withPropertyValues("eventbus.scenario=high-throughput").run((context) -> {
			assertThat(EventBusComponents.unwrap(context.getBean(EventBus.class))).isInstanceOf(NatsEventBus.class);
			NatsOptions options = context.getBean(NatsOptions.class);
			assertThat(options.publish().maxInFlight()).isEqualTo(8192);
			assertThat(options.consumer().pullBatchSize()).isEqualTo(1024);
			assertThat(context).doesNotHaveBean(Connection.class);
			Map<String, Object> details = context.getBean("eventBusTransportProbe", EventBusTransportProbe.class)
				.probe(Duration.ofSeconds(2));
			assertThat(details).containsKeys("server", "jetStream");
		});
	}

	@Test
	void partitionsPropertyReachesTheOptions() {
		this.runner.withPropertyValues("eventbus.nats.partitions=12")
			.run((context) -> assertThat(context.getBean(NatsOptions.class).partitions()).isEqualTo(12));
	}

	@Test
	void partitionsOutOfRangeFailStartUpNamingTheProperty() {
		this.runner.withPropertyValues("eventbus.nats.partitions=0").run((context) -> {
			assertThat(context).hasFailed();
			Throwable cause = context.getStartupFailure();
			while (!(cause instanceof EventBusConfigurationException) && cause.getCause() != null) {
				cause = cause.getCause();
			}
			assertThat(cause).isInstanceOf(EventBusConfigurationException.class);
			assertThat(((EventBusConfigurationException) cause).property()).isEqualTo("eventbus.nats.partitions");
		});
	}

	@Test
	void optionsCustomizersAreApplied() {
		this.runner.withUserConfiguration(Customizer.class)
			.run((context) -> assertThat(context.getBean(NatsOptions.class).connectionName()).isEqualTo("custom"));
	}

	@Test
	void connectionOptionsCustomizersAreAppliedInOrderBeforeConnecting() throws IOException {
		int unreachable = freePort();
		this.runner
			.withPropertyValues("eventbus.nats.servers=nats://127.0.0.1:" + unreachable,
					"eventbus.nats.connection-timeout=500ms", "eventbus.nats.max-reconnects=0")
			.withUserConfiguration(ConnectionCustomizers.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				NatsEventBus bus = (NatsEventBus) EventBusComponents.unwrap(context.getBean(EventBus.class));
				assertThat(bus.connectionStatus().connected()).isTrue();
				assertThat(bus.connectionStatus().serverUrl()).endsWith(":" + server.port());
				assertThat(context.getBean(ConnectionCustomizers.class).applied).containsExactly("first", "second");
			});
	}

	@Test
	void unreachableServerFailsStartUpNamingTheProperty() throws IOException {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		this.runner
			.withPropertyValues("eventbus.nats.servers=nats://127.0.0.1:" + port,
					"eventbus.nats.connection-timeout=500ms", "eventbus.nats.max-reconnects=0")
			.run((context) -> {
				assertThat(context).hasFailed();
				Throwable cause = context.getStartupFailure();
				while (!(cause instanceof EventBusConfigurationException) && cause.getCause() != null) {
					cause = cause.getCause();
				}
				assertThat(cause).isInstanceOf(EventBusConfigurationException.class);
				EventBusConfigurationException failure = (EventBusConfigurationException) cause;
				assertThat(failure.property()).isEqualTo("eventbus.nats.servers");
				assertThat(failure.getMessage()).contains("127.0.0.1:" + port);
				assertThat(failure.action()).contains("nats-server -js");
			});
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	/**
	 * The properties name only an unreachable server; the first customizer adds the running one, so
	 * the bus connects only if the customizers ran before the connection was opened.
	 */
	@Configuration(proxyBeanMethods = false)
	static class ConnectionCustomizers {

		final List<String> applied = new CopyOnWriteArrayList<>();

		@Bean
		@Order(2)
		EventBusNatsConnectionOptionsCustomizer secondConnectionCustomizer() {
			return (options) -> this.applied.add("second");
		}

		@Bean
		@Order(1)
		EventBusNatsConnectionOptionsCustomizer firstConnectionCustomizer() {
			return (options) -> {
				options.server(server.url());
				this.applied.add("first");
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Customizer {

		@Bean
		EventBusNatsOptionsCustomizer nameCustomizer() {
			return (options) -> options.connectionName("custom");
		}

	}

}

package dev.eventbus.core.nats;

import dev.eventbus.test.broker.NatsServerProcess;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.eventbus.core.api.EventBusException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The bus's connection options customizers adjust the jnats options, in order, before it connects.
 */
class NatsConnectionOptionsCustomizerTest {

	private static NatsServerProcess server;

	@BeforeAll
	static void startServer() {
		server = NatsServerProcess.launch();
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	@Test
	void customizersRunInOrderBeforeTheConnectionIsOpened() throws IOException {
		NatsOptions unreachable = unreachable();
		List<String> applied = new CopyOnWriteArrayList<>();
		try (NatsEventBus bus = NatsEventBus.builder(unreachable).shutdownTimeout(Duration.ofSeconds(1))
			.connectionOptionsCustomizer((options) -> {
				options.server(server.url());
				applied.add("first");
			})
			.connectionOptionsCustomizer((options) -> applied.add("second"))
			.build()) {
			assertThat(applied).containsExactly("first", "second");
			assertThat(bus.connectionStatus().connected()).isTrue();
			assertThat(bus.connectionStatus().serverUrl()).endsWith(":" + server.port());
		}
	}

	@Test
	void withoutTheCustomizerTheSameOptionsCannotConnect() throws IOException {
		NatsOptions unreachable = unreachable();
		assertThatExceptionOfType(EventBusException.class)
			.isThrownBy(() -> NatsEventBus.builder(unreachable).shutdownTimeout(Duration.ofSeconds(1)).build())
			.withMessageContaining(unreachable.servers().get(0));
	}

	private static NatsOptions unreachable() throws IOException {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		return NatsOptions.builder()
			.servers("nats://127.0.0.1:" + port)
			.connectionTimeout(Duration.ofMillis(500))
			.maxReconnects(0)
			.build();
	}

}

package dev.eventbus.autoconfigure.health;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

import dev.eventbus.autoconfigure.EventBusTransportProbe;
import dev.eventbus.core.api.EventBus;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Health against a broker that does not answer: the error says what timed out against which
 * servers, and checks that come while a probe still waits join it instead of starting more.
 */
class HealthProbeInFlightTests {

	@Test
	void unreachableKafkaSaysWhatTimedOutAgainstWhichServers() throws Exception {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class)
			.web(WebApplicationType.NONE)
			.properties("spring.application.name=health-timeout", "eventbus.transport=kafka",
					"eventbus.kafka.bootstrap-servers=127.0.0.1:" + port, "eventbus.executor.workers=1",
					"eventbus.shutdown-timeout=1s", "eventbus.health.timeout=1s")
			.run()) {
			Health health = context.getBean(EventBusHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat((String) health.getDetails().get("error")).doesNotContain("null")
				.contains("describeCluster")
				.contains("[127.0.0.1:" + port + "]")
				.contains("within 1000 ms");
		}
	}

	@Test
	void checksWhileAProbeStillWaitsJoinItInsteadOfStartingAnother() throws Exception {
		AtomicInteger started = new AtomicInteger();
		CountDownLatch release = new CountDownLatch(1);
		EventBusTransportProbe probe = (timeout) -> {
			started.incrementAndGet();
			release.await();
			return Map.of("broker", "answered");
		};
		EventBusHealthIndicator indicator = new EventBusHealthIndicator(new EventBusHealthIndicatorTests.NoopBus(),
				probe, Duration.ofMillis(200), null, null);
		try {
			for (int i = 0; i < 3; i++) {
				Health health = indicator.health();
				assertThat(health.getStatus()).isEqualTo(Status.DOWN);
				assertThat((String) health.getDetails().get("error")).contains("did not answer within 200 ms");
			}
			assertThat(started).hasValue(1);
			release.countDown();
			org.awaitility.Awaitility.await()
				.atMost(Duration.ofSeconds(10))
				.until(() -> indicator.health().getStatus().equals(Status.UP));
			assertThat(started.get()).isBetween(1, 2);
		}
		finally {
			release.countDown();
			indicator.destroy();
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class App {

		App(EventBus bus) {
		}

	}

}

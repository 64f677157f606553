package dev.eventbus.autoconfigure;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.api.EventHandler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole starter in a web application on the memory transport: an {@code @EventHandler}
 * receives a published event, and the Actuator shows it in health, Prometheus and the endpoint.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.application.name=memory-app", "eventbus.transport=memory",
				"eventbus.executor.workers=4", "eventbus.shutdown-timeout=2s", "eventbus.executor.shutdown-timeout=2s",
				"eventbus.kafka.security.password=not-used", "eventbus.source=memory-app-test",
				"eventbus.scenario=balanced", "eventbus.publish.max-block=3s",
				"management.endpoints.web.exposure.include=health,prometheus,eventbus",
				"management.endpoint.health.show-details=always" })
class MemoryTransportApplicationTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@LocalServerPort
	int port;

	@Autowired
	EventBus bus;

	@Autowired
	Handlers handlers;

	@Test
	void handlerReceivesAPublishedEventAndTheActuatorShowsTheBus() throws Exception {
		this.bus.publish("memory-app-orders", Envelope.of("order-7", "OrderPlaced", new OrderPlaced("order-7")))
			.get();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.handlers.received.size() == 1);
		assertThat(this.handlers.received.get(0).orderId()).isEqualTo("order-7");

		JsonNode health = get("/actuator/health");
		assertThat(health.at("/components/eventbus/status").asString()).isEqualTo("UP");
		assertThat(health.at("/components/eventbus/details/transport").asString()).isEqualTo("memory");
		assertThat(health.at("/components/eventbus/details/subscriptions/0/id").asString()).contains("memory-app");

		String prometheus = getText("/actuator/prometheus");
		assertThat(prometheus).contains("eventbus_publish_seconds_count{")
			.contains("eventbus_handler_seconds_count{")
			.contains("eventbus_keyed_pending ")
			.contains("eventbus_keyed_queued ")
			.contains("eventbus_keyed_workers_busy ")
			.contains("eventbus_keyed_lanes ")
			.contains("eventbus_keyed_pressure_time_seconds_total ")
			.contains("resilience4j_circuitbreaker_state{");
		assertThat(prometheus.lines().filter((line) -> line.startsWith("eventbus_")))
			.noneMatch((line) -> line.contains("order-7"));

		JsonNode endpoint = get("/actuator/eventbus");
		assertThat(endpoint.at("/transport").asString()).isEqualTo("memory");
		assertThat(endpoint.at("/configuration/eventbus.source").asString()).isEqualTo("memory-app-test");
		assertThat(endpoint.at("/configuration/eventbus.executor.workers").asInt()).isEqualTo(4);
		assertThat(endpoint.at("/scenario").asString()).isEqualTo("balanced");
		assertThat(endpoint.at("/configuration/eventbus.memory.max-block").asString())
			.as("eventbus.publish.max-block reaches the memory transport through the scenario post-processor")
			.isEqualTo("PT3S");
		assertThat(endpoint.at("/executor/workers").asInt()).isEqualTo(4);
		assertThat(endpoint.at("/circuitBreaker/state").asString()).isEqualTo("CLOSED");
		String id = endpoint.at("/subscriptions/0/id").asString();
		assertThat(endpoint.at("/subscriptions/0/state").asString()).isEqualTo("RUNNING");

		JsonNode paused = post("/actuator/eventbus", "{\"subscription\":\"" + id + "\",\"action\":\"pause\"}");
		assertThat(paused.at("/state").asString()).isEqualTo("PAUSED");
		assertThat(get("/actuator/eventbus").at("/subscriptions/0/state").asString()).isEqualTo("PAUSED");
		JsonNode resumed = post("/actuator/eventbus", "{\"subscription\":\"" + id + "\",\"action\":\"resume\"}");
		assertThat(resumed.at("/state").asString()).isEqualTo("RUNNING");
	}

	private JsonNode get(String path) throws Exception {
		return json.readTree(getText(path));
	}

	private String getText(String path) throws Exception {
		HttpResponse<String> response = this.http.send(
				HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
					.timeout(Duration.ofSeconds(10))
					.build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(path + ": " + response.body()).isIn(200, 503);
		return response.body();
	}

	private JsonNode post(String path, String body) throws Exception {
		HttpResponse<String> response = this.http.send(
				HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
					.timeout(Duration.ofSeconds(10))
					.header("Content-Type", "application/json")
					.POST(HttpRequest.BodyPublishers.ofString(body))
					.build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
		return json.readTree(response.body());
	}

	record OrderPlaced(String orderId) {
	}

	static class Handlers {

		final List<OrderPlaced> received = new CopyOnWriteArrayList<>();

		@EventHandler("memory-app-orders")
		void on(OrderPlaced event) {
			this.received.add(event);
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(Handlers.class)
	static class App {

	}

}

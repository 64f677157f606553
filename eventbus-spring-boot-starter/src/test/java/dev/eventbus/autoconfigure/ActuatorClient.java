package dev.eventbus.autoconfigure;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reads the Actuator of an application under test over HTTP, with bounded timeouts. */
public final class ActuatorClient {

	private static final JsonMapper json = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final int port;

	/** @param port the application's port */
	public ActuatorClient(int port) {
		this.port = port;
	}

	/** @return the status of the eventbus health component ({@code UP}, {@code DOWN}) */
	public String eventBusHealth() {
		return health().at("/components/eventbus/status").asString();
	}

	/** @return the health response */
	public JsonNode health() {
		return json.readTree(text("/actuator/health"));
	}

	/** @return the Prometheus exposition */
	public String prometheus() {
		return text("/actuator/prometheus");
	}

	/**
	 * @param path request path
	 * @return the body (any status)
	 */
	public String text(String path) {
		try {
			HttpResponse<String> response = this.http.send(
					HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
						.timeout(Duration.ofSeconds(15))
						.build(),
					HttpResponse.BodyHandlers.ofString());
			return response.body();
		}
		catch (Exception ex) {
			throw new IllegalStateException("GET " + path + " failed", ex);
		}
	}

}

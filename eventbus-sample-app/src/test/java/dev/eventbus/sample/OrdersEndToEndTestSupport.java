package dev.eventbus.sample;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The newcomer's journey, run once per transport by the subclasses: the app takes orders over HTTP,
 * the billing / shipping / audit handlers run in order, a flaky order is invoiced on the retry, a
 * poison order ends in the dead-letter topic after its retries, and the eventbus meters show up in
 * Prometheus.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class OrdersEndToEndTestSupport {

	static final Duration TIMEOUT = Duration.ofSeconds(90);

	@LocalServerPort
	int port;

	@Autowired
	Environment environment;

	SampleHttp http() {
		return new SampleHttp(this.port);
	}

	/** @return the transport the subclass runs on */
	abstract String expectedTransport();

	@Test
	void healthIsUpWithTheEventbusComponentOnTheExpectedTransport() {
		await().atMost(TIMEOUT).untilAsserted(() -> {
			SampleHttp.Response health = http().get("/actuator/health");
			assertThat(health.status()).as(health.body()).isEqualTo(200);
			assertThat(health.json().path("status").asString()).isEqualTo("UP");
			JsonNode eventbus = health.json().path("components").path("eventbus");
			assertThat(eventbus.path("status").asString()).isEqualTo("UP");
			assertThat(eventbus.path("details").path("transport").asString()).isEqualTo(expectedTransport());
		});
	}

	@Test
	void anOrderPlacedPaidAndShippedIsHandledByEveryGroupInOrder() {
		SampleHttp.Response placed = http().post("/orders",
				"{\"customer\":\"alice\",\"amount\":42.50,\"items\":[\"book\"]}");
		assertThat(placed.status()).as(placed.body()).isEqualTo(202);
		String orderId = placed.json().path("orderId").asString();
		assertThat(placed.json().path("eventType").asString()).isEqualTo("OrderPlaced");
		assertThat(placed.json().path("topic").asString()).isEqualTo("orders");
		assertThat(placed.json().path("position").isObject()).isTrue();
		assertThat(http().post("/orders/" + orderId + "/pay", "").status()).isEqualTo(202);
		assertThat(http().post("/orders/" + orderId + "/ship", "{\"carrier\":\"UPS\"}").status()).isEqualTo(202);

		await().atMost(TIMEOUT).untilAsserted(() -> {
			SampleHttp.Response view = http().get("/orders/" + orderId);
			assertThat(view.status()).as(view.body()).isEqualTo(200);
			JsonNode order = view.json();
			assertThat(order.path("invoice").asString()).isEqualTo("INV-" + orderId);
			assertThat(order.path("customer").asString()).isEqualTo("alice");
			assertThat(order.path("paymentId").asString()).startsWith("PAY-");
			assertThat(order.path("shipment").asString()).startsWith("shipped via UPS");
			assertThat(auditedTypes(order)).containsExactly("OrderPlaced", "OrderPaid", "OrderShipped");
		});
	}

	@Test
	void aFlakyOrderIsInvoicedOnTheRetry() {
		String orderId = http().post("/orders", "{\"customer\":\"flaky\",\"amount\":10}").json().path("orderId").asString();
		await().atMost(TIMEOUT).untilAsserted(() -> {
			JsonNode order = http().get("/orders/" + orderId).json();
			assertThat(order.path("invoice").asString()).isEqualTo("INV-" + orderId);
			assertThat(order.path("billingAttempts").asInt()).isEqualTo(2);
		});
	}

	@Test
	void aPoisonOrderIsRetriedThenDeadLetteredWhileOtherGroupsGoOn() {
		String orderId = http().post("/orders", "{\"customer\":\"poison\",\"amount\":13}").json().path("orderId").asString();
		await().atMost(TIMEOUT).untilAsserted(() -> {
			JsonNode deadLetter = findDeadLetter(orderId);
			assertThat(deadLetter).as("dead letter of " + orderId).isNotNull();
			assertThat(deadLetter.path("group").asString()).isEqualTo("billing");
			assertThat(deadLetter.path("reason").asString()).isEqualTo("failed");
			assertThat(deadLetter.path("attempts").asString()).isEqualTo("3");
			assertThat(deadLetter.path("exceptionClass").asString()).endsWith("PaymentDeclinedException");
			assertThat(deadLetter.path("eventType").asString()).isEqualTo("OrderPlaced");
		});
		JsonNode order = http().get("/orders/" + orderId).json();
		assertThat(order.path("billingAttempts").asInt()).isEqualTo(3);
		assertThat(order.path("invoice").isNull() || order.path("invoice").isMissingNode()).isTrue();
		// The audit group handled the same event normally.
		assertThat(auditedTypes(order)).containsExactly("OrderPlaced");
	}

	@Test
	void aBadOrderIsRejectedNamingTheField() {
		SampleHttp.Response response = http().post("/orders", "{\"customer\":\"bob\",\"amount\":-1}");
		assertThat(response.status()).isEqualTo(400);
		assertThat(response.json().path("field").asString()).isEqualTo("amount");
		assertThat(response.json().path("detail").asString()).contains("amount must be zero or more");
	}

	@Test
	void prometheusShowsTheEventbusMetersOfPublishingAndHandling() {
		String orderId = http().post("/orders", "{\"customer\":\"carol\",\"amount\":5}").json().path("orderId").asString();
		await().atMost(TIMEOUT).until(() -> http().get("/orders/" + orderId).json().path("invoice").isString());
		await().atMost(TIMEOUT).untilAsserted(() -> {
			SampleHttp.Response scrape = http().get("/actuator/prometheus");
			assertThat(scrape.status()).isEqualTo(200);
			assertThat(scrape.body()).containsPattern("eventbus_publish_seconds_count\\{[^}]*topic=\"orders\"");
			assertThat(scrape.body()).containsPattern("eventbus_handler_seconds_count\\{[^}]*topic=\"orders\"");
			assertThat(scrape.body()).contains("eventbus_keyed_");
		});
	}

	private JsonNode findDeadLetter(String orderId) {
		for (JsonNode deadLetter : http().get("/orders/dead-letters").json()) {
			if (orderId.equals(deadLetter.path("aggregateId").asString())) {
				return deadLetter;
			}
		}
		return null;
	}

	private static List<String> auditedTypes(JsonNode order) {
		List<String> types = new ArrayList<>();
		for (JsonNode entry : order.path("audit")) {
			types.add(entry.asString().split(" ")[0]);
		}
		return types;
	}

}

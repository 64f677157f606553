package dev.eventbus.sample.orders;

import java.math.BigDecimal;
import java.net.URI;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.jspecify.annotations.Nullable;

import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.api.InvalidEnvelopeException;
import dev.eventbus.core.api.PublishException;
import dev.eventbus.core.api.PublishReceipt;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The orders REST API. Each command publishes one event keyed by the order id and answers
 * {@code 202 Accepted} once the broker has it; the handlers update the {@link OrderBook}
 * asynchronously, visible with {@code GET /orders/{id}}.
 */
@RestController
@RequestMapping("/orders")
public class OrderController {

	private final EventBus bus;

	private final OrderBook book;

	private final DeadLetterLogger deadLetters;

	public OrderController(EventBus bus, OrderBook book, DeadLetterLogger deadLetters) {
		this.bus = bus;
		this.book = book;
		this.deadLetters = deadLetters;
	}

	/**
	 * Places an order.
	 * @param request customer, amount and items
	 * @return the order id and where the event was stored
	 */
	@PostMapping
	public CompletableFuture<ResponseEntity<Accepted>> place(@RequestBody PlaceOrder request) {
		if (request.customer() == null || request.customer().isBlank()) {
			throw new BadOrderException("customer", "customer must not be blank");
		}
		if (request.amount() == null || request.amount().signum() < 0) {
			throw new BadOrderException("amount", "amount must be zero or more but was " + request.amount());
		}
		String orderId = "ord-" + UUID.randomUUID().toString().substring(0, 8);
		List<String> items = (request.items() != null) ? List.copyOf(request.items()) : List.of();
		return publish(new OrderPlaced(orderId, request.customer(), request.amount(), items));
	}

	/**
	 * Records the payment of an order.
	 * @param orderId order id
	 * @return where the event was stored
	 */
	@PostMapping("/{orderId}/pay")
	public CompletableFuture<ResponseEntity<Accepted>> pay(@PathVariable String orderId) {
		return publish(new OrderPaid(orderId, "PAY-" + UUID.randomUUID().toString().substring(0, 8)));
	}

	/**
	 * Records the shipment of an order.
	 * @param orderId order id
	 * @param request optional carrier
	 * @return where the event was stored
	 */
	@PostMapping("/{orderId}/ship")
	public CompletableFuture<ResponseEntity<Accepted>> ship(@PathVariable String orderId,
			@RequestBody(required = false) @Nullable ShipOrder request) {
		String carrier = (request != null && request.carrier() != null && !request.carrier().isBlank())
				? request.carrier() : "DHL";
		return publish(new OrderShipped(orderId, carrier, "TRK-" + UUID.randomUUID().toString().substring(0, 8)));
	}

	/**
	 * What the handlers know about an order.
	 * @param orderId order id
	 * @return the view, or 404 while no handler has seen the order
	 */
	@GetMapping("/{orderId}")
	public ResponseEntity<OrderView> get(@PathVariable String orderId) {
		return ResponseEntity.of(this.book.find(orderId));
	}

	/** @return every order the handlers know */
	@GetMapping
	public Collection<OrderView> list() {
		return this.book.all();
	}

	/** @return the last dead letters of the orders topic, newest first */
	@GetMapping("/dead-letters")
	public List<DeadLetterLogger.DeadLetterView> deadLetters() {
		return this.deadLetters.received();
	}

	private CompletableFuture<ResponseEntity<Accepted>> publish(OrderEvent event) {
		// Keyed by the order id: every group handles one order's events one at a time, in order.
		// The CloudEvents type is the record's simple name (OrderPlaced, OrderPaid, OrderShipped).
		return this.bus.publishEvent(OrderTopics.ORDERS, event.orderId(), event)
			.thenApply((receipt) -> ResponseEntity.accepted()
				.location(URI.create("/orders/" + event.orderId()))
				.body(Accepted.of(event, receipt)));
	}

	@ExceptionHandler(BadOrderException.class)
	ProblemDetail badOrder(BadOrderException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getMessage());
		problem.setProperty("field", ex.field);
		return problem;
	}

	@ExceptionHandler(InvalidEnvelopeException.class)
	ProblemDetail invalidEnvelope(InvalidEnvelopeException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getMessage());
		problem.setProperty("field", ex.field());
		return problem;
	}

	@ExceptionHandler({ PublishException.class, CompletionException.class })
	ProblemDetail publishFailed(Exception ex) {
		Throwable cause = (ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex;
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
				"the event was not accepted by the broker: " + cause.getMessage());
		problem.setProperty("exception", cause.getClass().getName());
		return problem;
	}

	/**
	 * Body of {@code POST /orders}.
	 *
	 * @param customer customer name ({@code poison}: dead-letter demo, {@code flaky}: retry demo)
	 * @param amount order total, zero or more
	 * @param items ordered items, optional
	 */
	public record PlaceOrder(@Nullable String customer, @Nullable BigDecimal amount, @Nullable List<String> items) {
	}

	/**
	 * Body of {@code POST /orders/{id}/ship}.
	 *
	 * @param carrier carrier name, optional
	 */
	public record ShipOrder(@Nullable String carrier) {
	}

	/**
	 * Answer of a command: the event and where the broker stored it.
	 *
	 * @param orderId order id
	 * @param eventType event type
	 * @param eventId event id
	 * @param topic topic
	 * @param position partition and offset (Kafka), stream sequence (NATS) or position (memory)
	 */
	public record Accepted(String orderId, String eventType, String eventId, String topic, Map<String, Object> position) {

		static Accepted of(OrderEvent event, PublishReceipt receipt) {
			Map<String, Object> position = new LinkedHashMap<>();
			if (receipt.partition() != null) {
				position.put("partition", receipt.partition());
			}
			if (receipt.offset() != null) {
				position.put("offset", receipt.offset());
			}
			if (receipt.streamSequence() != null) {
				position.put("streamSequence", receipt.streamSequence());
			}
			return new Accepted(event.orderId(), event.eventType(), receipt.eventId(), receipt.topic(), position);
		}

	}

	static final class BadOrderException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		final String field;

		BadOrderException(String field, String message) {
			super(message);
			this.field = field;
		}

	}

}

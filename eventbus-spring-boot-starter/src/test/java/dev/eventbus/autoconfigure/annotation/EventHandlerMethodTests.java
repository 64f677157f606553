package dev.eventbus.autoconfigure.annotation;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.util.ReflectionUtils;

import dev.eventbus.autoconfigure.EventBusProperties;
import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.EventContext;
import dev.eventbus.core.api.EventHandler;
import dev.eventbus.core.api.Ordering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class EventHandlerMethodTests {

	private final EventBusProperties defaults = new EventBusProperties();

	@Test
	void payloadTypeComesFromTheFirstParameterAndGroupFromTheDefault() {
		EventHandlerMethod method = method(Handlers.class, "payloadAndContext");
		assertThat(method.topics()).containsExactly("orders");
		assertThat(method.payloadType()).isEqualTo(OrderPlaced.class);
		assertThat(method.options().group()).isEqualTo("orders-service");
		assertThat(method.options().ordering()).isEqualTo(Ordering.KEY);
		assertThat(method.options().retryPolicy().maxAttempts()).isEqualTo(3);
		assertThat(method.options().deadLetter()).isTrue();
	}

	@Test
	void envelopeParameterGivesItsPayloadTypeAndAnnotationOverridesTheDefaults() {
		EventHandlerMethod method = method(Handlers.class, "envelopeWithOverrides");
		assertThat(method.payloadType()).isEqualTo(OrderPlaced.class);
		assertThat(method.topics()).containsExactly("orders", "returns");
		assertThat(method.options().group()).isEqualTo("billing");
		assertThat(method.options().ordering()).isEqualTo(Ordering.NONE);
		assertThat(method.options().retryPolicy().maxAttempts()).isEqualTo(5);
		assertThat(method.options().retryPolicy().initialBackoff()).isEqualTo(Duration.ofMillis(250));
		assertThat(method.options().retryPolicy().maxBackoff()).isEqualTo(Duration.ofSeconds(2));
		assertThat(method.options().deadLetter()).isFalse();
		assertThat(method.options().eventTypes()).containsExactly("OrderPlaced");
	}

	@Test
	void listenerPassesPayloadEnvelopeAndContextInDeclaredOrderAndRethrowsTheHandlersException()
			throws Exception {
		Handlers handlers = new Handlers();
		EventHandlerMethod method = method(Handlers.class, "payloadContextEnvelope");
		Envelope<Object> envelope = Envelope.of("order-1", "OrderPlaced", (Object) new OrderPlaced("order-1"));
		EventContext context = new EventContext(envelope, "memory", "orders", "g", 1, null, 0L, null, Map.of());
		method.listener(handlers).onEvent(envelope, context);
		assertThat(handlers.received).containsExactly(new OrderPlaced("order-1"), context, envelope);

		EventHandlerMethod failing = method(Handlers.class, "failing");
		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> failing.listener(handlers).onEvent(envelope, context))
			.withMessage("boom");
	}

	@Test
	void badSignaturesFailNamingTheMethodAndTheFix() {
		assertInvalid("noParameters", "it has no parameter", "Declare the payload as the first parameter");
		assertInvalid("contextFirst", "its first parameter is the EventContext", "Declare the payload first");
		assertInvalid("primitivePayload", "primitive type int", "record, String or byte[]");
		assertInvalid("unsupportedParameter", "parameter 2 has the type java.lang.String", "EventContext");
		assertInvalid("twoContexts", "more than one EventContext", "at most once");
		assertInvalid("noTopic", "it names no topic", "@EventHandler(topics = \"orders\")");
		assertInvalid("badBackoff", "its initialBackoff 'soon' is not a duration", "\"100ms\"");
		assertInvalid("rawEnvelope", "Envelope without a concrete payload type", "Envelope<OrderPlaced>");
		assertInvalid("badTopic", "its topic 'no spaces' is invalid", "letters, digits");
	}

	@Test
	void missingGroupFailsSayingWhereToSetIt() {
		Method target = ReflectionUtils.findMethod(Handlers.class, "payloadAndContext", OrderPlaced.class,
				EventContext.class);
		assertThatExceptionOfType(InvalidEventHandlerException.class)
			.isThrownBy(() -> EventHandlerMethod.of("handlers", target, target.getAnnotation(EventHandler.class),
					this.defaults, null))
			.withMessageContaining("no consumer group")
			.satisfies((ex) -> assertThat(ex.action()).contains("spring.application.name"));
	}

	private void assertInvalid(String methodName, String problem, String fix) {
		Method target = find(methodName);
		assertThatExceptionOfType(InvalidEventHandlerException.class)
			.isThrownBy(() -> EventHandlerMethod.of("handlers", target, target.getAnnotation(EventHandler.class),
					this.defaults, "orders-service"))
			.satisfies((ex) -> {
				assertThat(ex.getMessage()).contains("Handlers." + methodName + "(").contains(problem);
				assertThat(ex.action()).contains(fix);
			});
	}

	private EventHandlerMethod method(Class<?> type, String name) {
		Method target = find(name);
		return EventHandlerMethod.of("handlers", target, target.getAnnotation(EventHandler.class), this.defaults,
				"orders-service");
	}

	private static Method find(String name) {
		for (Method method : Handlers.class.getDeclaredMethods()) {
			if (method.getName().equals(name)) {
				return method;
			}
		}
		throw new IllegalArgumentException(name);
	}

	record OrderPlaced(String orderId) {
	}

	static class Handlers {

		final List<Object> received = new ArrayList<>();

		@EventHandler("orders")
		void payloadAndContext(OrderPlaced event, EventContext context) {
		}

		@EventHandler(topics = { "orders", "returns" }, group = "billing", ordering = Ordering.NONE, maxAttempts = 5,
				initialBackoff = "250ms", maxBackoff = "2s", deadLetter = EventHandler.DeadLetter.FALSE,
				eventTypes = "OrderPlaced")
		void envelopeWithOverrides(Envelope<OrderPlaced> envelope) {
		}

		@EventHandler("orders")
		void payloadContextEnvelope(OrderPlaced event, EventContext context, Envelope<?> envelope) {
			this.received.add(event);
			this.received.add(context);
			this.received.add(envelope);
		}

		@EventHandler("orders")
		void failing(OrderPlaced event) {
			throw new IllegalStateException("boom");
		}

		@EventHandler("orders")
		void noParameters() {
		}

		@EventHandler("orders")
		void contextFirst(EventContext context, OrderPlaced event) {
		}

		@EventHandler("orders")
		void primitivePayload(int value) {
		}

		@EventHandler("orders")
		void unsupportedParameter(OrderPlaced event, String other) {
		}

		@EventHandler("orders")
		void twoContexts(OrderPlaced event, EventContext a, EventContext b) {
		}

		@EventHandler
		void noTopic(OrderPlaced event) {
		}

		@EventHandler(topics = "orders", initialBackoff = "soon")
		void badBackoff(OrderPlaced event) {
		}

		@SuppressWarnings("rawtypes")
		@EventHandler("orders")
		void rawEnvelope(Envelope envelope) {
		}

		@EventHandler("no spaces")
		void badTopic(OrderPlaced event) {
		}

	}

}

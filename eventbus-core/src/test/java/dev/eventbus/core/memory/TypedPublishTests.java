package dev.eventbus.core.memory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.api.EventType;
import dev.eventbus.core.api.InvalidEnvelopeException;
import dev.eventbus.core.api.PublishReceipt;
import dev.eventbus.core.api.SubscriptionOptions;
import dev.eventbus.core.support.ForwardingEventBus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@link EventBus#publishEvent(String, String, Object)}: a typed, keyed publish without an
 * {@link Envelope}, the type taken from the class.
 */
class TypedPublishTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final MemoryEventBus bus = MemoryEventBus.builder(MemoryOptions.defaults())
		.source("typed-test")
		.shutdownTimeout(Duration.ofSeconds(5))
		.build();

	record OrderPlaced(String orderId, long amountCents) {
	}

	@EventType("OrderShipped")
	record ShippedV2(String orderId, String carrier) {
	}

	@EventType(" ")
	record BlankType(String orderId) {
	}

	@AfterEach
	void close() {
		this.bus.close();
	}

	@Test
	void publishEventTypesTheEventByItsSimpleNameAndKeysItByTheAggregateId() {
		List<Envelope<OrderPlaced>> received = new CopyOnWriteArrayList<>();
		this.bus.subscribe("typed-simple", OrderPlaced.class, SubscriptionOptions.builder("billing").build(),
				(envelope, context) -> received.add(envelope));

		PublishReceipt receipt = this.bus.publishEvent("typed-simple", "o-1", new OrderPlaced("o-1", 1250)).join();

		await().atMost(TIMEOUT).until(() -> received.size() == 1);
		Envelope<OrderPlaced> envelope = received.get(0);
		assertThat(envelope.eventType()).isEqualTo("OrderPlaced");
		assertThat(envelope.aggregateId()).isEqualTo("o-1");
		assertThat(envelope.payload()).isEqualTo(new OrderPlaced("o-1", 1250));
		assertThat(envelope.eventId()).isEqualTo(receipt.eventId());
		assertThat(envelope.source()).isEqualTo("typed-test");
	}

	@Test
	void anEventTypeAnnotationNamesTheTypeAndSubscriptionsFilterByIt() {
		List<Envelope<ShippedV2>> received = new CopyOnWriteArrayList<>();
		this.bus.subscribe("typed-annotated", ShippedV2.class,
				SubscriptionOptions.builder("shipping").eventTypes(java.util.Set.of("OrderShipped")).build(),
				(envelope, context) -> received.add(envelope));

		this.bus.publishEvent("typed-annotated", "o-2", new ShippedV2("o-2", "DHL")).join();

		await().atMost(TIMEOUT).until(() -> received.size() == 1);
		assertThat(received.get(0).eventType()).isEqualTo("OrderShipped");
		assertThat(Envelope.eventTypeOf(ShippedV2.class)).isEqualTo("OrderShipped");
		assertThat(Envelope.eventTypeOf(OrderPlaced.class)).isEqualTo("OrderPlaced");
	}

	@Test
	void eventsOfOneAggregateKeepTheirOrder() {
		List<Long> amounts = new CopyOnWriteArrayList<>();
		this.bus.subscribe("typed-order", OrderPlaced.class, SubscriptionOptions.builder("billing").build(),
				(envelope, context) -> amounts.add(envelope.payload().amountCents()));

		for (long i = 0; i < 50; i++) {
			this.bus.publishEvent("typed-order", "o-3", new OrderPlaced("o-3", i));
		}

		await().atMost(TIMEOUT).until(() -> amounts.size() == 50);
		assertThat(amounts).isSorted();
	}

	@Test
	void nullOrBlankArgumentsAreRejectedNamingTheArgument() {
		OrderPlaced event = new OrderPlaced("o-4", 1);
		assertThatExceptionOfType(InvalidEnvelopeException.class)
			.isThrownBy(() -> this.bus.publishEvent(null, "o-4", event))
			.satisfies((ex) -> assertThat(ex.field()).isEqualTo("topic"));
		assertThatExceptionOfType(InvalidEnvelopeException.class)
			.isThrownBy(() -> this.bus.publishEvent(" ", "o-4", event))
			.satisfies((ex) -> assertThat(ex.field()).isEqualTo("topic"));
		assertThatExceptionOfType(InvalidEnvelopeException.class)
			.isThrownBy(() -> this.bus.publishEvent("typed-args", null, event))
			.satisfies((ex) -> assertThat(ex.field()).isEqualTo("aggregateId"));
		assertThatExceptionOfType(InvalidEnvelopeException.class)
			.isThrownBy(() -> this.bus.publishEvent("typed-args", "  ", event))
			.satisfies((ex) -> assertThat(ex.field()).isEqualTo("aggregateId"));
		assertThatExceptionOfType(InvalidEnvelopeException.class)
			.isThrownBy(() -> this.bus.publishEvent("typed-args", "o-4", null))
			.satisfies((ex) -> assertThat(ex.field()).isEqualTo("event"));
		assertThatExceptionOfType(InvalidEnvelopeException.class)
			.isThrownBy(() -> this.bus.publishEvent("bad topic", "o-4", event))
			.satisfies((ex) -> assertThat(ex.field()).isEqualTo("topic"));
	}

	@Test
	void aClassWithoutANameOrWithABlankAnnotationIsRejectedNamingTheEventType() {
		Object anonymous = new Object() {
		};
		assertThatExceptionOfType(InvalidEnvelopeException.class)
			.isThrownBy(() -> this.bus.publishEvent("typed-type", "o-5", anonymous))
			.satisfies((ex) -> assertThat(ex.field()).isEqualTo("eventType"))
			.withMessageContaining("@EventType");
		assertThatExceptionOfType(InvalidEnvelopeException.class)
			.isThrownBy(() -> this.bus.publishEvent("typed-type", "o-5", new BlankType("o-5")))
			.satisfies((ex) -> assertThat(ex.field()).isEqualTo("eventType"))
			.withMessageContaining(BlankType.class.getName());
	}

	@Test
	void decoratorsSeeTheTypedPublishAsAnEnvelopePublish() {
		List<Envelope<?>> decorated = new CopyOnWriteArrayList<>();
		EventBus decorator = new ForwardingEventBus(this.bus) {

			@Override
			public CompletableFuture<PublishReceipt> publish(String topic, Envelope<?> envelope) {
				decorated.add(envelope);
				return super.publish(topic, envelope);
			}

		};

		decorator.publishEvent("typed-decorated", "o-6", new OrderPlaced("o-6", 7)).join();

		assertThat(decorated).singleElement().satisfies((envelope) -> {
			assertThat(envelope.eventType()).isEqualTo("OrderPlaced");
			assertThat(envelope.aggregateId()).isEqualTo("o-6");
		});
	}

}

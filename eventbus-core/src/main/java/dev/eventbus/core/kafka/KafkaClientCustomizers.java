package dev.eventbus.core.kafka;

import java.util.List;
import java.util.function.Consumer;

import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;

/**
 * The factory customizers registered on a {@link KafkaEventBus.Builder}, applied in registration
 * order by {@link KafkaClientFactories} to every factory the bus creates (the publisher's producer
 * factory, each subscription's consumer factory), after the configuration was derived and before
 * any client is created. The bus attaches them to its {@link KafkaOptions} (see
 * {@link KafkaOptions#withClientCustomizers(KafkaClientCustomizers)}) so that every place that
 * creates a factory from the options picks them up. Immutable.
 *
 * @param producer producer factory customizers, in order
 * @param consumer consumer factory customizers, in order
 */
record KafkaClientCustomizers(List<Consumer<? super DefaultKafkaProducerFactory<String, byte[]>>> producer,
		List<Consumer<? super DefaultKafkaConsumerFactory<String, byte[]>>> consumer) {

	/** No customizers. */
	static final KafkaClientCustomizers NONE = new KafkaClientCustomizers(List.of(), List.of());

	KafkaClientCustomizers {
		producer = List.copyOf(producer);
		consumer = List.copyOf(consumer);
	}

	void customize(DefaultKafkaProducerFactory<String, byte[]> factory) {
		this.producer.forEach((customizer) -> customizer.accept(factory));
	}

	void customize(DefaultKafkaConsumerFactory<String, byte[]> factory) {
		this.consumer.forEach((customizer) -> customizer.accept(factory));
	}

}

package dev.eventbus.core.observation;

import dev.eventbus.core.observation.EventBusObservationDocumentation.HighCardinalityKeys;
import dev.eventbus.core.observation.EventBusObservationDocumentation.LowCardinalityKeys;

import io.micrometer.common.KeyValues;

/**
 * Default naming of the publish observation: name {@value #NAME}, contextual (span) name
 * {@code <topic> publish}, low-cardinality keys {@code transport}, {@code topic}, {@code type},
 * {@code outcome}, high-cardinality key {@code event.id}. Extend it to add keys.
 */
public class DefaultPublishObservationConvention implements PublishObservationConvention {

	/** Observation (and timer) name: {@value}. */
	public static final String NAME = "eventbus.publisher";

	/** The shared instance. */
	public static final DefaultPublishObservationConvention INSTANCE = new DefaultPublishObservationConvention();

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(PublishObservationContext context) {
		return context.topic() + " publish";
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(PublishObservationContext context) {
		return KeyValues.of(LowCardinalityKeys.TRANSPORT.withValue(context.transport()),
				LowCardinalityKeys.TOPIC.withValue(context.topic()),
				LowCardinalityKeys.TYPE.withValue(context.eventType()),
				LowCardinalityKeys.OUTCOME.withValue(context.outcome()));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(PublishObservationContext context) {
		return KeyValues.of(HighCardinalityKeys.EVENT_ID.withValue(context.eventId()));
	}

}

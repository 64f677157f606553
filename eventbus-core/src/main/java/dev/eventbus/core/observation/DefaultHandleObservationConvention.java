package dev.eventbus.core.observation;

import dev.eventbus.core.observation.EventBusObservationDocumentation.HighCardinalityKeys;
import dev.eventbus.core.observation.EventBusObservationDocumentation.LowCardinalityKeys;

import io.micrometer.common.KeyValues;

/**
 * Default naming of the handle observation: name {@value #NAME}, contextual (span) name
 * {@code <topic> process}, low-cardinality keys {@code transport}, {@code topic}, {@code group},
 * {@code type}, {@code outcome}, high-cardinality keys {@code event.id} and {@code attempt}. Extend
 * it to add keys.
 */
public class DefaultHandleObservationConvention implements HandleObservationConvention {

	/** Observation (and timer) name: {@value}. */
	public static final String NAME = "eventbus.listener";

	/** The shared instance. */
	public static final DefaultHandleObservationConvention INSTANCE = new DefaultHandleObservationConvention();

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(HandleObservationContext context) {
		return context.topic() + " process";
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(HandleObservationContext context) {
		return KeyValues.of(LowCardinalityKeys.TRANSPORT.withValue(context.transport()),
				LowCardinalityKeys.TOPIC.withValue(context.topic()),
				LowCardinalityKeys.GROUP.withValue(context.group()),
				LowCardinalityKeys.TYPE.withValue(context.eventType()),
				LowCardinalityKeys.OUTCOME.withValue(context.outcome()));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(HandleObservationContext context) {
		return KeyValues.of(HighCardinalityKeys.EVENT_ID.withValue(context.eventId()),
				HighCardinalityKeys.ATTEMPT.withValue(Integer.toString(context.attempt())));
	}

}

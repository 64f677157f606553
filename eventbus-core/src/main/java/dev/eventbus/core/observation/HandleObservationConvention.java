package dev.eventbus.core.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/** Names and tags the handle observation; implement it to replace {@link DefaultHandleObservationConvention}. */
public interface HandleObservationConvention extends ObservationConvention<HandleObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof HandleObservationContext;
	}

}

package dev.eventbus.core.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/** Names and tags the publish observation; implement it to replace {@link DefaultPublishObservationConvention}. */
public interface PublishObservationConvention extends ObservationConvention<PublishObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof PublishObservationContext;
	}

}

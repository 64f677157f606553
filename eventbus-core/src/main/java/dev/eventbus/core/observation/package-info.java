/**
 * Micrometer Observations of publish and handle: the documentation of the two observations and
 * their key names ({@link dev.eventbus.core.observation.EventBusObservationDocumentation}), their
 * contexts (a {@code SenderContext} and a {@code ReceiverContext} whose carrier is the message's
 * header map, so that the application's tracing propagator injects and extracts the trace context)
 * and the conventions that name and tag them.
 */
@NullMarked
package dev.eventbus.core.observation;

import org.jspecify.annotations.NullMarked;

/**
 * Auto-configuration of the event bus: properties, scenario presets, the shared executor, codec
 * and circuit breaker, the memory transport, and the extension points
 * ({@link dev.eventbus.autoconfigure.EventBusEnvelopeCustomizer}).
 */
@NullMarked
package dev.eventbus.autoconfigure;

import org.jspecify.annotations.NullMarked;

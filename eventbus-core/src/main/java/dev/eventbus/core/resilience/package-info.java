/**
 * Resilience decorators around any {@link dev.eventbus.core.api.EventBus}: the publish circuit
 * breaker (resilience4j, an optional dependency).
 */
@NullMarked
package dev.eventbus.core.resilience;

import org.jspecify.annotations.NullMarked;

/**
 * Micrometer wiring: executor gauges, bus timers, subscription gauges, circuit-breaker meters, trace context.
 */
@NullMarked
package dev.eventbus.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;

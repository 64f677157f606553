/**
 * Kafka transport auto-configuration and properties (eventbus.kafka.*).
 */
@NullMarked
package dev.eventbus.autoconfigure.kafka;

import org.jspecify.annotations.NullMarked;

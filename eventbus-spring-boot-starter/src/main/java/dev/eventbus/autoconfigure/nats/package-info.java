/**
 * NATS JetStream transport auto-configuration and properties (eventbus.nats.*).
 */
@NullMarked
package dev.eventbus.autoconfigure.nats;

import org.jspecify.annotations.NullMarked;

/**
 * The nats transport: a public entry point and its options; workers are package-private.
 */
@NullMarked
package dev.eventbus.core.nats;

import org.jspecify.annotations.NullMarked;

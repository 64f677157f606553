/**
 * The kafka transport: a public entry point and its options; workers are package-private.
 */
@NullMarked
package dev.eventbus.core.kafka;

import org.jspecify.annotations.NullMarked;

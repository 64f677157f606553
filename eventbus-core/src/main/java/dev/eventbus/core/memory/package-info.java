/**
 * The memory transport: a public entry point and its options; workers are package-private.
 */
@NullMarked
package dev.eventbus.core.memory;

import org.jspecify.annotations.NullMarked;

/**
 * Helpers that more than one benchmark harness uses.
 */
@NullMarked
package dev.eventbus.benchmark.support;

import org.jspecify.annotations.NullMarked;

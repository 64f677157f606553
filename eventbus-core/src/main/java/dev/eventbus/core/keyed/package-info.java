/**
 * The keyed executor: per-key FIFO lanes scheduled on one shared worker pool, bounded, with
 * high/low watermarks that transports use to pause fetching.
 */
@NullMarked
package dev.eventbus.core.keyed;

import org.jspecify.annotations.NullMarked;

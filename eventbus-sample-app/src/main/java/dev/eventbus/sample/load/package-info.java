/**
 * Load / verify mode: publishes N events over K keys and checks that every acknowledged event was
 * handled, once, in per-key order; reports throughput, latency, threads and heap.
 */
@NullMarked
package dev.eventbus.sample.load;

import org.jspecify.annotations.NullMarked;

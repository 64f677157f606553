/**
 * JMH benchmarks of the keyed executor against a plain unordered pool and the hash-to-fixed-worker
 * design it replaces; see docs/benchmarks.md, section "Keyed executor (JMH)".
 */
@NullMarked
package dev.eventbus.benchmark.keyed;

import org.jspecify.annotations.NullMarked;

/**
 * Benchmarks of the keyed executor: JMH benchmarks against a plain unordered pool and the
 * hash-to-fixed-worker design it replaces (docs/benchmarks.md, section "Keyed executor (JMH)"), and
 * plain main classes for slow handlers on virtual threads ({@code VirtualThreadsBenchmark}) and
 * asynchronous handlers against blocking ones ({@code AsyncHandlerBenchmark}).
 */
@NullMarked
package dev.eventbus.benchmark.keyed;

import org.jspecify.annotations.NullMarked;

/**
 * Kafka transport benchmarks: the bus side by side with the raw Java client, a spring-kafka
 * listener container and Confluent Parallel Consumer, against one in-JVM KRaft broker.
 */
@NullMarked
package dev.eventbus.benchmark.kafka;

import org.jspecify.annotations.NullMarked;

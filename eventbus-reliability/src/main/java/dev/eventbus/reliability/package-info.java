/**
 * Fault-test harness: broker processes (Kafka, nats-server) that can be killed with SIGKILL and
 * restarted on the same data, consumer JVMs that journal every handled event, a load producer that
 * records which publishes were acknowledged, and the {@link dev.eventbus.reliability.Verifier} that
 * compares the two.
 */
@NullMarked
package dev.eventbus.reliability;

import org.jspecify.annotations.NullMarked;

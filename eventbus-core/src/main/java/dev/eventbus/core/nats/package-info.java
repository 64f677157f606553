/**
 * The NATS JetStream transport on jnats: the public entry point
 * {@link dev.eventbus.core.nats.NatsEventBus}, its options ({@link dev.eventbus.core.nats.NatsOptions}
 * with the stream, consumer and publish groups) and the connection status record; the stream
 * provisioner, publisher, pull-consumer threads and single-active leases are package-private.
 * Works with nats-server 2.9 and later (no 2.10-only stream or consumer features are used).
 */
@NullMarked
package dev.eventbus.core.nats;

import org.jspecify.annotations.NullMarked;

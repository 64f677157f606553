/**
 * The in-JVM single-node KRaft Kafka broker of the default profile, so that the sample runs with
 * nothing installed.
 */
@NullMarked
package dev.eventbus.sample.embedded;

import org.jspecify.annotations.NullMarked;

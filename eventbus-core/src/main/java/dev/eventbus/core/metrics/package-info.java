/**
 * The meter catalogue and the observer the transports report to; Micrometer binding when
 * micrometer-core is on the classpath.
 */
@NullMarked
package dev.eventbus.core.metrics;

import org.jspecify.annotations.NullMarked;

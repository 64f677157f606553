/**
 * The eventbus Actuator endpoint.
 */
@NullMarked
package dev.eventbus.autoconfigure.endpoint;

import org.jspecify.annotations.NullMarked;

/**
 * The eventbus health indicator.
 */
@NullMarked
package dev.eventbus.autoconfigure.health;

import org.jspecify.annotations.NullMarked;

/**
 * Registration of @EventHandler methods as subscriptions.
 */
@NullMarked
package dev.eventbus.autoconfigure.annotation;

import org.jspecify.annotations.NullMarked;

/**
 * The public API of the event bus: {@link dev.eventbus.core.api.EventBus}, the
 * {@link dev.eventbus.core.api.Envelope}, handlers, subscriptions and the exceptions a
 * caller can act on. Every type an application touches lives in this package.
 */
@NullMarked
package dev.eventbus.core.api;

import org.jspecify.annotations.NullMarked;

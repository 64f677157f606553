/**
 * The orders domain: events, the REST API that publishes them, the handlers of the billing,
 * shipping and audit groups, and the dead-letter logger.
 */
@NullMarked
package dev.eventbus.sample.orders;

import org.jspecify.annotations.NullMarked;

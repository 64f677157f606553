/**
 * The sample orders service: a REST API publishing order events, handlers in three consumer groups,
 * a dead-letter logger, and a load / verify mode.
 */
@NullMarked
package dev.eventbus.sample;

import org.jspecify.annotations.NullMarked;

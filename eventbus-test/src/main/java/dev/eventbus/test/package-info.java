/**
 * Test support for transports and applications: {@link dev.eventbus.test.EventBusContractTests}, the
 * delivery contract every transport's test class extends.
 */
@NullMarked
package dev.eventbus.test;

import org.jspecify.annotations.NullMarked;

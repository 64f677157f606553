/**
 * Records what an application's {@link dev.eventbus.core.api.EventBus} publishes and what its handlers
 * do with each event, for tests: {@link dev.eventbus.test.recording.EventBusRecorder} wraps the bus,
 * {@link dev.eventbus.test.recording.PublishedEvents} queries the published events,
 * {@link dev.eventbus.test.recording.EventBusAwait} waits for a group to handle an event and
 * {@link dev.eventbus.test.recording.EventFailures} makes handler attempts fail to exercise retry and
 * dead letters. Works on every transport; {@code dev.eventbus.test.spring.EventBusTest} sets it up for a
 * Spring Boot test on the memory transport.
 */
@NullMarked
package dev.eventbus.test.recording;

import org.jspecify.annotations.NullMarked;

/**
 * Spring Boot test set-up for applications that use the event bus: {@link dev.eventbus.test.spring.EventBusTest}
 * runs a {@code @SpringBootTest} on the memory transport with an
 * {@link dev.eventbus.test.recording.EventBusRecorder} around the application's bus.
 */
@NullMarked
package dev.eventbus.test.spring;

import org.jspecify.annotations.NullMarked;

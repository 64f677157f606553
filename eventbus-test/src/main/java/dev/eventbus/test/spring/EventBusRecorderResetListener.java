package dev.eventbus.test.spring;

import org.springframework.core.Ordered;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestExecutionListener;

import dev.eventbus.test.recording.EventBusRecorder;

/**
 * Clears the {@link EventBusRecorder} beans of a test's application context before each test method,
 * so that a context shared by several tests starts each with nothing recorded and no failure rules.
 * Registered in {@code META-INF/spring.factories}; does nothing for a context without a recorder or a
 * test whose context is not loaded yet.
 */
public class EventBusRecorderResetListener implements TestExecutionListener, Ordered {

	@Override
	public void beforeTestMethod(TestContext testContext) {
		if (testContext.hasApplicationContext()) {
			testContext.getApplicationContext().getBeanProvider(EventBusRecorder.class).forEach(EventBusRecorder::clear);
		}
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE - 100;
	}

}

package dev.eventbus.test.spring;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.eventbus.core.api.EventBus;
import dev.eventbus.test.recording.EventBusRecorder;

/**
 * Bean {@code eventBusRecorder} and a post-processor that wraps every {@link EventBus} bean with it
 * ({@link EventBusRecorder#wrap(EventBus)}), so that what the application publishes and subscribes
 * through the bean is recorded. Imported by {@link EventBusTest}; import it directly
 * ({@code @Import(EventBusRecorderConfiguration.class)}) to record on a broker transport. Declare
 * your own {@code EventBus} beans as {@code EventBus}: the wrapped bean is no longer of the
 * transport's class.
 */
@Configuration(proxyBeanMethods = false)
public class EventBusRecorderConfiguration {

	@Bean
	EventBusRecorder eventBusRecorder() {
		return new EventBusRecorder();
	}

	@Bean
	static BeanPostProcessor eventBusRecordingPostProcessor(ObjectProvider<EventBusRecorder> recorder) {
		return new BeanPostProcessor() {

			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				return (bean instanceof EventBus bus) ? recorder.getObject().wrap(bus) : bean;
			}

		};
	}

}

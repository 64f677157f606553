package dev.eventbus.sample.load;

import java.util.Map;

import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.MapPropertySource;

/**
 * In the command-line load mode ({@code eventbus.sample.load.events} above 0) the app needs no web
 * server: this switches {@code spring.main.web-application-type} to {@code none} unless it was set,
 * so that a load run never clashes with an app already listening on port 8080.
 */
public final class LoadModeListener implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {

	@Override
	public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
		var environment = event.getEnvironment();
		long events = environment.getProperty("eventbus.sample.load.events", Long.class, 0L);
		if (events > 0 && !environment.containsProperty("spring.main.web-application-type")) {
			environment.getPropertySources()
				.addLast(new MapPropertySource("eventbusSampleLoadMode",
						Map.of("spring.main.web-application-type", "none")));
		}
	}

}

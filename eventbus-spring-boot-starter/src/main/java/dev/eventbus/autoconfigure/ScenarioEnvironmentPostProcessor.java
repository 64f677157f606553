package dev.eventbus.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;

import dev.eventbus.autoconfigure.EventBusProperties.Scenario;

/**
 * Adds the presets of the selected {@code eventbus.scenario} (and the transport-specific keys of
 * {@code eventbus.publish.max-block}) as the property source {@value #PROPERTY_SOURCE_NAME} at the
 * lowest precedence. A property set explicitly in any other source (application.yml, environment
 * variables, system properties, command line, test properties) therefore wins over the preset, and
 * the preset wins over the default in the properties class. Explicitly set keys are not compared
 * with defaults: the environment's property sources decide, as for every Boot property.
 *
 * <p>An unknown scenario fails here, while binding {@code eventbus.scenario}; the failure analyzer
 * names the property and the accepted values.
 */
public class ScenarioEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	/** Name of the property source holding the overlay. */
	public static final String PROPERTY_SOURCE_NAME = "eventbusScenarioPresets";

	/** Runs after the config data (application.yml) has been loaded. */
	public static final int ORDER = Ordered.LOWEST_PRECEDENCE - 10;

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, @Nullable SpringApplication application) {
		apply(environment);
	}

	/**
	 * Adds (or replaces) the overlay property source.
	 * @param environment the environment
	 */
	public static void apply(ConfigurableEnvironment environment) {
		environment.getPropertySources().remove(PROPERTY_SOURCE_NAME);
		Binder binder = Binder.get(environment);
		Map<String, Object> overlay = new LinkedHashMap<>();
		binder.bind("eventbus.publish.max-block", String.class).ifBound((maxBlock) -> {
			overlay.put("eventbus.kafka.producer.max-block", maxBlock);
			overlay.put("eventbus.nats.publish.max-block", maxBlock);
			overlay.put("eventbus.memory.max-block", maxBlock);
		});
		binder.bind("eventbus.scenario", Scenario.class).ifBound((scenario) -> {
			for (Map.Entry<String, String> preset : ScenarioPresets.of(scenario).entrySet()) {
				overlay.putIfAbsent(preset.getKey(), preset.getValue());
			}
		});
		if (!overlay.isEmpty()) {
			PropertySource<?> source = new MapPropertySource(PROPERTY_SOURCE_NAME, overlay);
			environment.getPropertySources().addLast(source);
		}
	}

}

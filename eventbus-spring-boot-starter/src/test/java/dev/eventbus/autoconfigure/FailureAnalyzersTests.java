package dev.eventbus.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;

import static org.assertj.core.api.Assertions.assertThat;

class FailureAnalyzersTests {

	@Test
	void configurationFailureNamesThePropertyTheProblemAndTheFixThroughWrappingExceptions() {
		EventBusConfigurationException cause = new EventBusConfigurationException("eventbus.kafka.bootstrap-servers",
				"no broker address is configured", "Set eventbus.kafka.bootstrap-servers=localhost:9092.");
		FailureAnalysis analysis = new EventBusConfigurationFailureAnalyzer()
			.analyze(new BeanCreationException("eventBus", "failed", cause));
		assertThat(analysis.getDescription()).contains("property eventbus.kafka.bootstrap-servers")
			.contains("no broker address is configured");
		assertThat(analysis.getAction()).isEqualTo("Set eventbus.kafka.bootstrap-servers=localhost:9092.");
	}

	@Test
	void analyzersAreRegisteredForSpringBoot() throws Exception {
		String factories = new String(getClass().getResourceAsStream("/META-INF/spring.factories").readAllBytes());
		assertThat(factories).contains("EventBusBindFailureAnalyzer", "EventBusConfigurationFailureAnalyzer",
				"InvalidEventHandlerFailureAnalyzer", "ScenarioEnvironmentPostProcessor");
	}

}

package dev.eventbus.autoconfigure;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.eventbus.autoconfigure.kafka.EventBusKafkaAutoConfiguration;
import dev.eventbus.autoconfigure.nats.EventBusNatsAutoConfiguration;
import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.kafka.KafkaOptions;
import dev.eventbus.core.memory.MemoryEventBus;
import dev.eventbus.core.nats.NatsOptions;
import dev.eventbus.test.broker.NatsServerProcess;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code eventbus.dead-letter.suffix} reaches every transport's {@code deadLetterTopic}; unset keeps
 * each transport's default; an invalid suffix fails start-up naming the property.
 */
class DeadLetterSuffixPropertyTests {

	static final NatsServerProcess server = NatsServerProcess.launch();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EventBusMemoryAutoConfiguration.class,
				EventBusKafkaAutoConfiguration.class, EventBusNatsAutoConfiguration.class,
				EventBusAutoConfiguration.class))
		.withPropertyValues("spring.application.name=dlt-config", "eventbus.executor.workers=2",
				"eventbus.shutdown-timeout=1s", "eventbus.executor.shutdown-timeout=1s",
				"eventbus.kafka.bootstrap-servers=127.0.0.1:19092", "eventbus.nats.servers=" + server.url());

	@AfterAll
	static void stop() {
		server.close();
	}

	@Test
	void unsetKeepsEachTransportsDefault() {
		this.runner.run((context) -> assertThat(context.getBean(EventBus.class).deadLetterTopic("orders"))
			.isEqualTo("orders-dlt"));
		this.runner.withPropertyValues("eventbus.transport=kafka").run((context) -> {
			assertThat(context.getBean(KafkaOptions.class).deadLetterSuffix()).isEqualTo("-dlt");
			assertThat(context.getBean(EventBus.class).deadLetterTopic("orders")).isEqualTo("orders-dlt");
		});
		this.runner.withPropertyValues("eventbus.transport=nats").run((context) -> {
			assertThat(context.getBean(NatsOptions.class).deadLetterSuffix()).isEqualTo(".dlt");
			assertThat(context.getBean(EventBus.class).deadLetterTopic("orders")).isEqualTo("orders.dlt");
		});
	}

	@Test
	void theSuffixNamesTheDeadLetterTopicOfEveryTransport() {
		ApplicationContextRunner suffixed = this.runner.withPropertyValues("eventbus.dead-letter.suffix=.dead");
		suffixed.run((context) -> {
			EventBus bus = context.getBean(EventBus.class);
			assertThat(EventBusComponents.unwrap(bus)).isInstanceOf(MemoryEventBus.class);
			assertThat(bus.deadLetterTopic("orders")).isEqualTo("orders.dead");
		});
		suffixed.withPropertyValues("eventbus.transport=kafka").run((context) -> {
			assertThat(context.getBean(KafkaOptions.class).deadLetterSuffix()).isEqualTo(".dead");
			assertThat(context.getBean(EventBus.class).deadLetterTopic("orders")).isEqualTo("orders.dead");
		});
		suffixed.withPropertyValues("eventbus.transport=nats").run((context) -> {
			assertThat(context.getBean(NatsOptions.class).deadLetterSuffix()).isEqualTo(".dead");
			assertThat(context.getBean(EventBus.class).deadLetterTopic("orders")).isEqualTo("orders.dead");
		});
	}

	@Test
	void anInvalidSuffixFailsStartUpNamingTheProperty() {
		for (String transport : new String[] { "memory", "kafka", "nats" }) {
			this.runner.withPropertyValues("eventbus.transport=" + transport, "eventbus.dead-letter.suffix=.dlt.")
				.run((context) -> {
					assertThat(context).hasFailed();
					FailureAnalysis analysis = new EventBusConfigurationFailureAnalyzer()
						.analyze(context.getStartupFailure());
					assertThat(analysis).as(transport).isNotNull();
					assertThat(analysis.getDescription()).as(transport)
						.contains("property eventbus.dead-letter.suffix")
						.contains("eventbus.dead-letter.suffix '.dlt.' is invalid");
					assertThat(analysis.getAction()).as(transport).contains("eventbus.dead-letter.suffix");
				});
		}
	}

}

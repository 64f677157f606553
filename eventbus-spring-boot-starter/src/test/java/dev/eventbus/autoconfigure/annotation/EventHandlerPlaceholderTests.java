package dev.eventbus.autoconfigure.annotation;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.api.EventHandler;
import dev.eventbus.core.api.Subscription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/**
 * {@code @EventHandler} topics and group take {@code ${...}} placeholders, resolved against the
 * environment; one that cannot be resolved fails start-up naming the method and the placeholder.
 */
@ExtendWith(OutputCaptureExtension.class)
class EventHandlerPlaceholderTests {

	@Test
	void topicsAndGroupAreResolvedFromProperties() throws Exception {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class)
			.web(WebApplicationType.NONE)
			.properties("spring.application.name=placeholders", "eventbus.executor.workers=1",
					"orders.topic=placeholder-orders", "audit.topics=placeholder-audit-a, placeholder-audit-b",
					"billing.group=billing-from-properties")
			.run()) {
			EventBus bus = context.getBean(EventBus.class);
			Handlers handlers = context.getBean(Handlers.class);
			await().atMost(Duration.ofSeconds(10)).until(() -> bus.subscriptions().size() == 2);
			Subscription orders = bus.subscriptions()
				.stream()
				.filter((subscription) -> subscription.topics().contains("placeholder-orders"))
				.findFirst()
				.orElseThrow();
			assertThat(orders.group()).isEqualTo("billing-from-properties");
			Subscription audit = bus.subscriptions()
				.stream()
				.filter((subscription) -> subscription != orders)
				.findFirst()
				.orElseThrow();
			assertThat(audit.topics()).containsExactlyInAnyOrder("placeholder-audit-a", "placeholder-audit-b",
					"placeholder-audit-c");
			assertThat(audit.group()).isEqualTo("default-audit");

			bus.publish("placeholder-orders", Envelope.of("o-1", "OrderPlaced", "order")).get();
			bus.publish("placeholder-audit-b", Envelope.of("a-1", "Audited", "audit")).get();
			await().atMost(Duration.ofSeconds(10)).until(() -> handlers.received.size() == 2);
			assertThat(handlers.received).containsExactlyInAnyOrder("orders:order", "audit:audit");
		}
	}

	@Test
	void unresolvablePlaceholderNamesTheMethodAndThePlaceholder(CapturedOutput output) {
		assertThatException().isThrownBy(() -> new SpringApplicationBuilder(BadApp.class)
			.web(WebApplicationType.NONE)
			.properties("spring.application.name=placeholders", "eventbus.executor.workers=1")
			.run()
			.close());
		assertThat(output)
			.contains("@EventHandler method " + BadHandler.class.getName() + ".on(String) is invalid: its topics "
					+ "'${missing.topic}' has a placeholder that cannot be resolved")
			.contains("missing.topic")
			.contains("give it a default: ${name:default}");
	}

	static class Handlers {

		final List<String> received = new CopyOnWriteArrayList<>();

		@EventHandler(topics = "${orders.topic}", group = "${billing.group}")
		void orders(String event) {
			this.received.add("orders:" + event);
		}

		@EventHandler(topics = { "${audit.topics}", "placeholder-audit-c" }, group = "${audit.group:default-audit}")
		void audit(String event) {
			this.received.add("audit:" + event);
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(Handlers.class)
	static class App {

	}

	static class BadHandler {

		@EventHandler(topics = "${missing.topic}")
		void on(String event) {
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(BadHandler.class)
	static class BadApp {

	}

}

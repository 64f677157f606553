package dev.eventbus.autoconfigure.kafka;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.eventbus.autoconfigure.EventBusAutoConfiguration;
import dev.eventbus.autoconfigure.EventBusConfigurationException;
import dev.eventbus.autoconfigure.EventBusMemoryAutoConfiguration;
import dev.eventbus.autoconfigure.ScenarioEnvironmentPostProcessor;
import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.EventBus;
import dev.eventbus.core.api.SubscriptionOptions;
import dev.eventbus.core.api.Subscription;
import dev.eventbus.core.kafka.KafkaOptions;
import dev.eventbus.test.broker.KafkaTestBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Spring Boot's {@code KafkaConnectionDetails}: a bean the application defines wins over
 * {@code eventbus.kafka.bootstrap-servers} (which names an unreachable port, so events only flow
 * through the bean), the one Spring Boot derives from {@code spring.kafka.*} does not win over the
 * eventbus property, and the starter works without spring-boot-kafka.
 */
class KafkaConnectionDetailsTests {

	static final KafkaTestBroker broker = KafkaTestBroker.start();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, KafkaAutoConfiguration.class,
				EventBusMemoryAutoConfiguration.class, EventBusKafkaAutoConfiguration.class,
				EventBusAutoConfiguration.class))
		.withInitializer((context) -> ScenarioEnvironmentPostProcessor.apply(context.getEnvironment()))
		.withPropertyValues("spring.application.name=kafka-details", "eventbus.executor.workers=2",
				"eventbus.shutdown-timeout=1s", "eventbus.executor.shutdown-timeout=1s", "eventbus.transport=kafka",
				"eventbus.kafka.consumer.fetch-min-size=1B", "eventbus.kafka.consumer.fetch-max-wait=100ms",
				"eventbus.kafka.consumer.commit-interval=100ms", "eventbus.kafka.network.dial-timeout=1s",
				"eventbus.kafka.producer.max-block=5s",
				"spring.ssl.bundle.pem.kafka-broker.truststore.certificate=classpath:tls/server-cert.pem");

	@AfterAll
	static void stopBroker() {
		broker.close();
	}

	@Test
	void userDefinedDetailsWinOverTheBootstrapServersPropertyAndEventsFlowThroughThem() throws Exception {
		String unreachable = "127.0.0.1:" + freePort();
		String topic = KafkaTestBroker.uniqueTopic("details");
		this.runner
			.withPropertyValues("eventbus.kafka.bootstrap-servers=" + unreachable,
					"spring.kafka.bootstrap-servers=" + unreachable)
			.withBean(KafkaConnectionDetails.class, () -> () -> List.of(broker.bootstrapServers()))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(KafkaOptions.class).bootstrapServers())
					.containsExactly(broker.bootstrapServers());
				EventBus bus = context.getBean(EventBus.class);
				List<String> handled = new CopyOnWriteArrayList<>();
				try (Subscription subscription = bus.subscribe(topic, String.class,
						SubscriptionOptions.of("details-group"), (event, eventContext) -> handled.add(event.payload()))) {
					bus.publish(topic, Envelope.of("order-1", "OrderPlaced", "first")).get(30, TimeUnit.SECONDS);
					await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(handled).contains("first"));
				}
			});
	}

	@Test
	void eventbusPropertyWinsOverSpringBootsPropertiesBasedDetails() {
		this.runner
			.withPropertyValues("eventbus.kafka.bootstrap-servers=127.0.0.1:19091",
					"spring.kafka.bootstrap-servers=127.0.0.1:19092")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(KafkaConnectionDetails.class);
				assertThat(context.getBean(KafkaConnectionDetails.class).getClass().getName())
					.isEqualTo(BootKafkaConnectionDetails.PROPERTIES_DETAILS);
				assertThat(context.getBean(KafkaOptions.class).bootstrapServers()).containsExactly("127.0.0.1:19091");
			});
	}

	@Test
	void springKafkaBootstrapServersStayTheFallback() {
		this.runner.withPropertyValues("spring.kafka.bootstrap-servers=127.0.0.1:19092")
			.run((context) -> assertThat(context.getBean(KafkaOptions.class).bootstrapServers())
				.containsExactly("127.0.0.1:19092"));
	}

	@Test
	void springBootsDefaultAddressDoesNotStandInForAMissingConfiguration() {
		// spring-kafka-test's embedded brokers publish their address as this system property by default
		// (KafkaTestBroker does not): cleared for the run, as a leaked value must not stand in either
		this.runner.withSystemProperties("spring.kafka.bootstrap-servers").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(configurationFailure(context.getStartupFailure()).property())
				.isEqualTo("eventbus.kafka.bootstrap-servers");
		});
	}

	@Test
	void detailsSecurityProtocolAndSslBundleReplaceTheProperties() {
		this.runner
			.withPropertyValues("eventbus.kafka.bootstrap-servers=127.0.0.1:19091",
					"eventbus.kafka.security.truststore-location=/does/not/exist.p12",
					"eventbus.kafka.security.truststore-password=secret")
			.withUserConfiguration(TlsDetails.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				KafkaOptions options = context.getBean(KafkaOptions.class);
				assertThat(options.bootstrapServers()).containsExactly("127.0.0.1:19093");
				assertThat(options.security().protocol()).isEqualTo("SSL");
				assertThat(options.security().sslContext()).isNotNull();
				assertThat(options.security().truststoreLocation()).isNull();
			});
	}

	@Test
	void detailsSslBundleWithoutATlsProtocolFailsNamingTheProtocolProperty() {
		this.runner.withPropertyValues("eventbus.kafka.security.protocol=PLAINTEXT")
			.withUserConfiguration(TlsDetails.class)
			.withPropertyValues("details.protocol=none")
			.run((context) -> {
				assertThat(context).hasFailed();
				EventBusConfigurationException failure = configurationFailure(context.getStartupFailure());
				assertThat(failure.property()).isEqualTo("eventbus.kafka.security.protocol");
				assertThat(failure.getMessage()).contains("KafkaConnectionDetails").contains("PLAINTEXT");
			});
	}

	@Test
	void detailsWithoutBootstrapServersFailNamingTheBean() {
		this.runner.withPropertyValues("eventbus.kafka.bootstrap-servers=127.0.0.1:19091")
			.withBean(KafkaConnectionDetails.class, () -> List::of)
			.run((context) -> {
				assertThat(context).hasFailed();
				EventBusConfigurationException failure = configurationFailure(context.getStartupFailure());
				assertThat(failure.property()).isEqualTo("eventbus.kafka.bootstrap-servers");
				assertThat(failure.getMessage()).contains("KafkaConnectionDetails bean");
			});
	}

	@Test
	void withoutSpringBootKafkaThePropertiesApply() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(EventBusMemoryAutoConfiguration.class,
					EventBusKafkaAutoConfiguration.class, EventBusAutoConfiguration.class))
			.withInitializer((context) -> ScenarioEnvironmentPostProcessor.apply(context.getEnvironment()))
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.kafka"))
			.withPropertyValues("spring.application.name=kafka-details", "eventbus.transport=kafka",
					"eventbus.kafka.bootstrap-servers=127.0.0.1:19091")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(KafkaConnection.Source.class);
				assertThat(context.getBean(KafkaOptions.class).bootstrapServers()).containsExactly("127.0.0.1:19091");
			});
	}

	static EventBusConfigurationException configurationFailure(@Nullable Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof EventBusConfigurationException configuration) {
				return configuration;
			}
		}
		throw new AssertionError("no EventBusConfigurationException in " + failure, failure);
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class TlsDetails {

		@Bean
		KafkaConnectionDetails kafkaConnectionDetails(SslBundles bundles,
				org.springframework.core.env.Environment environment) {
			SslBundle bundle = bundles.getBundle("kafka-broker");
			String protocol = environment.getProperty("details.protocol", "SSL");
			return new KafkaConnectionDetails() {

				@Override
				public List<String> getBootstrapServers() {
					return List.of("127.0.0.1:19093");
				}

				@Override
				public SslBundle getSslBundle() {
					return bundle;
				}

				@Override
				public @Nullable String getSecurityProtocol() {
					return protocol.equals("none") ? null : protocol;
				}

			};
		}

	}

}

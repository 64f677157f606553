package dev.eventbus.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The sample orders service. Without a profile it starts an embedded KRaft Kafka broker first (see
 * {@link dev.eventbus.sample.embedded.EmbeddedKafkaLauncher}); profiles {@code kafka}, {@code nats}
 * and {@code memory} pick a transport, and {@code high-throughput}, {@code low-latency},
 * {@code balanced} and {@code high-reliability} a scenario.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}

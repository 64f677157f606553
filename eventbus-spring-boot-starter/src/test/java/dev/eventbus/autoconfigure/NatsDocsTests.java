package dev.eventbus.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/nats.md documents every {@code eventbus.nats.*} property of the generated metadata.
 */
class NatsDocsTests {

	@Test
	void natsDocsListEveryNatsProperty() throws Exception {
		Path candidate = Path.of("..", "docs", "nats.md");
		String docs = Files.readString(Files.exists(candidate) ? candidate : Path.of("docs", "nats.md"));
		assertThat(ConfigurationMetadataTests.propertyNames(ConfigurationMetadataTests.metadata()))
			.filteredOn((name) -> name.startsWith("eventbus.nats."))
			.isNotEmpty()
			.allSatisfy((name) -> assertThat(docs).as("docs/nats.md").contains("`" + name + "`"));
	}

}

package dev.eventbus.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's configuration and metrics tables must match the generated metadata, the scenario
 * presets and the meter catalogue. To regenerate them after a change, run this test with
 * {@code -Deventbus.readme.update=true}.
 */
class ReadmeTablesTests {

	private static final String HOW_TO_FIX = "README table is out of date: run mvn -pl eventbus-spring-boot-starter -am "
			+ "test -Dtest=ReadmeTablesTests -Deventbus.readme.update=true -Dsurefire.failIfNoSpecifiedTests=false";

	@Test
	void configurationTableMatchesTheMetadataAndThePresets() throws Exception {
		String expected = ReadmeTables.configurationTable(ConfigurationMetadataTests.metadata());
		check(ReadmeTables.CONFIGURATION_BEGIN, ReadmeTables.CONFIGURATION_END, expected);
	}

	@Test
	void metricsTableMatchesTheMeterCatalogue() throws Exception {
		check(ReadmeTables.METRICS_BEGIN, ReadmeTables.METRICS_END, ReadmeTables.metricsTable());
	}

	private void check(String begin, String end, String expected) throws Exception {
		Path readme = ReadmeTables.readme();
		String content = Files.readString(readme);
		if (Boolean.getBoolean("eventbus.readme.update")) {
			Files.writeString(readme, ReadmeTables.replaceSection(content, begin, end, expected));
			content = Files.readString(readme);
		}
		assertThat(ReadmeTables.section(content, begin, end)).as(HOW_TO_FIX).isEqualTo(expected);
	}

}

package dev.eventbus.sample.load;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.eventbus.sample.SampleApplication;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command-line load mode on the embedded broker, with a small volume: it publishes, verifies,
 * writes the JSON report and the journals, and the report shows every event handled once in order.
 */
class LoadModeTests {

	@TempDir
	Path dir;

	@Test
	void startupLoadRunHandlesEveryEventInPerKeyOrderAndWritesTheReportAndJournals() throws Exception {
		Path report = this.dir.resolve("report.json");
		Path journal = this.dir.resolve("journal");
		SpringApplication application = new SpringApplication(SampleApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		try (ConfigurableApplicationContext context = application.run("--eventbus.sample.load.events=3000",
				"--eventbus.sample.load.keys=50", "--eventbus.sample.load.payload-bytes=200",
				"--eventbus.sample.load.exit=false", "--eventbus.sample.load.report-file=" + report,
				"--eventbus.sample.load.journal-dir=" + journal)) {
			// The run happens during start-up (an ApplicationRunner), so the report exists now.
			JsonNode json = JsonMapper.builder().build().readTree(Files.readString(report));
			assertThat(json.path("passed").asBoolean()).as(json.toString()).isTrue();
			assertThat(json.path("transport").asString()).isEqualTo("kafka");
			assertThat(json.path("sent").asLong()).isEqualTo(3000);
			assertThat(json.path("acknowledged").asLong()).isEqualTo(3000);
			assertThat(json.path("handled").asLong()).isEqualTo(3000);
			assertThat(json.path("lost").asLong()).isZero();
			assertThat(json.path("orderViolations").asLong()).isZero();
			assertThat(json.path("successRatePercent").asDouble()).isEqualTo(100.0);
			assertThat(json.path("latencyMillis").path("max").asDouble()).isPositive();
			assertThat(json.path("liveThreads").asInt()).isPositive();

			String runId = json.path("runId").asString();
			List<String> published = readJournal(journal, "published-", runId);
			List<String> handled = readJournal(journal, "handled-", runId);
			assertThat(published).hasSize(3000);
			assertThat(handled).hasSizeGreaterThanOrEqualTo(3000);
			// Every accepted event id appears among the handled ones.
			List<String> handledIds = handled.stream().map((line) -> line.split(",")[1]).toList();
			assertThat(handledIds).containsAll(published.stream().map((line) -> line.split(",")[1]).toList());
		}
	}

	private static List<String> readJournal(Path dir, String prefix, String runId) throws Exception {
		try (var files = Files.list(dir)) {
			Path file = files.filter((path) -> path.getFileName().toString().startsWith(prefix)).findFirst().orElseThrow();
			return Files.readAllLines(file).stream().filter((line) -> line.startsWith(runId + ",")).toList();
		}
	}

}

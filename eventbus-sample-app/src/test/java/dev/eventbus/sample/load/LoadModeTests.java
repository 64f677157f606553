package dev.eventbus.sample.load;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.eventbus.sample.SampleApplication;
import dev.eventbus.sample.embedded.EmbeddedKafkaLauncher;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The command-line load mode on the embedded broker, with small volumes: one process publishing and
 * verifying, and a run split over a publishing and a consuming application sharing one broker, as
 * crash tests use it. Reports and journals are checked from their files.
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
			assertThat(context.isActive()).isTrue();
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

	@Test
	void publishModeAndConsumeModeSplitARunOverTwoApplicationsAndTheConsumerJournalsEveryEvent() throws Exception {
		Path journal = this.dir.resolve("consumer-journal");
		SpringApplication consumerApplication = new SpringApplication(SampleApplication.class);
		consumerApplication.setWebApplicationType(WebApplicationType.NONE);
		try (ConfigurableApplicationContext consumer = consumerApplication.run("--eventbus.sample.load.mode=consume",
				"--eventbus.sample.load.journal-dir=" + journal, "--eventbus.sample.load.topic=split-load",
				"--eventbus.sample.load.group=split-consumer")) {
			String broker = consumer.getEnvironment().getProperty(EmbeddedKafkaLauncher.BOOTSTRAP_SERVERS_PROPERTY);
			Path report = this.dir.resolve("publisher.json");
			SpringApplication publisherApplication = new SpringApplication(SampleApplication.class);
			publisherApplication.setWebApplicationType(WebApplicationType.NONE);
			try (ConfigurableApplicationContext publisher = publisherApplication.run(
					"--eventbus.kafka.bootstrap-servers=" + broker, "--eventbus.sample.load.mode=publish",
					"--eventbus.sample.load.events=2000", "--eventbus.sample.load.keys=20",
					"--eventbus.sample.load.topic=split-load", "--eventbus.sample.load.exit=false",
					"--eventbus.sample.load.report-file=" + report)) {
				assertThat(publisher.getEnvironment().getProperty(EmbeddedKafkaLauncher.BOOTSTRAP_SERVERS_PROPERTY))
					.as("the publisher uses the consumer's broker, it starts none")
					.isNull();
				JsonNode json = JsonMapper.builder().build().readTree(Files.readString(report));
				assertThat(json.path("mode").asString()).isEqualTo("publish");
				assertThat(json.path("passed").asBoolean()).as(json.toString()).isTrue();
				assertThat(json.path("acknowledged").asLong()).isEqualTo(2000);
				assertThat(json.path("handled").asLong()).isZero();
				String runId = json.path("runId").asString();
				await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(
						readJournal(journal, "handled-", runId).stream().map((line) -> line.split(",")[1]).distinct())
					.hasSize(2000));
				// Within each key the first deliveries came in sequence order.
				Map<String, List<Long>> seqsByKey = new LinkedHashMap<>();
				for (String line : readJournal(journal, "handled-", runId)) {
					String[] fields = line.split(",");
					seqsByKey.computeIfAbsent(fields[2], (key) -> new ArrayList<>()).add(Long.parseLong(fields[3]));
				}
				assertThat(seqsByKey).hasSize(20);
				seqsByKey.values().forEach((seqs) -> assertThat(seqs.stream().distinct().toList()).isSorted());
			}
		}
	}

	private static List<String> readJournal(Path dir, String prefix, String runId) throws Exception {
		try (var files = Files.list(dir)) {
			Path file = files.filter((path) -> path.getFileName().toString().startsWith(prefix)).findFirst().orElseThrow();
			return Files.readAllLines(file).stream().filter((line) -> line.startsWith(runId + ",")).toList();
		}
	}

}

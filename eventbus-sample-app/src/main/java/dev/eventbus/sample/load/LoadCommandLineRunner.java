package dev.eventbus.sample.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The command-line load mode: with {@code --eventbus.sample.load.events=N} (N above 0) runs one load
 * after start-up, prints the report as a table and as one JSON line (prefixed
 * {@value #JSON_PREFIX}), optionally writes the JSON to {@code eventbus.sample.load.report-file},
 * then exits with code 0 when the run passed and {@value #EXIT_FAILED} when it did not (unless
 * {@code eventbus.sample.load.exit=false}).
 */
final class LoadCommandLineRunner implements ApplicationRunner {

	/** Prefix of the JSON report line on standard output. */
	static final String JSON_PREFIX = "LOAD-REPORT-JSON ";

	/** Exit code of a run that lost events, saw an order violation or failed to publish. */
	static final int EXIT_FAILED = 2;

	private static final Log logger = LogFactory.getLog(LoadCommandLineRunner.class);

	private final LoadRunner runner;

	private final LoadProperties properties;

	private final ConfigurableApplicationContext context;

	LoadCommandLineRunner(LoadRunner runner, LoadProperties properties, ConfigurableApplicationContext context) {
		this.runner = runner;
		this.properties = properties;
		this.context = context;
	}

	@Override
	public void run(ApplicationArguments args) throws Exception {
		if (this.properties.getEvents() <= 0) {
			return;
		}
		LoadReport report = this.runner.run(LoadSettings.from(this.properties, this.properties.getEvents()));
		String json = this.runner.toJson(report);
		System.out.println();
		System.out.print(report.toText());
		System.out.println(JSON_PREFIX + json);
		System.out.flush();
		Path reportFile = this.properties.getReportFile();
		if (reportFile != null) {
			try {
				Path parent = reportFile.toAbsolutePath().getParent();
				if (parent != null) {
					Files.createDirectories(parent);
				}
				Files.writeString(reportFile, json + System.lineSeparator());
			}
			catch (IOException ex) {
				throw new UncheckedIOException("cannot write eventbus.sample.load.report-file=" + reportFile, ex);
			}
		}
		if (this.properties.isExit()) {
			int code = report.passed() ? 0 : EXIT_FAILED;
			logger.info("load: run " + report.runId() + (report.passed() ? " passed" : " FAILED") + "; exiting with "
					+ code);
			System.exit(SpringApplication.exit(this.context, () -> code));
		}
	}

}

package dev.eventbus.sample.load;

import java.nio.file.Path;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Load / verify mode settings ({@code eventbus.sample.load.*}). With {@code events} above 0 the app
 * runs one load at start-up, prints the report and exits; {@code POST /load} runs one on demand with
 * these values as defaults.
 */
@ConfigurationProperties("eventbus.sample.load")
public class LoadProperties {

	/**
	 * What this process does: verify (publish and verify the handling here), publish (publish and
	 * wait for the acknowledgements only) or consume (handle and journal load events from start-up
	 * until stopped, publish nothing); publish and consume split a run over several processes.
	 */
	private Mode mode = Mode.VERIFY;

	/**
	 * Number of events to publish at start-up, then print the report and exit; 0 leaves the app
	 * running normally.
	 */
	private long events = 0;

	/** Number of distinct keys (aggregates) the events are spread over, round robin. */
	private int keys = 1000;

	/** Approximate size of each event's JSON payload, in bytes. */
	private int payloadBytes = 100;

	/** Publish rate in events per second; 0 publishes as fast as the bus accepts. */
	private int rate = 0;

	/** Topic the load is published to and consumed from. */
	private String topic = "eventbus-load";

	/** Consumer group of the verifying handler. */
	private String group = "load-verifier";

	/** Longest wait for every acknowledged event to be handled after the last publish. */
	private Duration timeout = Duration.ofMinutes(5);

	/** Simulated work per handled event (0: none). */
	private Duration handlerWork = Duration.ZERO;

	/** Whether the application exits after a start-up load run (exit code 0 on a clean run, 2 otherwise). */
	private boolean exit = true;

	/** File to write the JSON report of a start-up run to; none by default. */
	private @Nullable Path reportFile;

	/**
	 * Folder for the journals of this process: {@code published-<pid>.log} (accepted publishes) and
	 * {@code handled-<pid>.log} (every delivery, written before the handler returns); none by default.
	 */
	private @Nullable Path journalDir;

	public Mode getMode() {
		return this.mode;
	}

	public void setMode(Mode mode) {
		this.mode = mode;
	}

	public long getEvents() {
		return this.events;
	}

	public void setEvents(long events) {
		this.events = events;
	}

	public int getKeys() {
		return this.keys;
	}

	public void setKeys(int keys) {
		this.keys = keys;
	}

	public int getPayloadBytes() {
		return this.payloadBytes;
	}

	public void setPayloadBytes(int payloadBytes) {
		this.payloadBytes = payloadBytes;
	}

	public int getRate() {
		return this.rate;
	}

	public void setRate(int rate) {
		this.rate = rate;
	}

	public String getTopic() {
		return this.topic;
	}

	public void setTopic(String topic) {
		this.topic = topic;
	}

	public String getGroup() {
		return this.group;
	}

	public void setGroup(String group) {
		this.group = group;
	}

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

	public Duration getHandlerWork() {
		return this.handlerWork;
	}

	public void setHandlerWork(Duration handlerWork) {
		this.handlerWork = handlerWork;
	}

	public boolean isExit() {
		return this.exit;
	}

	public void setExit(boolean exit) {
		this.exit = exit;
	}

	public @Nullable Path getReportFile() {
		return this.reportFile;
	}

	public void setReportFile(@Nullable Path reportFile) {
		this.reportFile = reportFile;
	}

	public @Nullable Path getJournalDir() {
		return this.journalDir;
	}

	public void setJournalDir(@Nullable Path journalDir) {
		this.journalDir = journalDir;
	}

	/** Role of this process in a load run. */
	public enum Mode {

		/** Publish, then verify the handling in this process. */
		VERIFY,

		/** Publish and wait for the acknowledgements; another process consumes. */
		PUBLISH,

		/** Consume and journal from start-up until stopped; another process publishes. */
		CONSUME

	}

}

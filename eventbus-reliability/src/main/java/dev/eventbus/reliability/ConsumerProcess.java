package dev.eventbus.reliability;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A {@link ConsumerMain} in its own JVM, launched with this JVM's classpath. The same instance can
 * be killed (SIGKILL) and started again: every run appends to the same journal, told apart by pid.
 *
 * <p>Not thread-safe: driven by the test thread.
 */
public final class ConsumerProcess implements AutoCloseable {

	private final String name;

	private final Path journal;

	private final String heap;

	private final Map<String, String> arguments;

	private final ChildProcess process;

	private int starts;

	/**
	 * @param dir folder for the journal and the JVM's output
	 * @param name unique name within the folder, for example {@code consumer-1}
	 * @param heap {@code -Xmx} value, for example {@code 256m}
	 * @param arguments {@link ConsumerMain} arguments without {@code journal}
	 */
	public ConsumerProcess(Path dir, String name, String heap, Map<String, String> arguments) {
		this.name = name;
		this.journal = dir.resolve(name + ".journal");
		this.heap = heap;
		this.arguments = new LinkedHashMap<>(arguments);
		this.arguments.put("journal", this.journal.toString());
		this.process = new ChildProcess(name, dir.resolve(name + ".log"));
	}

	/** @return the journal this consumer appends to */
	public Path journal() {
		return this.journal;
	}

	/** @return the JVM's output file */
	public Path log() {
		return this.process.log();
	}

	/** Starts (or restarts) the JVM; it subscribes on its own, see the journal's {@code S} records. */
	public void start() {
		this.starts++;
		List<String> command = new ArrayList<>(List.of(ChildProcess.javaExecutable(), "-Xmx" + this.heap,
				"-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:+ExitOnOutOfMemoryError",
				"-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Dorg.slf4j.simpleLogger.showDateTime=true",
				"-cp", System.getProperty("java.class.path"), ConsumerMain.class.getName()));
		this.arguments.forEach((key, value) -> command.add(key + "=" + value));
		this.process.launch(command);
	}

	/** SIGKILL: no shutdown hook runs, nothing in flight is committed. */
	public void kill() {
		this.process.kill();
	}

	/**
	 * SIGTERM: the consumer closes its bus (drain and commit) in a shutdown hook.
	 * @param grace how long to wait before SIGKILL
	 * @return whether it exited within the grace period
	 */
	public boolean stop(Duration grace) {
		return this.process.stop(grace);
	}

	/** @return whether the JVM runs */
	public boolean isAlive() {
		return this.process.isAlive();
	}

	/** @return pid of the current or last JVM */
	public long pid() {
		return this.process.pid();
	}

	/** @return exit code of the last JVM, or null while it runs */
	public @Nullable Integer exitCode() {
		return this.process.exitCode();
	}

	/** @return how often this consumer was started */
	public int starts() {
		return this.starts;
	}

	/** @return the last lines of the JVM's output, for failure messages */
	public String tail() {
		return KafkaBroker.tail(log());
	}

	@Override
	public void close() {
		this.process.stop(Duration.ofSeconds(20));
	}

	@Override
	public String toString() {
		return this.name + "(starts " + this.starts + ", alive " + isAlive() + ")";
	}

}

package dev.eventbus.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * One operating-system process started by the suite, with its output appended to a log file.
 * {@link #kill()} is SIGKILL on Linux ({@link Process#destroyForcibly()}), {@link #stop(Duration)}
 * is SIGTERM followed by SIGKILL after the grace period. Only the process started here is ever
 * signalled, by its own handle.
 *
 * <p>Not thread-safe: driven by the test thread.
 */
class ChildProcess implements AutoCloseable {

	private final String name;

	private final Path log;

	private @Nullable Process process;

	ChildProcess(String name, Path log) {
		this.name = name;
		this.log = log;
	}

	/**
	 * Starts the command; a process started earlier must be dead.
	 * @param command the command line
	 */
	void launch(List<String> command) {
		if (this.process != null && this.process.isAlive()) {
			throw new IllegalStateException(this.name + " is already running (pid " + this.process.pid() + ")");
		}
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(this.log.toFile()));
		try {
			this.process = builder.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("could not start " + this.name + ": " + command, ex);
		}
	}

	/** @return the name given at construction, for messages */
	String name() {
		return this.name;
	}

	/** @return the file the process writes its output to */
	Path log() {
		return this.log;
	}

	/** @return whether the process runs */
	boolean isAlive() {
		return this.process != null && this.process.isAlive();
	}

	/** @return pid of the current or last process */
	long pid() {
		if (this.process == null) {
			throw new IllegalStateException(this.name + " was never started");
		}
		return this.process.pid();
	}

	/** Sends SIGKILL and waits until the process is gone. */
	void kill() {
		Process current = this.process;
		if (current == null || !current.isAlive()) {
			return;
		}
		current.destroyForcibly();
		awaitExit(current, Duration.ofSeconds(30));
	}

	/**
	 * Sends SIGTERM, waits up to the grace period, then SIGKILL.
	 * @param grace how long the process may take to shut down
	 * @return whether it exited on its own within the grace period
	 */
	boolean stop(Duration grace) {
		Process current = this.process;
		if (current == null || !current.isAlive()) {
			return true;
		}
		current.destroy();
		if (waitFor(current, grace)) {
			return true;
		}
		kill();
		return false;
	}

	/** @return the exit code, or null while running */
	@Nullable Integer exitCode() {
		Process current = this.process;
		return (current == null || current.isAlive()) ? null : current.exitValue();
	}

	@Override
	public void close() {
		kill();
	}

	private void awaitExit(Process current, Duration timeout) {
		if (!waitFor(current, timeout)) {
			throw new IllegalStateException(this.name + " (pid " + current.pid() + ") did not exit within " + timeout);
		}
	}

	private static boolean waitFor(Process current, Duration timeout) {
		try {
			return current.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/** @return the java launcher of the running JVM */
	static String javaExecutable() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

}

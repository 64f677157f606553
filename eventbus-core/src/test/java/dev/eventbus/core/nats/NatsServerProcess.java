package dev.eventbus.core.nats;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

/**
 * A real {@code nats-server} with JetStream for tests: free port, temporary store directory
 * ({@code -sd}), optional authentication arguments; {@link #stop()} and {@link #start()} again keep
 * the port and the store, so a restart finds the streams and consumers it had. Finds the binary at
 * {@code /usr/sbin/nats-server}, {@code $NATS_SERVER} or on the {@code PATH}.
 */
public final class NatsServerProcess implements AutoCloseable {

	private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

	private final Path binary;

	private final Path storeDir;

	private final Path logFile;

	private final int port;

	private final List<String> extraArgs;

	private @Nullable Process process;

	private NatsServerProcess(List<String> extraArgs) {
		this.binary = findBinary();
		this.extraArgs = List.copyOf(extraArgs);
		try {
			this.storeDir = Files.createTempDirectory("eventbus-nats-store");
			this.logFile = Files.createTempFile("eventbus-nats", ".log");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.port = freePort();
	}

	/**
	 * Starts a server.
	 * @param extraArgs more server arguments, such as {@code --user u --pass p}
	 * @return the running server
	 */
	public static NatsServerProcess launch(String... extraArgs) {
		NatsServerProcess server = new NatsServerProcess(List.of(extraArgs));
		server.start();
		return server;
	}

	/** @return {@code nats://127.0.0.1:<port>} */
	public String url() {
		return "nats://127.0.0.1:" + this.port;
	}

	/** @return the port */
	public int port() {
		return this.port;
	}

	/** Starts (again) on the same port and store directory; waits until the port accepts. */
	public synchronized void start() {
		if (this.process != null && this.process.isAlive()) {
			return;
		}
		List<String> command = new ArrayList<>(List.of(this.binary.toString(), "-a", "127.0.0.1", "-p",
				Integer.toString(this.port), "-js", "-sd", this.storeDir.toString()));
		command.addAll(this.extraArgs);
		try {
			this.process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(this.logFile.toFile()))
				.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("could not start " + command, ex);
		}
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException("nats-server exited with " + this.process.exitValue() + "; log:\n"
						+ log());
			}
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", this.port), 200);
				if (log().contains("Server is ready")) {
					return;
				}
			}
			catch (IOException notYet) {
				// not accepting yet
			}
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("interrupted while starting nats-server", ex);
			}
		}
		throw new IllegalStateException("nats-server did not accept connections on port " + this.port + " within "
				+ START_TIMEOUT + "; log:\n" + log());
	}

	/** Stops the server (SIGTERM, then SIGKILL), keeping the store directory. */
	public synchronized void stop() {
		Process running = this.process;
		this.process = null;
		if (running == null) {
			return;
		}
		running.destroy();
		try {
			if (!running.waitFor(10, TimeUnit.SECONDS)) {
				running.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Stops the server and deletes its store directory. */
	@Override
	public void close() {
		stop();
		try (Stream<Path> files = Files.walk(this.storeDir)) {
			files.sorted(Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
		}
		catch (IOException ex) {
			// best effort
		}
		this.logFile.toFile().delete();
	}

	/** @return the server's log so far */
	public String log() {
		try {
			return Files.readString(this.logFile);
		}
		catch (IOException ex) {
			return "(no log: " + ex + ")";
		}
	}

	private static Path findBinary() {
		List<Path> candidates = new ArrayList<>();
		String explicit = System.getenv("NATS_SERVER");
		if (explicit != null && !explicit.isBlank()) {
			candidates.add(Path.of(explicit));
		}
		candidates.add(Path.of("/usr/sbin/nats-server"));
		candidates.add(Path.of("/usr/bin/nats-server"));
		String path = System.getenv("PATH");
		if (path != null) {
			for (String dir : path.split(java.io.File.pathSeparator)) {
				candidates.add(Path.of(dir, "nats-server"));
			}
		}
		for (Path candidate : candidates) {
			if (Files.isExecutable(candidate)) {
				return candidate;
			}
		}
		throw new IllegalStateException("nats-server not found at /usr/sbin/nats-server, $NATS_SERVER or on the "
				+ "PATH. Install it (Debian/Ubuntu: 'sudo apt-get install nats-server'; or download a release from "
				+ "https://github.com/nats-io/nats-server/releases) and rerun");
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			socket.setReuseAddress(true);
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}

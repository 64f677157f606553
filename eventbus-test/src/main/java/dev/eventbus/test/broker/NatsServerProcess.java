package dev.eventbus.test.broker;

import java.io.File;
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
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

/**
 * A real {@code nats-server} process with JetStream for tests: a free loopback port, a store
 * directory of its own and a generated configuration file. {@link #stop()} (SIGTERM) or
 * {@link #kill()} (SIGKILL) and then {@link #start()} again keep the port and the store, so a
 * restart finds the streams and consumers it had.
 *
 * <p>The binary is {@code $NATS_SERVER}, the {@code eventbus.test.nats-server} system property,
 * {@code /usr/sbin/nats-server}, {@code /usr/bin/nats-server} or the first on the {@code PATH};
 * {@link #installed()} lets a test skip where there is none.
 *
 * <pre>{@code
 * try (NatsServerProcess server = NatsServerProcess.launch()) {
 *     NatsEventBus bus = NatsEventBus.builder(NatsOptions.builder().servers(server.url()).build()).build();
 * }
 * }</pre>
 */
public final class NatsServerProcess implements AutoCloseable {

	private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

	private final Path binary;

	private final Path dir;

	private final boolean ownsDir;

	private final Path config;

	private final Path logFile;

	private final int port;

	private final List<String> extraArgs;

	private @Nullable Process process;

	private NatsServerProcess(@Nullable Path dir, int maxPayload, List<String> extraArgs) {
		this(dir, maxPayload, true, extraArgs);
	}

	private NatsServerProcess(@Nullable Path dir, int maxPayload, boolean jetStream, List<String> extraArgs) {
		this.binary = findBinary().orElseThrow(() -> new IllegalStateException("nats-server not found ($NATS_SERVER, "
				+ "-Deventbus.test.nats-server, /usr/sbin/nats-server or the PATH). Install it (Debian/Ubuntu: "
				+ "'sudo apt-get install nats-server'; or a release from https://github.com/nats-io/nats-server/releases) "
				+ "and rerun"));
		this.extraArgs = List.copyOf(extraArgs);
		this.port = freePort();
		try {
			this.ownsDir = (dir == null);
			this.dir = (dir != null) ? Files.createDirectories(dir) : Files.createTempDirectory("eventbus-nats");
			Path store = Files.createDirectories(this.dir.resolve("store"));
			this.logFile = this.dir.resolve("nats-server.log");
			this.config = this.dir.resolve("nats.conf");
			List<String> lines = new ArrayList<>(List.of("host: 127.0.0.1", "port: " + this.port));
			if (maxPayload > 0) {
				lines.add("max_payload: " + maxPayload);
			}
			if (jetStream) {
				lines.addAll(List.of("jetstream {", "  store_dir: \"" + store + "\"", "  max_memory_store: 268435456",
						"  max_file_store: 4294967296", "}"));
			}
			lines.add("");
			Files.writeString(this.config, String.join("\n", lines));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("could not prepare the nats-server folder", ex);
		}
	}

	/**
	 * Starts a server in a temporary folder that {@link #close()} deletes.
	 * @param extraArgs more server arguments, such as {@code --user u --pass p}
	 * @return the running server
	 */
	public static NatsServerProcess launch(String... extraArgs) {
		NatsServerProcess server = new NatsServerProcess(null, 0, List.of(extraArgs));
		server.start();
		return server;
	}

	/**
	 * Starts a server without JetStream (core NATS only), in a temporary folder that {@link #close()}
	 * deletes: what a bus meets when a user forgot {@code -js}.
	 * @return the running server
	 */
	public static NatsServerProcess launchWithoutJetStream() {
		NatsServerProcess server = new NatsServerProcess(null, 0, false, List.of());
		server.start();
		return server;
	}

	/**
	 * Prepares, without starting, a server whose configuration, store and log live in {@code dir}
	 * (kept by {@link #close()}, for post-mortems).
	 * @param dir the server's folder
	 * @param maxPayload the largest message the server accepts ({@code max_payload}), 0 for its default
	 * @param extraArgs more server arguments
	 * @return the server, not started
	 */
	public static NatsServerProcess prepare(Path dir, int maxPayload, String... extraArgs) {
		return new NatsServerProcess(dir, maxPayload, List.of(extraArgs));
	}

	/** @return whether a {@code nats-server} binary is installed, so a test can skip where not */
	public static boolean installed() {
		return findBinary().isPresent();
	}

	/** @return {@code nats://127.0.0.1:<port>} */
	public String url() {
		return "nats://127.0.0.1:" + this.port;
	}

	/** @return the port */
	public int port() {
		return this.port;
	}

	/**
	 * A plain jnats connection to this server (no reconnects) for a test's raw publishes and checks;
	 * the caller closes it. Needs {@code io.nats:jnats} on the test class path.
	 * @return the connection
	 * @throws IOException if the server cannot be reached
	 * @throws InterruptedException if interrupted while connecting
	 */
	public io.nats.client.Connection connect() throws IOException, InterruptedException {
		return io.nats.client.Nats.connect(new io.nats.client.Options.Builder().server(url())
			.connectionTimeout(Duration.ofSeconds(3))
			.noReconnect()
			.build());
	}

	/** @return whether the process runs */
	public synchronized boolean isAlive() {
		return this.process != null && this.process.isAlive();
	}

	/** Starts (again) on the same port and store; waits until the server reports it is ready. */
	public synchronized void start() {
		if (isAlive()) {
			return;
		}
		int logged = log().length();
		List<String> command = new ArrayList<>(List.of(this.binary.toString(), "-c", this.config.toString()));
		command.addAll(this.extraArgs);
		Process started;
		try {
			started = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(this.logFile.toFile()))
				.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("could not start " + command, ex);
		}
		this.process = started;
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		while (System.nanoTime() < deadline) {
			if (!started.isAlive()) {
				throw new IllegalStateException("nats-server exited with " + started.exitValue() + "; log:\n" + log());
			}
			if (accepts() && log().indexOf("Server is ready", logged) >= 0) {
				return;
			}
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("interrupted while starting nats-server", ex);
			}
		}
		throw new IllegalStateException("nats-server did not get ready on port " + this.port + " within "
				+ START_TIMEOUT + "; log:\n" + log());
	}

	private boolean accepts() {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.port), 200);
			return true;
		}
		catch (IOException notYet) {
			return false;
		}
	}

	/**
	 * Freezes the server (SIGSTOP): connections stay open, nothing is answered (no PubAck, no ping)
	 * until {@link #resume()}; what a client meets when a server stalls on a loaded machine.
	 */
	public synchronized void pause() {
		signal("STOP");
	}

	/** Lets a {@link #pause() paused} server run again (SIGCONT). */
	public synchronized void resume() {
		signal("CONT");
	}

	private void signal(String name) {
		Process running = this.process;
		if (running == null) {
			throw new IllegalStateException("nats-server is not running");
		}
		try {
			Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(running.pid())).inheritIO().start();
			if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
				throw new IllegalStateException("kill -" + name + " " + running.pid() + " failed");
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("could not send SIG" + name + " to nats-server", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while sending SIG" + name + " to nats-server", ex);
		}
	}

	/** Stops the server (SIGTERM, then SIGKILL after 10 s), keeping the store. */
	public synchronized void stop() {
		end(false);
	}

	/** Kills the server (SIGKILL), keeping the store. */
	public synchronized void kill() {
		end(true);
	}

	private void end(boolean forcibly) {
		Process running = this.process;
		this.process = null;
		if (running == null) {
			return;
		}
		try {
			if (!forcibly && running.isAlive()) {
				// a paused server acts on SIGTERM only once it runs again
				try {
					new ProcessBuilder("kill", "-CONT", Long.toString(running.pid())).start().waitFor(10, TimeUnit.SECONDS);
				}
				catch (IOException ex) {
					// SIGKILL after 10 s below ends it anyway
				}
			}
			if (forcibly) {
				running.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
			else {
				running.destroy();
				if (!running.waitFor(10, TimeUnit.SECONDS)) {
					running.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Stops the server; deletes its folder if {@link #launch} made it. */
	@Override
	public void close() {
		stop();
		if (!this.ownsDir) {
			return;
		}
		try (Stream<Path> files = Files.walk(this.dir)) {
			files.sorted(Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
		}
		catch (IOException ex) {
			// best effort
		}
	}

	/** @return the server's output file */
	public Path logFile() {
		return this.logFile;
	}

	/** @return the server's output so far */
	public String log() {
		try {
			return Files.exists(this.logFile) ? Files.readString(this.logFile) : "";
		}
		catch (IOException ex) {
			return "(no log: " + ex + ")";
		}
	}

	private static Optional<Path> findBinary() {
		List<Path> candidates = new ArrayList<>();
		String explicit = System.getenv("NATS_SERVER");
		if (explicit != null && !explicit.isBlank()) {
			candidates.add(Path.of(explicit));
		}
		String property = System.getProperty("eventbus.test.nats-server");
		if (property != null && !property.isBlank()) {
			candidates.add(Path.of(property));
		}
		candidates.add(Path.of("/usr/sbin/nats-server"));
		candidates.add(Path.of("/usr/bin/nats-server"));
		String path = System.getenv("PATH");
		if (path != null) {
			for (String entry : path.split(File.pathSeparator)) {
				candidates.add(Path.of(entry, "nats-server"));
			}
		}
		return candidates.stream().filter(Files::isExecutable).findFirst();
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

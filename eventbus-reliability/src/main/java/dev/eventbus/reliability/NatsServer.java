package dev.eventbus.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;

/**
 * A {@code nats-server} process with JetStream on a free loopback port and a store dir of its own.
 * {@link #kill()} is SIGKILL; {@link #start()} afterwards restarts on the same port and store dir.
 *
 * <p>Not thread-safe: driven by the test thread.
 */
public final class NatsServer implements AutoCloseable {

	/** Binary used unless the {@code reliability.nats-server} system property names another. */
	public static final String DEFAULT_BINARY = "/usr/sbin/nats-server";

	/** Largest message the server accepts ({@code max_payload}). */
	public static final int MAX_PAYLOAD_BYTES = 262_144;

	private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

	private final Path config;

	private final int port;

	private final ChildProcess process;

	/**
	 * Prepares (but does not start) a server in the given folder.
	 * @param dir state folder: config, JetStream store, server output
	 */
	public NatsServer(Path dir) {
		this.port = Ports.free();
		this.config = dir.resolve("nats.conf");
		this.process = new ChildProcess("nats-server", dir.resolve("nats-server.log"));
		try {
			Files.createDirectories(dir.resolve("store"));
			Files.writeString(this.config, String.join("\n", "host: 127.0.0.1", "port: " + this.port,
					"max_payload: " + MAX_PAYLOAD_BYTES, "jetstream {", "  store_dir: \"" + dir.resolve("store") + "\"",
					"  max_memory_store: 268435456", "  max_file_store: 4294967296", "}", ""));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("could not prepare the nats-server folder " + dir, ex);
		}
	}

	/** @return whether the binary exists, so tests can be skipped where it is not installed */
	public static boolean installed() {
		return Files.isExecutable(Path.of(binary()));
	}

	private static String binary() {
		return System.getProperty("reliability.nats-server", DEFAULT_BINARY);
	}

	/** @return {@code nats://127.0.0.1:<port>} */
	public String url() {
		return "nats://127.0.0.1:" + this.port;
	}

	/** @return the server's output file */
	public Path log() {
		return this.process.log();
	}

	/** @return whether the server process runs */
	public boolean isAlive() {
		return this.process.isAlive();
	}

	/** Starts (or restarts) the server and waits until JetStream answers. */
	public void start() {
		this.process.launch(List.of(binary(), "-c", this.config.toString()));
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		Exception last = null;
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException("nats-server exited during start-up (exit " + this.process.exitCode()
						+ "); see " + log() + ":\n" + KafkaBroker.tail(log()));
			}
			if (Ports.open(this.port)) {
				try (Connection connection = connect()) {
					connection.jetStreamManagement().getAccountStatistics();
					return;
				}
				catch (Exception ex) {
					last = ex;
				}
			}
			KafkaBroker.pause(100);
		}
		throw new IllegalStateException("nats-server is not ready after " + START_TIMEOUT + " on " + url()
				+ " (last error: " + last + "); see " + log());
	}

	/**
	 * A plain connection to this server for the tests' raw publishes and checks; close it.
	 * @return the connection
	 * @throws IOException if the server cannot be reached
	 * @throws InterruptedException if interrupted while connecting
	 */
	public Connection connect() throws IOException, InterruptedException {
		return Nats.connect(new Options.Builder().server(url()).connectionTimeout(Duration.ofSeconds(3))
			.maxReconnects(0).noReconnect().build());
	}

	/** SIGKILL. */
	public void kill() {
		this.process.kill();
	}

	@Override
	public void close() {
		this.process.stop(Duration.ofSeconds(10));
	}

}

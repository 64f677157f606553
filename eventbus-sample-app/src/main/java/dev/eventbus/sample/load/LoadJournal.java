package dev.eventbus.sample.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Append-only CSV journals of one process, for verifiers that run outside it (crash tests): every
 * accepted publish goes to {@code published-<pid>.log} and every delivery to
 * {@code handled-<pid>.log}. Each line is written to the file (not buffered in the JVM) before the
 * call returns, so a process killed with SIGKILL loses no line of an event it acknowledged or handled.
 *
 * <p>Lines: {@code published: run,eventId,key,seq,ackedAtMicros} and
 * {@code handled: run,eventId,key,seq,handledAtMicros,attempt}. Thread-safe: publisher callbacks
 * and handler workers append concurrently; {@link FileChannel} serializes the writes.
 */
final class LoadJournal implements AutoCloseable {

	private final Path published;

	private final Path handled;

	private final FileChannel publishedChannel;

	private final FileChannel handledChannel;

	LoadJournal(Path dir) {
		try {
			Files.createDirectories(dir);
			long pid = ProcessHandle.current().pid();
			this.published = dir.resolve("published-" + pid + ".log");
			this.handled = dir.resolve("handled-" + pid + ".log");
			this.publishedChannel = FileChannel.open(this.published, StandardOpenOption.CREATE,
					StandardOpenOption.WRITE, StandardOpenOption.APPEND);
			this.handledChannel = FileChannel.open(this.handled, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
					StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot open the load journal in eventbus.sample.load.journal-dir=" + dir
					+ ": " + ex.getMessage(), ex);
		}
	}

	void published(String run, String eventId, String key, long seq, long ackedAtMicros) {
		write(this.publishedChannel, run + "," + eventId + "," + key + "," + seq + "," + ackedAtMicros + "\n");
	}

	void handled(String run, String eventId, String key, long seq, long handledAtMicros, int attempt) {
		write(this.handledChannel,
				run + "," + eventId + "," + key + "," + seq + "," + handledAtMicros + "," + attempt + "\n");
	}

	Path publishedFile() {
		return this.published;
	}

	Path handledFile() {
		return this.handled;
	}

	private static void write(FileChannel channel, String line) {
		ByteBuffer buffer = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
		try {
			while (buffer.hasRemaining()) {
				channel.write(buffer);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot append to the load journal: " + ex.getMessage(), ex);
		}
	}

	@Override
	public void close() throws IOException {
		try (this.publishedChannel; this.handledChannel) {
			this.publishedChannel.force(false);
			this.handledChannel.force(false);
		}
	}

}

package dev.eventbus.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Append-only journal file, one comma-separated record per line. Every {@link #append} reaches the
 * operating system (one {@code write} call) before it returns, so a record survives a SIGKILL of the
 * writing JVM the moment the call returned. Records are never torn in the middle of a line by
 * concurrent writers.
 *
 * <p>Record kinds (first field):
 * <ul>
 * <li>{@code H,eventId,key,seq,sentAtMillis,startMicros,endMicros,pid,attempt}: a consumer handled
 * an event; written by the handler before it returns, so before the commit/ack.</li>
 * <li>{@code A,eventId,key,seq}: a publish was acknowledged by the broker.</li>
 * <li>{@code F,eventId,key,seq,exceptionClass,message}: a publish failed with that exception.</li>
 * <li>{@code T,epochMillis,pid,liveThreads,heapUsedBytes}: a consumer's periodic resource sample.</li>
 * <li>{@code S,epochMillis,pid,state}: a consumer lifecycle mark (subscribed, closing, closed).</li>
 * </ul>
 *
 * <p>Thread-safe: any thread may append; writes are serialized on this object.
 */
public final class Journal implements AutoCloseable {

	private final FileChannel channel;

	/**
	 * Opens (creating or appending to) a journal file.
	 * @param file the file
	 */
	public Journal(Path file) {
		try {
			this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
					StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("could not open journal " + file, ex);
		}
	}

	/**
	 * Appends one record; fields must not contain commas or line breaks (see {@link #clean}).
	 * @param fields the record's fields
	 */
	public void append(Object... fields) {
		StringBuilder line = new StringBuilder(96);
		for (int i = 0; i < fields.length; i++) {
			if (i > 0) {
				line.append(',');
			}
			line.append(fields[i]);
		}
		line.append('\n');
		ByteBuffer buffer = ByteBuffer.wrap(line.toString().getBytes(StandardCharsets.UTF_8));
		synchronized (this) {
			try {
				while (buffer.hasRemaining()) {
					this.channel.write(buffer);
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException("could not append to the journal", ex);
			}
		}
	}

	/**
	 * Makes free text safe for one field.
	 * @param text any text, may be null
	 * @return the text without commas and line breaks, at most 300 characters
	 */
	public static String clean(Object text) {
		String value = String.valueOf(text).replace(',', ';').replace('\n', ' ').replace('\r', ' ');
		return (value.length() > 300) ? value.substring(0, 300) : value;
	}

	/** @return microseconds since the epoch, comparable across the JVMs of one machine */
	public static long nowMicros() {
		java.time.Instant now = java.time.Instant.now();
		return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
	}

	@Override
	public synchronized void close() {
		try {
			this.channel.close();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}

package dev.eventbus.core.kafka;

import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.BiConsumer;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;

/**
 * A consumed record's headers as the read-only, insertion-ordered {@code Map<String, String>} of a
 * {@link dev.eventbus.core.codec.WireMessage}, decoded on first use rather than on the poll thread.
 * The poll thread only wraps the record's {@link Headers}; the worker that decodes the event turns
 * the names and UTF-8 values into strings once, into two arrays (a handful of headers: a linear scan
 * beats hashing freshly built strings). The content is what a {@code LinkedHashMap} filled in header
 * order would hold: a repeated name keeps its first position and its last value, a null value reads
 * as the empty string.
 *
 * <p>Threads: built by the poll thread and handed to a worker through the keyed executor; the
 * first reader decodes under this map's lock (the Kafka header objects decode their keys lazily and
 * are not thread-safe), and the decoded arrays are published through a final-field holder, so later
 * readers on any thread (a handler passing {@code EventContext.transportHeaders()} on) need no lock.
 */
final class KafkaHeaderMap extends AbstractMap<String, String> {

	private final Headers headers;

	private volatile @Nullable Decoded decoded;

	private @Nullable Set<Map.Entry<String, String>> entries;

	KafkaHeaderMap(Headers headers) {
		this.headers = headers;
	}

	/** The decoded names and values, in first-seen order; never changed after construction. */
	private static final class Decoded {

		final String[] names;

		final String[] values;

		final int size;

		Decoded(String[] names, String[] values, int size) {
			this.names = names;
			this.values = values;
			this.size = size;
		}

	}

	private Decoded decoded() {
		Decoded current = this.decoded;
		return (current != null) ? current : decode();
	}

	private synchronized Decoded decode() {
		Decoded current = this.decoded;
		if (current != null) {
			return current;
		}
		Header[] array = this.headers.toArray();
		String[] names = new String[array.length];
		String[] values = new String[array.length];
		int size = 0;
		for (Header header : array) {
			String name = header.key();
			byte[] bytes = header.value();
			String value = (bytes != null) ? new String(bytes, StandardCharsets.UTF_8) : "";
			int index = indexOf(names, size, name);
			if (index >= 0) {
				values[index] = value;
			}
			else {
				names[size] = name;
				values[size] = value;
				size++;
			}
		}
		current = new Decoded(names, values, size);
		this.decoded = current;
		return current;
	}

	private static int indexOf(String[] names, int size, @Nullable Object name) {
		for (int i = 0; i < size; i++) {
			if (names[i].equals(name)) {
				return i;
			}
		}
		return -1;
	}

	@Override
	public @Nullable String get(@Nullable Object name) {
		Decoded current = decoded();
		int index = indexOf(current.names, current.size, name);
		return (index >= 0) ? current.values[index] : null;
	}

	@Override
	public boolean containsKey(@Nullable Object name) {
		Decoded current = decoded();
		return indexOf(current.names, current.size, name) >= 0;
	}

	@Override
	public int size() {
		return decoded().size;
	}

	@Override
	public void forEach(BiConsumer<? super String, ? super String> action) {
		Decoded current = decoded();
		for (int i = 0; i < current.size; i++) {
			action.accept(current.names[i], current.values[i]);
		}
	}

	@Override
	public Set<Map.Entry<String, String>> entrySet() {
		Set<Map.Entry<String, String>> set = this.entries;
		if (set == null) {
			set = new EntrySet();
			this.entries = set;
		}
		return set;
	}

	@Override
	public String toString() {
		Decoded current = decoded();
		StringBuilder text = new StringBuilder("{");
		for (int i = 0; i < current.size; i++) {
			text.append((i > 0) ? ", " : "").append(current.names[i]).append('=').append(current.values[i]);
		}
		return text.append('}').toString();
	}

	/** Read-only view in header order; its iterator does not support {@code remove}. */
	private final class EntrySet extends AbstractSet<Map.Entry<String, String>> {

		@Override
		public int size() {
			return KafkaHeaderMap.this.size();
		}

		@Override
		public Iterator<Map.Entry<String, String>> iterator() {
			Decoded current = decoded();
			return new Iterator<>() {

				private int next;

				@Override
				public boolean hasNext() {
					return this.next < current.size;
				}

				@Override
				public Map.Entry<String, String> next() {
					if (this.next >= current.size) {
						throw new NoSuchElementException();
					}
					int index = this.next++;
					return new SimpleImmutableEntry<>(current.names[index], current.values[index]);
				}

			};
		}

	}

}

package dev.eventbus.core.codec;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * How CloudEvents attributes are named in transport headers (binary content mode).
 */
public enum HeaderStyle {

	/** Kafka protocol binding: {@code ce_id}, {@code ce_type}, ... and {@code content-type}. */
	KAFKA("ce_", "content-type"),

	/** NATS binding: {@code ce-id}, {@code ce-type}, ... and {@code content-type}. */
	NATS("ce-", "content-type");

	/** Header names kept built at most; beyond them (many distinct extension names) they are built per call. */
	private static final int MAX_CACHED_NAMES = 256;

	private final String prefix;

	private final String contentTypeHeader;

	/**
	 * Header names already built, so that encoding an event does not concatenate a new string per
	 * attribute; bounded by the attribute and extension names an application uses.
	 */
	private final ConcurrentMap<String, String> names = new ConcurrentHashMap<>();

	HeaderStyle(String prefix, String contentTypeHeader) {
		this.prefix = prefix;
		this.contentTypeHeader = contentTypeHeader;
	}

	/** @return the attribute prefix, {@code ce_} or {@code ce-} */
	public String prefix() {
		return this.prefix;
	}

	/** @return the header that carries the data content type */
	public String contentTypeHeader() {
		return this.contentTypeHeader;
	}

	/**
	 * @param attribute a CloudEvents attribute name such as {@code id}
	 * @return the header name, such as {@code ce_id}
	 */
	public String header(String attribute) {
		String name = this.names.get(attribute);
		if (name == null) {
			name = this.prefix + attribute;
			if (this.names.size() < MAX_CACHED_NAMES) {
				this.names.putIfAbsent(attribute, name);
			}
		}
		return name;
	}

}

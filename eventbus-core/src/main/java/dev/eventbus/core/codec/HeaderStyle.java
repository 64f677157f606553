package dev.eventbus.core.codec;

/**
 * How CloudEvents attributes are named in transport headers (binary content mode).
 */
public enum HeaderStyle {

	/** Kafka protocol binding: {@code ce_id}, {@code ce_type}, ... and {@code content-type}. */
	KAFKA("ce_", "content-type"),

	/** NATS binding: {@code ce-id}, {@code ce-type}, ... and {@code content-type}. */
	NATS("ce-", "content-type");

	private final String prefix;

	private final String contentTypeHeader;

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
		return this.prefix + attribute;
	}

}

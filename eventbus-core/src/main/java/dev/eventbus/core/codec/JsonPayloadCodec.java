package dev.eventbus.core.codec;

import java.util.Objects;

import dev.eventbus.core.api.SerializationException;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON payloads through Jackson 3, content type {@value #CONTENT_TYPE}. A {@code byte[]} payload
 * passes through unchanged in both directions.
 *
 * <p>The default mapper is Jackson 3's defaults (java.time types built in, dates written as
 * ISO-8601 strings) with {@link DeserializationFeature#FAIL_ON_UNKNOWN_PROPERTIES} turned off, so a
 * consumer keeps reading events after a producer adds a field. Thread-safe.
 */
public final class JsonPayloadCodec implements PayloadCodec {

	/** The content type written to the {@code content-type} header. */
	public static final String CONTENT_TYPE = "application/json";

	/** Longest part of Jackson's error message copied into a {@link SerializationException}. */
	private static final int MAX_DETAIL_LENGTH = 200;

	private final JsonMapper mapper;

	/** A codec with the default mapper described in the class documentation. */
	public JsonPayloadCodec() {
		this(defaultMapper());
	}

	/**
	 * @param mapper the mapper to use, for example Spring Boot's auto-configured one
	 */
	public JsonPayloadCodec(JsonMapper mapper) {
		this.mapper = Objects.requireNonNull(mapper, "mapper must not be null");
	}

	/**
	 * The mapper used by {@link #JsonPayloadCodec()}.
	 * @return a new mapper
	 */
	public static JsonMapper defaultMapper() {
		return JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
	}

	/** @return the mapper */
	public JsonMapper mapper() {
		return this.mapper;
	}

	@Override
	public String contentType() {
		return CONTENT_TYPE;
	}

	@Override
	public byte[] encode(Object payload) {
		Objects.requireNonNull(payload, "payload must not be null");
		if (payload instanceof byte[] bytes) {
			return bytes;
		}
		try {
			return this.mapper.writeValueAsBytes(payload);
		}
		catch (JacksonException ex) {
			throw new SerializationException("payload of class " + payload.getClass().getName()
					+ " could not be serialized to JSON: " + detail(ex), ex);
		}
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> T decode(byte[] data, Class<T> type) {
		Objects.requireNonNull(data, "data must not be null");
		Objects.requireNonNull(type, "type must not be null");
		if (type == byte[].class) {
			return (T) data;
		}
		try {
			return this.mapper.readValue(data, type);
		}
		catch (JacksonException ex) {
			throw new SerializationException("payload of " + data.length + " bytes could not be decoded from JSON to "
					+ type.getName() + ": " + detail(ex), ex);
		}
	}

	/** Jackson's own message without the location trailer, shortened, plus the JSON path when known. */
	private static String detail(JacksonException ex) {
		String message = ex.getOriginalMessage();
		if (message == null) {
			return ex.getClass().getSimpleName();
		}
		StringBuilder detail = new StringBuilder(Math.min(message.length(), MAX_DETAIL_LENGTH) + 3);
		for (int i = 0; i < message.length() && i < MAX_DETAIL_LENGTH; i++) {
			char c = message.charAt(i);
			detail.append(Character.isISOControl(c) ? ' ' : c);
		}
		if (message.length() > MAX_DETAIL_LENGTH) {
			detail.append("...");
		}
		if (!ex.getPath().isEmpty()) {
			detail.append(" (at ").append(ex.getPathReference()).append(')');
		}
		return detail.toString();
	}

}

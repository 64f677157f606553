package dev.eventbus.core.codec;

import dev.eventbus.core.api.SerializationException;

/**
 * Turns payloads into bytes and back. Pluggable; the default is {@link JsonPayloadCodec}.
 * Implementations must be thread-safe.
 */
public interface PayloadCodec {

	/** @return the content type written to the {@code content-type} header, e.g. {@code application/json} */
	String contentType();

	/**
	 * @param payload the payload
	 * @return its bytes
	 * @throws SerializationException naming the payload's class when it cannot be serialized
	 */
	byte[] encode(Object payload);

	/**
	 * @param <T> target type
	 * @param data bytes
	 * @param type target type; {@code byte[]} returns the bytes unchanged
	 * @return the payload
	 * @throws SerializationException when the bytes are not a valid {@code type}
	 */
	<T> T decode(byte[] data, Class<T> type);

}

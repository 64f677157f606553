package dev.eventbus.core.codec;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A transport-neutral message: key, headers (string values, UTF-8 on the wire) and payload bytes.
 * The transports map it to a Kafka record or a NATS message.
 *
 * @param key record key (the aggregate id), null for unkeyed
 * @param headers header names to values, insertion-ordered; not changed once the message is built (the
 * consuming side hands it to handlers as {@code EventContext.transportHeaders()}, read-only, without a copy)
 * @param payload payload bytes
 */
public record WireMessage(@Nullable String key, Map<String, String> headers, byte[] payload) {

	/**
	 * @param name a header name
	 * @return its value or null
	 */
	public @Nullable String header(String name) {
		return this.headers.get(name);
	}

}

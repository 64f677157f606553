package dev.eventbus.core.codec;

import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.SerializationException;

/**
 * Maps an {@link Envelope} to a CloudEvents 1.0 binary-mode {@link WireMessage} and back.
 *
 * <p>Attributes: {@code specversion} (1.0), {@code id} (event id), {@code type}, {@code source},
 * {@code time} (RFC 3339), {@code subject} (aggregate id), and the extensions
 * {@code eventversion}, {@code traceparent}, {@code correlationid}, {@code tenantid} and the
 * envelope's user headers. The data content type goes to the {@code content-type} header, the
 * payload bytes to the message body, and the aggregate id to the record key. Thread-safe.
 */
public final class EnvelopeCodec {

	/**
	 * @param payloadCodec encodes payloads
	 */
	public EnvelopeCodec(PayloadCodec payloadCodec) {
		throw new UnsupportedOperationException("not implemented yet");
	}

	/** @return the payload codec */
	public PayloadCodec payloadCodec() {
		throw new UnsupportedOperationException();
	}

	/**
	 * @param envelope the event; its source must be set (the bus fills it in)
	 * @param style header naming of the transport
	 * @return the wire message
	 * @throws SerializationException if the payload cannot be serialized (names its class)
	 */
	public WireMessage encode(Envelope<?> envelope, HeaderStyle style) {
		throw new UnsupportedOperationException();
	}

	/**
	 * @param <T> payload type
	 * @param message the wire message
	 * @param style header naming of the transport
	 * @param payloadType the type to decode the payload to ({@code byte[]} for raw bytes)
	 * @return the envelope
	 * @throws SerializationException naming the missing or malformed header, or the payload type
	 * that could not be decoded
	 */
	public <T> Envelope<T> decode(WireMessage message, HeaderStyle style, Class<T> payloadType) {
		throw new UnsupportedOperationException();
	}

}

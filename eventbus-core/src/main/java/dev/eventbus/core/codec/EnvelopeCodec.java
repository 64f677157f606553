package dev.eventbus.core.codec;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.InvalidEnvelopeException;
import dev.eventbus.core.api.SerializationException;

import org.jspecify.annotations.Nullable;

/**
 * Maps an {@link Envelope} to a CloudEvents 1.0 binary-mode {@link WireMessage} and back.
 *
 * <p>Attributes: {@code specversion} (1.0), {@code id} (event id), {@code type}, {@code source},
 * {@code time} (RFC 3339), {@code subject} (aggregate id), and the extensions
 * {@code eventversion}, {@code traceparent}, {@code correlationid}, {@code tenantid} and the
 * envelope's user headers. The data content type goes to the {@code content-type} header, the
 * payload bytes to the message body, and the aggregate id to the record key. Thread-safe.
 *
 * <p>Encoding writes {@code time} in UTC with a {@code Z} suffix and as many fraction digits as
 * the instant needs (nanosecond precision round-trips). Decoding rules:
 * <ul>
 * <li>{@code specversion} must be {@code 1.0}; {@code id}, {@code type} and {@code source} must be
 * present and not blank.</li>
 * <li>{@code time} is optional in CloudEvents: when absent the envelope's time is the moment of
 * decoding (the same default as {@link Envelope.Builder#time}); any RFC 3339 offset is accepted
 * and converted to an instant.</li>
 * <li>{@code eventversion} absent means version 1; otherwise it must be an integer of at least 1.</li>
 * <li>The aggregate id is the {@code subject} attribute, or the message key when there is no
 * subject; neither makes an unkeyed envelope.</li>
 * <li>Other attribute headers become user headers when their name is a valid extension name (1 to
 * 20 lowercase letters or digits) and not {@linkplain Envelope#RESERVED_HEADER_NAMES reserved};
 * the rest (for example {@code dataschema}, {@code tracestate}) and every header without the
 * attribute prefix are ignored. An accepted extension whose value contains a control character is
 * rejected, as the envelope would reject it on publish.</li>
 * </ul>
 * Every decode failure is a {@link SerializationException} whose message names the header (or the
 * payload type) at fault, so it can be read from a dead-letter header.
 */
public final class EnvelopeCodec {

	/** The only CloudEvents version written and accepted. */
	public static final String SPEC_VERSION = "1.0";

	static final String SPECVERSION = "specversion";

	static final String ID = "id";

	static final String TYPE = "type";

	static final String SOURCE = "source";

	static final String TIME = "time";

	static final String SUBJECT = "subject";

	static final String EVENTVERSION = "eventversion";

	static final String TRACEPARENT = "traceparent";

	static final String CORRELATIONID = "correlationid";

	static final String TENANTID = "tenantid";

	/** Attributes this codec maps to envelope fields itself. */
	private static final Set<String> MAPPED = Set.of(SPECVERSION, ID, TYPE, SOURCE, TIME, SUBJECT, EVENTVERSION,
			TRACEPARENT, CORRELATIONID, TENANTID);

	/**
	 * Attribute names never taken as user headers (mapped here or reserved by the envelope), indexed by
	 * length. Compared in place against the header name after its prefix, so the per-record scan does
	 * not cut a substring for each of the bus's own headers, and only names of the same length are tried.
	 */
	private static final String[][] NOT_EXTENSIONS = notExtensions();

	/** Extension names an envelope accepts as user headers (see {@link Envelope.Builder#header}). */
	private static final Pattern EXTENSION_NAME = Pattern.compile("[a-z0-9]{1,20}");

	/** RFC 3339 timestamps: any offset, {@code T}/{@code Z} in either case. */
	private static final DateTimeFormatter RFC_3339 = new DateTimeFormatterBuilder().parseCaseInsensitive()
		.append(DateTimeFormatter.ISO_OFFSET_DATE_TIME)
		.toFormatter(Locale.ROOT);

	/** Longest header value quoted in an error message. */
	private static final int MAX_QUOTED = 64;

	private final PayloadCodec payloadCodec;

	/**
	 * @param payloadCodec encodes payloads
	 */
	public EnvelopeCodec(PayloadCodec payloadCodec) {
		this.payloadCodec = Objects.requireNonNull(payloadCodec, "payloadCodec must not be null");
	}

	/** @return the payload codec */
	public PayloadCodec payloadCodec() {
		return this.payloadCodec;
	}

	/**
	 * @param envelope the event; its source must be set (the bus fills it in)
	 * @param style header naming of the transport
	 * @return the wire message
	 * @throws SerializationException if the payload cannot be serialized (names its class)
	 * @throws IllegalArgumentException if the envelope has no source
	 */
	public WireMessage encode(Envelope<?> envelope, HeaderStyle style) {
		Objects.requireNonNull(envelope, "envelope must not be null");
		Objects.requireNonNull(style, "style must not be null");
		String source = envelope.source();
		if (source == null) {
			throw new IllegalArgumentException("envelope " + envelope.eventId() + " has no source: the CloudEvents "
					+ "'source' attribute is required. The event bus fills in its configured source before encoding "
					+ "(envelope.toBuilder().source(...).build()); set one when calling the codec directly");
		}
		byte[] payload = encodePayload(envelope.payload());
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put(style.header(SPECVERSION), SPEC_VERSION);
		headers.put(style.header(ID), envelope.eventId());
		headers.put(style.header(SOURCE), source);
		headers.put(style.header(TYPE), envelope.eventType());
		headers.put(style.header(TIME), InstantText.format(envelope.time()));
		putIfPresent(headers, style.header(SUBJECT), envelope.aggregateId());
		headers.put(style.header(EVENTVERSION), Integer.toString(envelope.eventVersion()));
		putIfPresent(headers, style.header(TRACEPARENT), envelope.traceparent());
		putIfPresent(headers, style.header(CORRELATIONID), envelope.correlationId());
		putIfPresent(headers, style.header(TENANTID), envelope.tenantId());
		envelope.headers().forEach((name, value) -> headers.put(style.header(name), value));
		headers.put(style.contentTypeHeader(), this.payloadCodec.contentType());
		return new WireMessage(envelope.aggregateId(), Collections.unmodifiableMap(headers), payload);
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
		Objects.requireNonNull(message, "message must not be null");
		Objects.requireNonNull(style, "style must not be null");
		Objects.requireNonNull(payloadType, "payloadType must not be null");
		checkSpecVersion(message, style);
		String id = required(message, style, ID);
		String type = required(message, style, TYPE);
		String source = required(message, style, SOURCE);
		Instant time = time(message, style);
		int eventVersion = eventVersion(message, style);
		String subject = message.header(style.header(SUBJECT));
		String aggregateId = (subject != null) ? subject : message.key();
		String aggregateIdOrigin = (subject != null) ? "header " + style.header(SUBJECT) : "message key";
		Map<String, String> extensions = extensions(message, style);
		T payload = decodePayload(message.payload(), payloadType);
		try {
			return Envelope.builder(type, payload)
				.eventId(id)
				.aggregateId(aggregateId)
				.eventVersion(eventVersion)
				.time(time)
				.source(source)
				.traceparent(message.header(style.header(TRACEPARENT)))
				.correlationId(message.header(style.header(CORRELATIONID)))
				.tenantId(message.header(style.header(TENANTID)))
				.headers(extensions)
				.build();
		}
		catch (InvalidEnvelopeException ex) {
			throw new SerializationException(
					"invalid " + culprit(ex.field(), style, aggregateIdOrigin) + ": " + ex.getMessage(), ex);
		}
	}

	private byte[] encodePayload(Object payload) {
		try {
			return this.payloadCodec.encode(payload);
		}
		catch (SerializationException ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			throw new SerializationException("payload of class " + payload.getClass().getName()
					+ " could not be serialized by " + this.payloadCodec.getClass().getName() + ": " + ex, ex);
		}
	}

	private <T> T decodePayload(byte[] data, Class<T> payloadType) {
		T payload;
		try {
			payload = this.payloadCodec.decode(data, payloadType);
		}
		catch (SerializationException ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			throw new SerializationException("payload could not be decoded to " + payloadType.getName() + " by "
					+ this.payloadCodec.getClass().getName() + ": " + ex, ex);
		}
		if (payload == null) {
			throw new SerializationException("payload decoded to null for type " + payloadType.getName()
					+ " (" + data.length + " bytes); an event needs a payload");
		}
		return payload;
	}

	private static void checkSpecVersion(WireMessage message, HeaderStyle style) {
		String header = style.header(SPECVERSION);
		String value = message.header(header);
		if (value == null) {
			String contentType = message.header(style.contentTypeHeader());
			if (contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("application/cloudevents")) {
				throw new SerializationException("missing header " + header + ": the message has content type '"
						+ quote(contentType) + "' (CloudEvents structured content mode), which is not supported; "
						+ "publish in binary content mode");
			}
			throw new SerializationException("missing header " + header
					+ ": the message is not a CloudEvents binary-mode event");
		}
		if (!SPEC_VERSION.equals(value.strip())) {
			throw new SerializationException("unsupported header " + header + " '" + quote(value)
					+ "': only CloudEvents " + SPEC_VERSION + " is supported");
		}
	}

	private static String required(WireMessage message, HeaderStyle style, String attribute) {
		String header = style.header(attribute);
		String value = message.header(header);
		if (value == null) {
			throw new SerializationException(
					"missing header " + header + ": the CloudEvents '" + attribute + "' attribute is required");
		}
		if (value.isBlank()) {
			throw new SerializationException(
					"blank header " + header + ": the CloudEvents '" + attribute + "' attribute must not be empty");
		}
		return value;
	}

	private static @Nullable Instant time(WireMessage message, HeaderStyle style) {
		String header = style.header(TIME);
		String value = message.header(header);
		if (value == null) {
			return null; // the envelope defaults to now
		}
		Instant written = InstantText.parse(value); // the bus's own shape, without the general parser
		if (written != null) {
			return written;
		}
		try {
			return OffsetDateTime.parse(value.strip(), RFC_3339).toInstant();
		}
		catch (DateTimeParseException ex) {
			throw new SerializationException("malformed header " + header + " '" + quote(value)
					+ "': expected an RFC 3339 timestamp such as 2024-05-01T12:30:00.123Z", ex);
		}
	}

	private static int eventVersion(WireMessage message, HeaderStyle style) {
		String header = style.header(EVENTVERSION);
		String value = message.header(header);
		if (value == null) {
			return 1;
		}
		int version;
		try {
			version = Integer.parseInt(value.strip());
		}
		catch (NumberFormatException ex) {
			throw new SerializationException(
					"malformed header " + header + " '" + quote(value) + "': expected an integer of at least 1", ex);
		}
		if (version < 1) {
			throw new SerializationException(
					"malformed header " + header + " '" + quote(value) + "': the event version must be at least 1");
		}
		return version;
	}

	private static Map<String, String> extensions(WireMessage message, HeaderStyle style) {
		Map<String, String> extensions = new LinkedHashMap<>();
		String prefix = style.prefix();
		message.headers().forEach((header, value) -> {
			if (header == null || !header.startsWith(prefix)) {
				return;
			}
			if (isNotExtension(header, prefix.length())) {
				return;
			}
			String name = header.substring(prefix.length());
			if (!EXTENSION_NAME.matcher(name).matches()) {
				return;
			}
			if (value == null || hasControlCharacter(value)) {
				throw new SerializationException("malformed header " + header
						+ ": an extension attribute value must not be null or contain control characters");
			}
			extensions.put(name, value);
		});
		return extensions;
	}

	private static String[][] notExtensions() {
		Set<String> names = new TreeSet<>(MAPPED);
		names.addAll(Envelope.RESERVED_HEADER_NAMES);
		int longest = names.stream().mapToInt(String::length).max().orElse(0);
		String[][] byLength = new String[longest + 1][];
		for (int length = 0; length <= longest; length++) {
			int size = length;
			byLength[length] = names.stream().filter((name) -> name.length() == size).toArray(String[]::new);
		}
		return byLength;
	}

	/** @return whether {@code header} from {@code start} on is one of {@link #NOT_EXTENSIONS} */
	private static boolean isNotExtension(String header, int start) {
		int length = header.length() - start;
		if (length >= NOT_EXTENSIONS.length) {
			return false;
		}
		for (String name : NOT_EXTENSIONS[length]) {
			if (header.regionMatches(start, name, 0, length)) {
				return true;
			}
		}
		return false;
	}

	private static String culprit(String field, HeaderStyle style, String aggregateIdOrigin) {
		return switch (field) {
			case "eventId" -> "header " + style.header(ID);
			case "eventType" -> "header " + style.header(TYPE);
			case "source" -> "header " + style.header(SOURCE);
			case "aggregateId" -> aggregateIdOrigin;
			case "traceparent" -> "header " + style.header(TRACEPARENT);
			case "correlationId" -> "header " + style.header(CORRELATIONID);
			case "tenantId" -> "header " + style.header(TENANTID);
			case "eventVersion" -> "header " + style.header(EVENTVERSION);
			case "headers" -> "extension header";
			default -> field;
		};
	}

	private static void putIfPresent(Map<String, String> headers, String name, @Nullable String value) {
		if (value != null) {
			headers.put(name, value);
		}
	}

	private static boolean hasControlCharacter(String value) {
		for (int i = 0; i < value.length(); i++) {
			if (Character.isISOControl(value.charAt(i))) {
				return true;
			}
		}
		return false;
	}

	/** A header value fit for an error message: short, without control characters. */
	private static String quote(String value) {
		StringBuilder quoted = new StringBuilder(Math.min(value.length(), MAX_QUOTED) + 3);
		for (int i = 0; i < value.length() && i < MAX_QUOTED; i++) {
			char c = value.charAt(i);
			quoted.append(Character.isISOControl(c) ? '?' : c);
		}
		if (value.length() > MAX_QUOTED) {
			quoted.append("...");
		}
		return quoted.toString();
	}

}

package dev.eventbus.core.api;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * An event with its metadata, carried on the wire as a CloudEvents 1.0 binary-mode message.
 *
 * <p>Immutable. Built with {@link #of(String, String, Object)}, {@link #ofEvent(String, Object)} or
 * {@link #builder(String, Object)};
 * {@link Builder#build()} validates and throws an {@link InvalidEnvelopeException} naming the
 * offending field. The event id defaults to a fresh UUIDv7 and the time to now.
 *
 * @param <T> payload type
 */
public final class Envelope<T> {

	/** Longest aggregate id accepted, in characters. */
	public static final int MAX_AGGREGATE_ID_LENGTH = 256;

	/** Longest event type accepted, in characters. */
	public static final int MAX_EVENT_TYPE_LENGTH = 256;

	/** Extension names must be valid CloudEvents attribute names: lowercase letters and digits. */
	private static final Pattern HEADER_NAME = Pattern.compile("[a-z0-9]{1,20}");

	/** Event types derived from classes, for {@link #eventTypeOf(Class)}. */
	private static final ClassValue<String> EVENT_TYPES = new ClassValue<>() {

		@Override
		protected String computeValue(Class<?> type) {
			EventType annotation = type.getAnnotation(EventType.class);
			if (annotation != null) {
				String value = annotation.value();
				if (value.isBlank()) {
					throw new InvalidEnvelopeException("eventType",
							"@EventType on " + type.getName() + " must not be blank; name the event type, for example "
									+ "@EventType(\"OrderPlaced\")");
				}
				return value;
			}
			String simpleName = type.getSimpleName();
			if (simpleName.isEmpty() || type.isSynthetic() || simpleName.contains("$$Lambda")) {
				throw new InvalidEnvelopeException("eventType", "the event type of " + type.getName()
						+ " cannot be derived: it has no simple name; annotate its class with @EventType or publish "
						+ "an Envelope with an explicit type");
			}
			return simpleName;
		}

	};

	/**
	 * CloudEvents attribute names that the envelope maps itself and that user headers may not use.
	 */
	public static final Set<String> RESERVED_HEADER_NAMES = Set.of("specversion", "id", "type", "source", "time",
			"subject", "datacontenttype", "dataschema", "data", "data_base64", "eventversion", "traceparent",
			"tracestate", "correlationid", "tenantid", "partitionkey");

	private final String eventId;

	private final @Nullable String aggregateId;

	private final String eventType;

	private final int eventVersion;

	private final Instant time;

	private final @Nullable String source;

	private final @Nullable String traceparent;

	private final @Nullable String correlationId;

	private final @Nullable String tenantId;

	private final Map<String, String> headers;

	private final T payload;

	private Envelope(Builder<T> builder) {
		this.eventId = (builder.eventId != null) ? builder.eventId : EventIds.next();
		this.aggregateId = builder.aggregateId;
		this.eventType = builder.eventType;
		this.eventVersion = builder.eventVersion;
		this.time = (builder.time != null) ? builder.time : Instant.now();
		this.source = builder.source;
		this.traceparent = builder.traceparent;
		this.correlationId = builder.correlationId;
		this.tenantId = builder.tenantId;
		this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(builder.headers));
		this.payload = builder.payload;
	}

	/**
	 * A keyed event of version 1 with a generated id.
	 * @param <T> payload type
	 * @param aggregateId ordering key, for example the order id
	 * @param eventType event type, for example {@code OrderPlaced}
	 * @param payload payload
	 * @return the validated envelope
	 * @throws InvalidEnvelopeException if a field is invalid
	 */
	public static <T> Envelope<T> of(String aggregateId, String eventType, T payload) {
		return builder(eventType, payload).aggregateId(aggregateId).build();
	}

	/**
	 * A keyed event whose CloudEvents {@code type} comes from its class: the class's
	 * {@link EventType @EventType} value, or its simple name ({@code OrderPlaced} for
	 * {@code record OrderPlaced(...)}).
	 * @param <T> payload type
	 * @param aggregateId ordering key, for example the order id; not blank
	 * @param event the payload, not null
	 * @return the validated envelope
	 * @throws InvalidEnvelopeException naming {@code aggregateId} or {@code event} (or
	 * {@code eventType} when the class's type cannot be used)
	 * @see #eventTypeOf(Class)
	 */
	public static <T> Envelope<T> ofEvent(String aggregateId, T event) {
		if (aggregateId == null || aggregateId.isBlank()) {
			throw new InvalidEnvelopeException("aggregateId",
					"aggregateId must not be blank: it is the ordering key of the event, for example the order id");
		}
		if (event == null) {
			throw new InvalidEnvelopeException("event", "event must not be null");
		}
		return of(aggregateId, eventTypeOf(event.getClass()), event);
	}

	/**
	 * The CloudEvents {@code type} of events of a class: its {@link EventType @EventType} value
	 * (also inherited from a superclass), or else its simple name. Cached per class.
	 * @param eventClass the payload's class
	 * @return the event type
	 * @throws InvalidEnvelopeException (field {@code eventType}) for an anonymous or lambda class
	 * without {@code @EventType}, or a blank {@code @EventType}
	 */
	public static String eventTypeOf(Class<?> eventClass) {
		Objects.requireNonNull(eventClass, "eventClass must not be null");
		return EVENT_TYPES.get(eventClass);
	}

	/**
	 * A builder for an event of the given type and payload.
	 * @param <T> payload type
	 * @param eventType event type
	 * @param payload payload
	 * @return a builder
	 */
	public static <T> Builder<T> builder(String eventType, T payload) {
		return new Builder<>(eventType, payload);
	}

	/**
	 * A builder pre-filled with this envelope's fields, to derive a changed copy.
	 * @return a builder
	 */
	public Builder<T> toBuilder() {
		Builder<T> builder = new Builder<>(this.eventType, this.payload);
		builder.eventId = this.eventId;
		builder.aggregateId = this.aggregateId;
		builder.eventVersion = this.eventVersion;
		builder.time = this.time;
		builder.source = this.source;
		builder.traceparent = this.traceparent;
		builder.correlationId = this.correlationId;
		builder.tenantId = this.tenantId;
		builder.headers.putAll(this.headers);
		return builder;
	}

	/** @return the event id (CloudEvents {@code id}), a UUIDv7 unless given */
	public String eventId() {
		return this.eventId;
	}

	/** @return the aggregate id (ordering key, CloudEvents {@code subject}), or null for unkeyed */
	public @Nullable String aggregateId() {
		return this.aggregateId;
	}

	/** @return the event type (CloudEvents {@code type}) */
	public String eventType() {
		return this.eventType;
	}

	/** @return the schema version of the payload, at least 1 */
	public int eventVersion() {
		return this.eventVersion;
	}

	/** @return when the event happened (CloudEvents {@code time}) */
	public Instant time() {
		return this.time;
	}

	/** @return the producing application (CloudEvents {@code source}); the bus fills it in when null */
	public @Nullable String source() {
		return this.source;
	}

	/** @return the W3C trace context of the publisher, or null */
	public @Nullable String traceparent() {
		return this.traceparent;
	}

	/** @return the correlation id, or null */
	public @Nullable String correlationId() {
		return this.correlationId;
	}

	/** @return the tenant id, or null */
	public @Nullable String tenantId() {
		return this.tenantId;
	}

	/** @return user headers, carried as CloudEvents extension attributes */
	public Map<String, String> headers() {
		return this.headers;
	}

	/** @return the payload */
	public T payload() {
		return this.payload;
	}

	@Override
	public String toString() {
		return "Envelope{eventId=" + this.eventId + ", aggregateId=" + this.aggregateId + ", eventType="
				+ this.eventType + ", eventVersion=" + this.eventVersion + "}";
	}

	/**
	 * Builds a validated {@link Envelope}. Not thread-safe.
	 *
	 * @param <T> payload type
	 */
	public static final class Builder<T> {

		private @Nullable String eventId;

		private @Nullable String aggregateId;

		private final String eventType;

		private int eventVersion = 1;

		private @Nullable Instant time;

		private @Nullable String source;

		private @Nullable String traceparent;

		private @Nullable String correlationId;

		private @Nullable String tenantId;

		private final Map<String, String> headers = new LinkedHashMap<>();

		private final T payload;

		private Builder(String eventType, T payload) {
			this.eventType = eventType;
			this.payload = payload;
		}

		/** @param eventId explicit event id (defaults to a UUIDv7) @return this builder */
		public Builder<T> eventId(@Nullable String eventId) {
			this.eventId = eventId;
			return this;
		}

		/** @param aggregateId ordering key, null for an unkeyed event @return this builder */
		public Builder<T> aggregateId(@Nullable String aggregateId) {
			this.aggregateId = aggregateId;
			return this;
		}

		/** @param eventVersion payload schema version, at least 1 (default 1) @return this builder */
		public Builder<T> eventVersion(int eventVersion) {
			this.eventVersion = eventVersion;
			return this;
		}

		/** @param time when the event happened (defaults to now) @return this builder */
		public Builder<T> time(@Nullable Instant time) {
			this.time = time;
			return this;
		}

		/** @param source producing application (defaults to the bus's source) @return this builder */
		public Builder<T> source(@Nullable String source) {
			this.source = source;
			return this;
		}

		/** @param traceparent W3C trace context @return this builder */
		public Builder<T> traceparent(@Nullable String traceparent) {
			this.traceparent = traceparent;
			return this;
		}

		/** @param correlationId correlation id @return this builder */
		public Builder<T> correlationId(@Nullable String correlationId) {
			this.correlationId = correlationId;
			return this;
		}

		/** @param tenantId tenant id @return this builder */
		public Builder<T> tenantId(@Nullable String tenantId) {
			this.tenantId = tenantId;
			return this;
		}

		/**
		 * Adds a user header, carried as a CloudEvents extension attribute.
		 * @param name lowercase letters and digits, 1 to 20 characters, not a reserved attribute
		 * @param value header value
		 * @return this builder
		 */
		public Builder<T> header(String name, String value) {
			this.headers.put(name, value);
			return this;
		}

		/**
		 * Adds user headers.
		 * @param headers headers to add
		 * @return this builder
		 * @see #header(String, String)
		 */
		public Builder<T> headers(Map<String, String> headers) {
			this.headers.putAll(headers);
			return this;
		}

		/**
		 * Validates and builds the envelope.
		 * @return the envelope
		 * @throws InvalidEnvelopeException naming the first invalid field
		 */
		public Envelope<T> build() {
			validate();
			return new Envelope<>(this);
		}

		private void validate() {
			requireText("eventType", this.eventType, MAX_EVENT_TYPE_LENGTH);
			if (this.eventId != null) {
				requireText("eventId", this.eventId, MAX_AGGREGATE_ID_LENGTH);
			}
			if (this.aggregateId != null) {
				requireText("aggregateId", this.aggregateId, MAX_AGGREGATE_ID_LENGTH);
			}
			if (this.eventVersion < 1) {
				throw new InvalidEnvelopeException("eventVersion",
						"eventVersion must be at least 1 but was " + this.eventVersion);
			}
			if (this.payload == null) {
				throw new InvalidEnvelopeException("payload", "payload must not be null");
			}
			optionalText("source", this.source);
			optionalText("traceparent", this.traceparent);
			optionalText("correlationId", this.correlationId);
			optionalText("tenantId", this.tenantId);
			this.headers.forEach((name, value) -> {
				if (name == null || !HEADER_NAME.matcher(name).matches()) {
					throw new InvalidEnvelopeException("headers",
							"header name '" + name + "' is invalid: use 1 to 20 lowercase letters or digits "
									+ "(CloudEvents extension attribute naming)");
				}
				if (RESERVED_HEADER_NAMES.contains(name)) {
					throw new InvalidEnvelopeException("headers", "header name '" + name
							+ "' is reserved for an envelope attribute; choose another name");
				}
				if (value == null) {
					throw new InvalidEnvelopeException("headers", "header '" + name + "' has a null value");
				}
				if (hasControlCharacter(value)) {
					throw new InvalidEnvelopeException("headers",
							"header '" + name + "' contains a control character");
				}
			});
		}

		private static void requireText(String field, @Nullable String value, int maxLength) {
			if (value == null || value.isBlank()) {
				throw new InvalidEnvelopeException(field, field + " must not be blank");
			}
			if (value.length() > maxLength) {
				throw new InvalidEnvelopeException(field, field + " must be at most " + maxLength
						+ " characters but was " + value.length());
			}
			if (hasControlCharacter(value)) {
				throw new InvalidEnvelopeException(field, field + " must not contain control characters");
			}
		}

		private static void optionalText(String field, @Nullable String value) {
			if (value != null) {
				requireText(field, value, 4096);
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

	}

	@Override
	public boolean equals(@Nullable Object other) {
		if (this == other) {
			return true;
		}
		if (!(other instanceof Envelope<?> that)) {
			return false;
		}
		return this.eventId.equals(that.eventId) && Objects.equals(this.aggregateId, that.aggregateId)
				&& this.eventType.equals(that.eventType) && this.eventVersion == that.eventVersion
				&& this.time.equals(that.time) && Objects.equals(this.source, that.source)
				&& Objects.equals(this.traceparent, that.traceparent)
				&& Objects.equals(this.correlationId, that.correlationId)
				&& Objects.equals(this.tenantId, that.tenantId) && this.headers.equals(that.headers)
				&& Objects.equals(this.payload, that.payload);
	}

	@Override
	public int hashCode() {
		return this.eventId.hashCode();
	}

}

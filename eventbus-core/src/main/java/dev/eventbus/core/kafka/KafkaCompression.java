package dev.eventbus.core.kafka;

import java.util.Locale;

/**
 * Compression codecs of the Kafka protocol, for producer batches ({@code compression.type}) and
 * topic configuration.
 */
public enum KafkaCompression {

	/** No compression. */
	NONE("none"),

	/** gzip: best ratio of the classic codecs, most CPU. */
	GZIP("gzip"),

	/** Snappy. */
	SNAPPY("snappy"),

	/** LZ4: the default of the bus; cheap and fast, good ratio on JSON. */
	LZ4("lz4"),

	/** Zstandard: good ratio at moderate CPU. */
	ZSTD("zstd");

	private final String clientValue;

	KafkaCompression(String clientValue) {
		this.clientValue = clientValue;
	}

	/** @return the value of the client's {@code compression.type} setting */
	public String clientValue() {
		return this.clientValue;
	}

	/**
	 * @param value a codec name, case-insensitive ({@code lz4}, {@code ZSTD}, ...)
	 * @return the codec
	 * @throws IllegalArgumentException naming the accepted values
	 */
	public static KafkaCompression of(String value) {
		for (KafkaCompression compression : values()) {
			if (compression.clientValue.equals(value.trim().toLowerCase(Locale.ROOT))) {
				return compression;
			}
		}
		throw new IllegalArgumentException(
				"kafka compression '" + value + "' is not supported: use none, gzip, snappy, lz4 or zstd");
	}

}

package dev.eventbus.core.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import javax.net.ssl.SSLException;

import org.jspecify.annotations.Nullable;

/**
 * Names the cause of a failed TLS handshake in words a user can act on, for every transport: the
 * server certificate is not trusted by the configured trust material, it does not name the host,
 * or the handshake failed otherwise; always with the cause chain. Also checks, before a client is
 * built, that a configured trust store or key store file exists. Stateless.
 */
public final class TlsFailures {

	private TlsFailures() {
	}

	/**
	 * Checks that a configured store file exists and is readable.
	 * @param setting the setting or property that names the file, as the message should name it
	 * @param path the configured path, or null when unset
	 * @throws IllegalArgumentException naming the setting and the path when the file is missing
	 */
	public static void requireReadableFile(String setting, @Nullable String path) {
		if (path == null || path.isBlank()) {
			return;
		}
		Path file;
		try {
			file = Path.of(path);
		}
		catch (RuntimeException ex) {
			throw new IllegalArgumentException(setting + " '" + path + "' is not a valid file path: " + ex.getMessage(), ex);
		}
		if (!Files.exists(file)) {
			throw new IllegalArgumentException(setting + " '" + path + "' does not exist (resolved to "
					+ file.toAbsolutePath() + "): point it at the store file");
		}
		if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
			throw new IllegalArgumentException(setting + " '" + path + "' is not a readable file: point it at the store file");
		}
	}

	/**
	 * @param failure any failure
	 * @return whether its cause chain holds a TLS ({@link SSLException}) failure
	 */
	public static boolean isTls(@Nullable Throwable failure) {
		return find(failure, SSLException.class) != null;
	}

	/**
	 * Describes a failed TLS handshake.
	 * @param failure the failure whose cause chain holds the {@link SSLException}
	 * @param server the server (or servers) connected to, already redacted
	 * @param trust what should have trusted the server certificate, for example {@code the
	 * truststore at /etc/kafka/trust.p12 (eventbus.kafka.security.truststore-location)}
	 * @param hostnameSetting the setting that turns host name verification off, or null when there is
	 * none
	 * @return {@code TLS handshake with <server> failed: <cause>. Cause chain: ...}
	 */
	public static String describe(Throwable failure, String server, String trust, @Nullable String hostnameSetting) {
		String reason;
		if (find(failure, CertPathBuilderException.class) != null || find(failure, CertPathValidatorException.class) != null
				|| chainMentions(failure, "PKIX path") || chainMentions(failure, "No trusted certificate found")
				|| chainMentions(failure, "unable to find valid certification path")) {
			reason = "the server certificate is not trusted by " + trust
					+ ": add the server's certificate (or its CA) to it, or point the setting at the right store";
		}
		else if (chainMentions(failure, "subject alternative name") || chainMentions(failure, "No name matching")) {
			reason = "the server certificate does not name the host connected to: connect by a name or address the "
					+ "certificate lists" + ((hostnameSetting != null) ? ", or set " + hostnameSetting + "=false" : "");
		}
		else if (find(failure, CertificateException.class) != null) {
			reason = "the server certificate was rejected (checked against " + trust + ")";
		}
		else {
			reason = "the TLS handshake did not complete (is the server listening with TLS? checked against " + trust + ")";
		}
		return "TLS handshake with " + server + " failed: " + reason + ". Cause chain: " + chain(failure);
	}

	/**
	 * @param failure any failure
	 * @return each cause's {@code Class: message}, outermost first, joined with {@code " <- "}, addresses redacted
	 */
	public static String chain(Throwable failure) {
		List<String> parts = new ArrayList<>();
		for (Throwable cause : causes(failure)) {
			parts.add(cause.getClass().getSimpleName() + ": " + cause.getMessage());
		}
		return String.valueOf(ServerUrls.redact(String.join(" <- ", parts)));
	}

	/** @return the failure and its causes, outermost first, each once (a cause cycle ends the list) */
	private static List<Throwable> causes(@Nullable Throwable failure) {
		List<Throwable> causes = new ArrayList<>();
		Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
		for (Throwable cause = failure; cause != null && seen.add(cause); cause = cause.getCause()) {
			causes.add(cause);
		}
		return causes;
	}

	private static boolean chainMentions(Throwable failure, String text) {
		String lower = text.toLowerCase(Locale.ROOT);
		for (Throwable cause : causes(failure)) {
			if (String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT).contains(lower)) {
				return true;
			}
		}
		return false;
	}

	private static <T extends Throwable> @Nullable T find(@Nullable Throwable failure, Class<T> type) {
		for (Throwable cause : causes(failure)) {
			if (type.isInstance(cause)) {
				return type.cast(cause);
			}
			for (Throwable suppressed : cause.getSuppressed()) {
				if (type.isInstance(suppressed)) {
					return type.cast(suppressed);
				}
			}
		}
		return null;
	}

}

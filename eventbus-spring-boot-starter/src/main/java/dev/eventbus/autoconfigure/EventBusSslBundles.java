package dev.eventbus.autoconfigure;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;

/**
 * Resolves the Spring Boot SSL bundle a transport names ({@code eventbus.kafka.ssl.bundle},
 * {@code eventbus.nats.tls.bundle}) and rejects a bundle combined with the transport's store
 * properties. Used by the transport auto-configurations; failures name the property and the
 * bundle.
 */
public final class EventBusSslBundles {

	private EventBusSslBundles() {
	}

	/**
	 * @param bundles the application's SSL bundles, or null when there is no {@link SslBundles} bean
	 * @param property the property naming the bundle, for example {@code eventbus.nats.tls.bundle}
	 * @param name the bundle name the user wrote
	 * @return the bundle
	 * @throws EventBusConfigurationException naming the property and the bundle if it does not exist
	 */
	public static SslBundle resolve(@Nullable SslBundles bundles, String property, String name) {
		List<String> known = (bundles != null) ? bundles.getBundleNames() : List.of();
		if (bundles != null) {
			try {
				return bundles.getBundle(name);
			}
			catch (NoSuchSslBundleException ex) {
				throw unknown(property, name, known, ex);
			}
		}
		throw unknown(property, name, known, null);
	}

	/**
	 * @param property the property naming the bundle
	 * @param name the bundle name
	 * @param conflicting the transport's store properties (full names) and their values; the set ones
	 * contradict the bundle
	 * @throws EventBusConfigurationException naming the bundle property and the first set store property
	 */
	public static void checkExclusive(String property, String name, Map<String, @Nullable Object> conflicting) {
		for (Map.Entry<String, @Nullable Object> entry : conflicting.entrySet()) {
			if (entry.getValue() != null) {
				throw new EventBusConfigurationException(property + ", " + entry.getKey(),
						property + " names SSL bundle '" + name + "' but " + entry.getKey()
								+ " is set too: the bundle carries the key and trust material, so the store properties "
								+ "cannot apply alongside it",
						"Remove " + entry.getKey() + " (and the other store properties) and keep the material in the "
								+ "bundle, or remove " + property + " to keep using the store properties.");
			}
		}
	}

	private static EventBusConfigurationException unknown(String property, String name, List<String> known,
			@Nullable Throwable cause) {
		return new EventBusConfigurationException(property,
				property + " names SSL bundle '" + name + "', which does not exist ("
						+ (known.isEmpty() ? "no SSL bundles are configured" : "configured bundles: " + known) + ")",
				"Define the bundle under spring.ssl.bundle.pem." + name + ".* or spring.ssl.bundle.jks." + name
						+ ".*, or set " + property + " to one of the configured bundles.",
				cause);
	}

}

package dev.eventbus.core.keyed;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ThreadFactory;

import org.jspecify.annotations.Nullable;

/**
 * Virtual threads for code compiled for Java 17: {@code Thread.ofVirtual()} and its builder are
 * looked up once, at class initialization, with method handles; on a runtime older than Java 21 they
 * are absent and {@link #supported()} is false. Stateless after initialization; thread-safe.
 */
final class VirtualThreads {

	/** {@code Thread.ofVirtual()}, or null before Java 21. */
	private static final @Nullable MethodHandle OF_VIRTUAL;

	/** {@code Thread.Builder.name(String, long)}. */
	private static final @Nullable MethodHandle NAME;

	/** {@code Thread.Builder.factory()}. */
	private static final @Nullable MethodHandle FACTORY;

	static {
		MethodHandle ofVirtual = null;
		MethodHandle name = null;
		MethodHandle factory = null;
		if (Runtime.version().feature() >= 21) {
			try {
				MethodHandles.Lookup lookup = MethodHandles.publicLookup();
				Class<?> builder = Class.forName("java.lang.Thread$Builder");
				Class<?> ofVirtualBuilder = Class.forName("java.lang.Thread$Builder$OfVirtual");
				ofVirtual = lookup.findStatic(Thread.class, "ofVirtual", MethodType.methodType(ofVirtualBuilder));
				name = lookup.findVirtual(builder, "name", MethodType.methodType(builder, String.class, long.class));
				factory = lookup.findVirtual(builder, "factory", MethodType.methodType(ThreadFactory.class));
			}
			catch (ReflectiveOperationException ex) {
				ofVirtual = null;
			}
		}
		OF_VIRTUAL = ofVirtual;
		NAME = name;
		FACTORY = factory;
	}

	private VirtualThreads() {
	}

	/** @return whether this runtime has virtual threads (Java 21 or later) */
	static boolean supported() {
		return OF_VIRTUAL != null;
	}

	/**
	 * @param setting the setting as the user wrote it, for example {@code executor virtualThreads}
	 * @return why the setting cannot be used on this runtime
	 */
	static String unsupportedMessage(String setting) {
		return setting + " needs Java 21+, this runtime is Java " + Runtime.version().feature() + " ("
				+ System.getProperty("java.vm.vendor", "unknown vendor") + " " + Runtime.version()
				+ "); run on Java 21 or later or turn it off";
	}

	/**
	 * @param prefix thread names are {@code <prefix>-<n>}, counting from 0
	 * @return a thread-safe factory of unstarted virtual threads
	 * @throws IllegalStateException before Java 21
	 */
	static ThreadFactory factory(String prefix) {
		MethodHandle ofVirtual = OF_VIRTUAL;
		MethodHandle name = NAME;
		MethodHandle factory = FACTORY;
		if (ofVirtual == null || name == null || factory == null) {
			throw new IllegalStateException(unsupportedMessage("executor virtualThreads"));
		}
		try {
			Object builder = ofVirtual.invoke();
			builder = name.invoke(builder, prefix + "-", 0L);
			return (ThreadFactory) factory.invoke(builder);
		}
		catch (RuntimeException | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new IllegalStateException("could not create a virtual thread factory", ex);
		}
	}

}

package dev.eventbus.autoconfigure.annotation;

import java.lang.reflect.Method;

import org.springframework.util.ClassUtils;

/**
 * An {@link dev.eventbus.core.api.EventHandler @EventHandler} method cannot be registered: its
 * signature or attributes are invalid. Fails the start-up; the failure analyzer prints the method,
 * the problem and the fix.
 */
public class InvalidEventHandlerException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String method;

	private final String action;

	/**
	 * @param method the annotated method
	 * @param problem what is wrong
	 * @param action how to fix it
	 */
	public InvalidEventHandlerException(Method method, String problem, String action) {
		super("@EventHandler method " + describe(method) + " is invalid: " + problem);
		this.method = describe(method);
		this.action = action;
	}

	/** @return the method, as {@code Class.method(ParameterTypes)} */
	public String method() {
		return this.method;
	}

	/** @return how to fix it */
	public String action() {
		return this.action;
	}

	static String describe(Method method) {
		StringBuilder text = new StringBuilder(ClassUtils.getUserClass(method.getDeclaringClass()).getName())
			.append('.')
			.append(method.getName())
			.append('(');
		Class<?>[] types = method.getParameterTypes();
		for (int i = 0; i < types.length; i++) {
			text.append((i > 0) ? ", " : "").append(types[i].getSimpleName());
		}
		return text.append(')').toString();
	}

}

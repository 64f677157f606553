package dev.eventbus.autoconfigure.annotation;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains an {@link InvalidEventHandlerException}: the method, the problem and the fix. */
class InvalidEventHandlerFailureAnalyzer extends AbstractFailureAnalyzer<InvalidEventHandlerException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidEventHandlerException cause) {
		return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
	}

}

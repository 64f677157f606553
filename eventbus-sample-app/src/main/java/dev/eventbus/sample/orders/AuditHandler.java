package dev.eventbus.sample.orders;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.EventContext;
import dev.eventbus.core.api.EventHandler;

import org.springframework.stereotype.Component;

/**
 * Audit: records every order event with its CloudEvents metadata, taking the whole
 * {@link Envelope} instead of the bare payload.
 */
@Component
public class AuditHandler {

	private static final Log logger = LogFactory.getLog(AuditHandler.class);

	private final OrderBook book;

	public AuditHandler(OrderBook book) {
		this.book = book;
	}

	@EventHandler(topics = OrderTopics.ORDERS, group = OrderTopics.AUDIT)
	public void on(Envelope<OrderEvent> envelope, EventContext context) {
		OrderEvent event = envelope.payload();
		String entry = envelope.eventType() + " " + envelope.eventId() + " attempt " + context.attempt();
		this.book.update(event.orderId(), (view) -> view.withAudit(entry));
		if (logger.isDebugEnabled()) {
			logger.debug("audit: " + envelope + " from " + envelope.source() + " at " + envelope.time());
		}
	}

}

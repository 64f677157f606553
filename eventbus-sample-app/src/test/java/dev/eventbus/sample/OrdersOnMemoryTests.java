package dev.eventbus.sample;

import org.springframework.test.context.ActiveProfiles;

/** The sample app on the {@code memory} profile: the same journey without a broker. */
@ActiveProfiles("memory")
class OrdersOnMemoryTests extends OrdersEndToEndTestSupport {

	@Override
	String expectedTransport() {
		return "memory";
	}

}

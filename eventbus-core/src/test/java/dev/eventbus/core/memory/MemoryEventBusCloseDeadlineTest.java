package dev.eventbus.core.memory;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.eventbus.core.api.Envelope;
import dev.eventbus.core.api.SubscriptionOptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 11 item 6: a bus with its own executor closes within one shutdown timeout even when a
 * handler ignores interrupts (0.1 waited the timeout for the drain and again for the executor:
 * 10.0 s for 5 s). The frame is shared, so the memory bus shows it for every transport.
 */
class MemoryEventBusCloseDeadlineTest {

	@Test
	void closeWithAHandlerThatIgnoresInterruptsTakesOneShutdownTimeoutNotTwo() throws Exception {
		Duration timeout = Duration.ofSeconds(2);
		CountDownLatch started = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		MemoryEventBus bus = MemoryEventBus.builder(MemoryOptions.defaults()).shutdownTimeout(timeout).build();
		try {
			bus.subscribe("stubborn", String.class, SubscriptionOptions.of("stubborn"), (envelope, context) -> {
				started.countDown();
				while (release.getCount() > 0) {
					try {
						release.await();
					}
					catch (InterruptedException ignored) {
						// swallows every interrupt
					}
				}
			});
			bus.publish("stubborn", Envelope.of("k", "Stubborn", "x")).get(10, TimeUnit.SECONDS);
			assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
			long start = System.nanoTime();
			bus.close();
			Duration took = Duration.ofNanos(System.nanoTime() - start);
			assertThat(took).as("close with shutdown timeout %s took", timeout)
				.isLessThan(timeout.multipliedBy(2).minusMillis(500));
		}
		finally {
			release.countDown();
		}
	}

}

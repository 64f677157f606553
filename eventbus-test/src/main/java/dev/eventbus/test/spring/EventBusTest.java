package dev.eventbus.test.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

/**
 * Runs a {@code @SpringBootTest} on the in-process memory transport ({@code eventbus.transport=memory},
 * over whatever the application's configuration or profiles select) with an
 * {@link dev.eventbus.test.recording.EventBusRecorder} bean around the application's {@code EventBus}
 * bean: every publish and every attempt of the {@code @EventHandler} methods and of the subscriptions made
 * through the bean is recorded. The recorder is cleared before each test method, also when the context
 * is cached and shared between test classes.
 * <pre>{@code
 * @SpringBootTest
 * @EventBusTest
 * class BillingTests {
 *
 *     @Autowired EventBus bus;
 *     @Autowired EventBusRecorder recorder;
 *
 *     @Test
 *     void anOrderIsInvoiced() {
 *         Envelope<OrderPlaced> placed = Envelope.ofEvent("o-1", new OrderPlaced("o-1", "alice"));
 *         bus.publish("orders", placed).join();
 *         recorder.await().handledBy("billing", placed.eventId());
 *     }
 *
 * }
 * }</pre>
 * To record on another transport, import {@link EventBusRecorderConfiguration} instead.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@TestPropertySource(properties = "eventbus.transport=memory")
@Import(EventBusRecorderConfiguration.class)
public @interface EventBusTest {

}

package dev.eventbus.autoconfigure;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.eventbus.core.keyed.KeyedExecutor;
import dev.eventbus.core.keyed.KeyedExecutorOptions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code eventbus.executor.virtual-threads} and {@code spring.threads.virtual.enabled}: on Java 21+ the
 * executor's workers are virtual threads; on Java 17 the eventbus property fails start-up naming itself,
 * and Boot's property is ignored with a WARN (as Boot itself ignores it there). The Java 21+ tests run
 * in the root pom's {@code jdk25-tests} profile.
 */
@ExtendWith(OutputCaptureExtension.class)
class ExecutorVirtualThreadsTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(EventBusAutoConfigurationTests.EVENTBUS)
		.withPropertyValues("eventbus.shutdown-timeout=2s", "eventbus.executor.shutdown-timeout=2s");

	@Test
	void platformThreadsByDefault() {
		this.runner.run((context) -> {
			KeyedExecutorOptions options = context.getBean(KeyedExecutor.class).options();
			assertThat(options.virtualThreads()).isFalse();
			assertThat(options.workers()).isEqualTo(KeyedExecutorOptions.DEFAULT_WORKERS);
		});
	}

	@Test
	void theEventbusPropertyOverridesSpringsAndFalseKeepsPlatformThreads() {
		this.runner.withPropertyValues("spring.threads.virtual.enabled=true", "eventbus.executor.virtual-threads=false")
			.run((context) -> assertThat(context.getBean(KeyedExecutor.class).options().virtualThreads()).isFalse());
	}

	@Test
	@EnabledForJreRange(max = JRE.JAVA_20)
	void beforeJava21TheEventbusPropertyFailsStartUpNamingIt() {
		this.runner.withPropertyValues("eventbus.executor.virtual-threads=true").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new EventBusConfigurationFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("eventbus.executor.virtual-threads needs Java 21+, "
					+ "this runtime is Java " + Runtime.version().feature());
			assertThat(analysis.getAction()).contains("Java 21 or later").contains("eventbus.executor.virtual-threads");
		});
	}

	@Test
	@EnabledForJreRange(max = JRE.JAVA_20)
	void beforeJava21SpringsPropertyWarnsAndKeepsPlatformThreads(CapturedOutput output) {
		this.runner.withPropertyValues("spring.threads.virtual.enabled=true").run((context) -> {
			assertThat(context).hasNotFailed();
			KeyedExecutorOptions options = context.getBean(KeyedExecutor.class).options();
			assertThat(options.virtualThreads()).isFalse();
			assertThat(options.workers()).isEqualTo(KeyedExecutorOptions.DEFAULT_WORKERS);
		});
		assertThat(output).contains("WARN")
			.contains("spring.threads.virtual.enabled=true, but virtual threads need Java 21+, this runtime is Java "
					+ Runtime.version().feature())
			.contains("eventbus.executor.virtual-threads");
	}

	@Test
	@EnabledForJreRange(min = JRE.JAVA_21)
	void springsPropertyRunsHandlersOnVirtualThreadsWithWorkersUpToMaxPending() throws Exception {
		this.runner.withPropertyValues("spring.threads.virtual.enabled=true", "eventbus.executor.max-pending=500")
			.run((context) -> {
				KeyedExecutor executor = context.getBean(KeyedExecutor.class);
				assertThat(executor.options().virtualThreads()).isTrue();
				assertThat(executor.options().workers()).isEqualTo(500);
				assertThat(runsOnVirtualThread(executor)).isTrue();
			});
	}

	@Test
	@EnabledForJreRange(min = JRE.JAVA_21)
	void theEventbusPropertyRunsHandlersOnVirtualThreadsAndAnExplicitWorkerCountStays() throws Exception {
		this.runner.withPropertyValues("eventbus.executor.virtual-threads=true", "eventbus.executor.workers=16")
			.run((context) -> {
				KeyedExecutor executor = context.getBean(KeyedExecutor.class);
				assertThat(executor.options().virtualThreads()).isTrue();
				assertThat(executor.options().workers()).isEqualTo(16);
				assertThat(runsOnVirtualThread(executor)).isTrue();
			});
	}

	private static boolean runsOnVirtualThread(KeyedExecutor executor) throws Exception {
		AtomicReference<Thread> thread = new AtomicReference<>();
		CompletableFuture<Void> done = executor.submit("key", () -> thread.set(Thread.currentThread()));
		done.get(10, TimeUnit.SECONDS);
		return (boolean) Thread.class.getMethod("isVirtual").invoke(thread.get());
	}

}

package dev.eventbus.core.keyed;

/**
 * What a {@link KeyedExecutor#shutdown(java.time.Duration)} left behind.
 *
 * @param terminated whether every accepted task finished within the timeout
 * @param unstartedTasks tasks still queued at the deadline; they were discarded (their futures
 * completed exceptionally with a {@link java.util.concurrent.CancellationException})
 * @param runningTasks tasks still running at the deadline; their threads were interrupted
 * @param unstartedKeys number of distinct keys among the unstarted tasks
 */
public record ShutdownReport(boolean terminated, int unstartedTasks, int runningTasks, int unstartedKeys) {

}

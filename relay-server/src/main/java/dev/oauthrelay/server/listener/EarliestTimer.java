package dev.oauthrelay.server.listener;

import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * At most one pending task on a channel's event loop, due no later than the earliest time asked
 * for: a later request leaves an earlier task in place (the task looks again when it runs), an
 * earlier one replaces it. So a connection costs one scheduled task however often its deadlines
 * move, and no thread waits. Used on the event loop only.
 */
final class EarliestTimer {

    private final EventExecutor executor;
    private final Runnable task;
    private ScheduledFuture<?> pending;

    EarliestTimer(EventExecutor executor, Runnable task) {
        this.executor = executor;
        this.task = task;
    }

    /** Makes sure the task runs within {@code delayNanos} (at once if negative). */
    void runWithin(long delayNanos) {
        if (pending != null && pending.getDelay(TimeUnit.NANOSECONDS) <= delayNanos) {
            return;
        }
        cancel();
        pending = executor.schedule(() -> {
            pending = null;
            task.run();
        }, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
    }

    void cancel() {
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
    }
}

package dev.oauthrelay.server.upstream;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Matches replies to reads in order (RFC 5321 section 4.2, and RFC 2920 for pipelined commands),
 * with a timeout on each read. A reply that arrives while no read is waiting (an early reply, or a
 * {@code 421} on an idle connection) is kept for the next read, so no reply is ever matched to the
 * wrong command. Once broken, every waiting and later read fails with the first cause.
 * Thread-safe.
 */
final class ReplyQueue {

    /** A server that keeps talking unasked is broken; this bounds what is kept. */
    static final int MAX_UNSOLICITED = 8;

    private static final class Pending {
        final CompletableFuture<Reply> future = new CompletableFuture<>();
        ScheduledFuture<?> timer;
    }

    private final ScheduledExecutorService timers;
    private final Consumer<RuntimeException> breaker;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private final ArrayDeque<Reply> unsolicited = new ArrayDeque<>();
    private RuntimeException failure;

    /**
     * @param timers  where read timeouts run (the channel's event loop)
     * @param breaker called when a read times out or too many unsolicited replies arrive: breaks
     *                the connection (and, through {@link #fail}, this queue)
     */
    ReplyQueue(ScheduledExecutorService timers, Consumer<RuntimeException> breaker) {
        this.timers = timers;
        this.breaker = breaker;
    }

    /** The next reply; fails if none arrives within {@code timeout} or the connection breaks. */
    CompletableFuture<Reply> next(Duration timeout) {
        synchronized (this) {
            Reply ready = unsolicited.poll();
            if (ready != null) {
                return CompletableFuture.completedFuture(ready);
            }
            if (failure != null) {
                return CompletableFuture.failedFuture(failure);
            }
            Pending p = new Pending();
            p.timer = timers.schedule(() -> timedOut(p, timeout), timeout.toMillis(), TimeUnit.MILLISECONDS);
            pending.add(p);
            return p.future;
        }
    }

    /** A reply from the server. */
    void deliver(Reply reply) {
        Pending p;
        synchronized (this) {
            p = pending.poll();
            if (p == null) {
                if (unsolicited.size() < MAX_UNSOLICITED) {
                    unsolicited.add(reply);
                    return;
                }
            }
        }
        if (p == null) {
            breaker.accept(new ConnectionLostException("too many unsolicited replies from upstream"));
            return;
        }
        p.timer.cancel(false);
        p.future.complete(reply);
    }

    /** Fails every waiting read; later reads fail too (after any kept replies). First cause wins. */
    void fail(RuntimeException cause) {
        List<Pending> failed;
        RuntimeException first;
        synchronized (this) {
            if (failure == null) {
                failure = cause;
            }
            first = failure;
            failed = new ArrayList<>(pending);
            pending.clear();
        }
        for (Pending p : failed) {
            p.timer.cancel(false);
            p.future.completeExceptionally(first);
        }
    }

    synchronized boolean failed() {
        return failure != null;
    }

    /** Why it broke, or null. */
    synchronized RuntimeException failure() {
        return failure;
    }

    /** Whether a reply arrived that no read has taken. */
    synchronized boolean hasUnsolicited() {
        return !unsolicited.isEmpty();
    }

    private void timedOut(Pending p, Duration timeout) {
        synchronized (this) {
            if (!pending.contains(p)) {
                return;
            }
        }
        breaker.accept(new ConnectionLostException("no reply from upstream within " + timeout));
    }
}

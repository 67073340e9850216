package dev.oauthrelay.server.upstream;

import dev.oauthrelay.delivery.AttemptResult.Stage;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Authenticated connections per mailbox, and the limit on how many a mailbox has at once.
 *
 * <p>Exchange Online allows 3 concurrent SMTP AUTH connections per mailbox and answers
 * {@code 432 4.3.2 ... sender thread limit exceeded} beyond that, so a submission that would
 * exceed the limit waits for its turn here instead of failing. A turn ({@link Lease}) is either an
 * idle connection to reuse (no new TLS handshake, no new AUTH) or the right to open one. Every
 * lease ends with {@link #release} or {@link #releasePermit}; a connection's place in the count is
 * given up only once it is closed, so the server never sees more than the limit. Idle connections
 * are closed with QUIT after the idle timeout. Mailbox names compare case-insensitively.
 */
final class ConnectionPool {

    /** A turn for one submission: an idle connection, or null for the right to open a new one. */
    record Lease(UpstreamConnection connection) {}

    private static final class Slot {
        /** Connections that count against the limit: being opened, in use, or idle. */
        int open;
        final ArrayDeque<UpstreamConnection> idle = new ArrayDeque<>();
        final ArrayDeque<CompletableFuture<Lease>> waiters = new ArrayDeque<>();
    }

    private final int maxPerMailbox;
    private final Duration idleTimeout;
    private final Duration quitTimeout;
    private final Map<String, Slot> slots = new HashMap<>();
    private boolean closed;

    ConnectionPool(int maxPerMailbox, Duration idleTimeout, Duration quitTimeout) {
        this.maxPerMailbox = maxPerMailbox;
        this.idleTimeout = idleTimeout;
        this.quitTimeout = quitTimeout;
    }

    /** A turn for {@code mailbox}; waits (without failing) while the mailbox is at its limit. */
    CompletableFuture<Lease> acquire(String mailbox) {
        List<UpstreamConnection> dead = new ArrayList<>();
        CompletableFuture<Lease> turn;
        synchronized (this) {
            if (closed) {
                return CompletableFuture.failedFuture(UpstreamFailure.of(Stage.CONNECT, null, "upstream client is closed"));
            }
            Slot slot = slots.computeIfAbsent(key(mailbox), k -> new Slot());
            Lease lease = null;
            // Most recently used first: the others age out and are closed.
            while (lease == null && !slot.idle.isEmpty()) {
                UpstreamConnection conn = slot.idle.pollFirst();
                conn.cancelIdleTimer();
                if (conn.isUsable()) {
                    lease = new Lease(conn);
                } else {
                    dead.add(conn); // closed by the server while idle, or sent something unasked
                    slot.open--;
                }
            }
            if (lease == null && slot.open < maxPerMailbox) {
                slot.open++;
                lease = new Lease(null);
            }
            if (lease != null) {
                turn = CompletableFuture.completedFuture(lease);
            } else {
                turn = new CompletableFuture<>();
                slot.waiters.add(turn);
            }
        }
        dead.forEach(UpstreamConnection::close);
        return turn;
    }

    /**
     * The submission is done with {@code conn}. A reusable connection goes to the next waiting
     * submission or becomes idle; any other is closed (QUIT if still healthy) and its place freed.
     */
    void release(UpstreamConnection conn, boolean reusable) {
        if (reusable && conn.isUsable()) {
            CompletableFuture<Lease> waiter = null;
            synchronized (this) {
                if (!closed) {
                    Slot slot = slots.get(key(conn.mailbox()));
                    waiter = slot.waiters.poll();
                    if (waiter == null) {
                        slot.idle.addFirst(conn);
                        if (scheduleIdleTimeout(conn)) {
                            return;
                        }
                        slot.idle.remove(conn);
                    }
                }
            }
            if (waiter != null) {
                waiter.complete(new Lease(conn));
                return;
            }
        }
        conn.quit(quitTimeout).whenComplete((v, t) -> releasePermit(conn.mailbox()));
    }

    /** A lease that held no connection (or whose connection is gone) ends: its place goes on. */
    void releasePermit(String mailbox) {
        CompletableFuture<Lease> waiter = null;
        synchronized (this) {
            Slot slot = slots.get(key(mailbox));
            if (slot == null) {
                return;
            }
            if (!closed) {
                waiter = slot.waiters.poll();
            }
            if (waiter == null) {
                slot.open--;
                if (slot.open <= 0 && slot.idle.isEmpty() && slot.waiters.isEmpty()) {
                    slots.remove(key(mailbox));
                }
            }
        }
        if (waiter != null) {
            waiter.complete(new Lease(null));
        }
    }

    /** A connection closed on its own (e.g. the server dropped it): if it was idle, free its place. */
    void closed(UpstreamConnection conn) {
        if (removeIdle(conn)) {
            releasePermit(conn.mailbox());
        }
    }

    /** QUITs all idle connections and turns waiting submissions away. */
    CompletableFuture<Void> close() {
        List<UpstreamConnection> idle = new ArrayList<>();
        List<CompletableFuture<Lease>> waiters = new ArrayList<>();
        synchronized (this) {
            closed = true;
            for (Slot slot : slots.values()) {
                slot.idle.forEach(UpstreamConnection::cancelIdleTimer);
                idle.addAll(slot.idle);
                slot.idle.clear();
                waiters.addAll(slot.waiters);
                slot.waiters.clear();
            }
        }
        waiters.forEach(w -> w.completeExceptionally(UpstreamFailure.of(Stage.CONNECT, null, "upstream client is closed")));
        return CompletableFuture.allOf(idle.stream().map(c -> c.quit(quitTimeout)).toArray(CompletableFuture[]::new));
    }

    /** For tests: connections counted against the mailbox's limit. */
    synchronized int openConnections(String mailbox) {
        Slot slot = slots.get(key(mailbox));
        return slot == null ? 0 : slot.open;
    }

    private boolean scheduleIdleTimeout(UpstreamConnection conn) {
        try {
            conn.idleTimer(conn.eventLoop().schedule(() -> {
                if (removeIdle(conn)) {
                    conn.quit(quitTimeout).whenComplete((v, t) -> releasePermit(conn.mailbox()));
                }
            }, idleTimeout.toMillis(), TimeUnit.MILLISECONDS));
            return true;
        } catch (RejectedExecutionException e) {
            return false; // event loop shutting down
        }
    }

    private synchronized boolean removeIdle(UpstreamConnection conn) {
        Slot slot = slots.get(key(conn.mailbox()));
        if (slot != null && slot.idle.remove(conn)) {
            conn.cancelIdleTimer();
            return true;
        }
        return false;
    }

    private static String key(String mailbox) {
        return mailbox.toLowerCase(Locale.ROOT);
    }
}

package dev.oauthrelay.server.graph;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * At most {@code limit} requests at once per mailbox, without blocking a thread: a caller past the
 * limit gets a future that completes when a permit is released. Graph allows 4 concurrent
 * requests per app and mailbox and answers 429 beyond that ("Outlook service limits").
 */
final class MailboxPermits {

    private final int limit;
    private final Map<String, State> byMailbox = new HashMap<>();

    private static final class State {
        int inUse;
        final ArrayDeque<CompletableFuture<Void>> waiting = new ArrayDeque<>();
    }

    MailboxPermits(int limit) {
        this.limit = limit;
    }

    CompletableFuture<Void> acquire(String mailbox) {
        String key = mailbox.toLowerCase(Locale.ROOT);
        synchronized (this) {
            State s = byMailbox.computeIfAbsent(key, k -> new State());
            if (s.inUse < limit) {
                s.inUse++;
                return CompletableFuture.completedFuture(null);
            }
            CompletableFuture<Void> turn = new CompletableFuture<>();
            s.waiting.add(turn);
            return turn;
        }
    }

    void release(String mailbox) {
        String key = mailbox.toLowerCase(Locale.ROOT);
        CompletableFuture<Void> next;
        synchronized (this) {
            State s = byMailbox.get(key);
            if (s == null) {
                return;
            }
            next = s.waiting.poll();
            if (next == null) {
                s.inUse--;
                if (s.inUse == 0) {
                    byMailbox.remove(key);
                }
            }
        }
        if (next != null) {
            next.complete(null); // the permit passes on; completed outside the lock
        }
    }

    /** Requests running for the mailbox now (tests). */
    synchronized int inUse(String mailbox) {
        State s = byMailbox.get(mailbox.toLowerCase(Locale.ROOT));
        return s == null ? 0 : s.inUse;
    }
}

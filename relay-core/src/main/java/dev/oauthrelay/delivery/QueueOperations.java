package dev.oauthrelay.delivery;

import dev.oauthrelay.spool.QueueId;
import dev.oauthrelay.spool.Spool;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * What an operator may do to the queue while the relay runs (the admin API and
 * {@code relay queue}). The {@link DeliveryScheduler} owns the queue, so it carries these out: it
 * knows which message an attempt is reading. {@code by} names who asked, for the log line every
 * request gets. The futures never complete exceptionally with a refusal: that is a result.
 */
public interface QueueOperations {

    /** What the relay is doing with a message right now, for listings. */
    enum Activity {
        /** An attempt is submitting it upstream. */
        ATTEMPT_IN_PROGRESS,
        /** An attempt is in progress and an operator deleted it: it goes when the attempt ends. */
        DELETE_PENDING,
        /** Due: an attempt starts as soon as a delivery slot is free. */
        DUE,
        /** Waiting for its next attempt. */
        WAITING,
        /** An operator's change (delete, release) is being carried out. */
        OPERATOR_CHANGE
    }

    /** Schedules an attempt of a queued message at once, instead of at its next attempt time. */
    CompletableFuture<OperatorResult> retryNow(QueueId id, String by);

    /** {@link #retryNow} for every message waiting for its next attempt. */
    CompletableFuture<OperatorResult> retryAll(String by);

    /**
     * Removes a message for good, from the queue, the dead-letter folder or quarantine. A message
     * an attempt is reading is removed when the attempt ends ({@link OperatorResult.Outcome#PENDING}).
     */
    CompletableFuture<OperatorResult> delete(QueueId id, String by);

    /**
     * Puts a dead-lettered message back into the queue with {@link
     * dev.oauthrelay.spool.DeliveryState#released a fresh delivery state}: the recipients that
     * failed are tried again at once; those the upstream accepted are never sent again.
     */
    CompletableFuture<OperatorResult> release(QueueId id, String by);

    /** A snapshot of what the relay is doing with each message it is scheduling. */
    CompletableFuture<Map<QueueId, Activity>> activity();

    /**
     * The operations of a relay that does not deliver (no app registration configured): there is
     * no attempt to coordinate with, so delete and release act on the files at once (one request
     * at a time); retry is refused, as nothing would be sent.
     */
    static QueueOperations withoutDelivery(Spool spool, Clock clock) {
        return new SpoolOnlyOperations(spool, clock);
    }
}

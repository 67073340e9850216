package dev.oauthrelay.delivery;

import dev.oauthrelay.spool.QueueId;
import dev.oauthrelay.spool.Spool;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** {@link QueueOperations#withoutDelivery}: no attempts to coordinate with; one request at a time. */
final class SpoolOnlyOperations implements QueueOperations {

    private static final OperatorResult NOT_DELIVERING = OperatorResult.refused(
            "the relay does not deliver (relay.oauth is not configured), so there is nothing to retry");

    private final Spool spool;
    private final Clock clock;

    SpoolOnlyOperations(Spool spool, Clock clock) {
        this.spool = spool;
        this.clock = clock;
    }

    @Override
    public CompletableFuture<OperatorResult> retryNow(QueueId id, String by) {
        return logged("retry", id, by, NOT_DELIVERING);
    }

    @Override
    public CompletableFuture<OperatorResult> retryAll(String by) {
        return logged("retry", "all", by, NOT_DELIVERING);
    }

    @Override
    public synchronized CompletableFuture<OperatorResult> delete(QueueId id, String by) {
        try {
            return logged("delete", id, by, QueueMaintenance.delete(spool, id));
        } catch (IOException e) {
            return failed(e);
        }
    }

    @Override
    public synchronized CompletableFuture<OperatorResult> release(QueueId id, String by) {
        try {
            return logged("release", id, by, QueueMaintenance.release(spool, id, clock.instant()));
        } catch (IOException e) {
            return failed(e);
        }
    }

    @Override
    public CompletableFuture<Map<QueueId, Activity>> activity() {
        return CompletableFuture.completedFuture(Map.of());
    }

    private static CompletableFuture<OperatorResult> failed(IOException e) {
        org.slf4j.LoggerFactory.getLogger(SpoolOnlyOperations.class).error("queue change failed", e);
        return CompletableFuture.failedFuture(e);
    }

    private static CompletableFuture<OperatorResult> logged(String operation, Object target, String by, OperatorResult r) {
        QueueMaintenance.logged(operation, target, by, r);
        return CompletableFuture.completedFuture(r);
    }
}

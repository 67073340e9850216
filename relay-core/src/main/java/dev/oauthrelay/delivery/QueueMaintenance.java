package dev.oauthrelay.delivery;

import dev.oauthrelay.spool.DamagedFile;
import dev.oauthrelay.spool.DeliveryState;
import dev.oauthrelay.spool.QueueEntry;
import dev.oauthrelay.spool.QueueId;
import dev.oauthrelay.spool.Spool;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file side of the operator's delete and release. The caller makes sure no attempt is
 * reading the message (the scheduler, or a relay that does not deliver).
 */
final class QueueMaintenance {

    private static final Logger log = LoggerFactory.getLogger("dev.oauthrelay.queue");

    private QueueMaintenance() {
    }

    /** Deletes the message wherever it is: queue, dead-letter folder, quarantine. */
    static OperatorResult delete(Spool spool, QueueId id) throws IOException {
        if (spool.isQueued(id)) {
            spool.remove(id);
            return OperatorResult.done("deleted " + id + " from the queue");
        }
        if (spool.removeDeadLetter(id)) {
            return OperatorResult.done("deleted " + id + " from the dead-letter folder");
        }
        int quarantined = spool.removeQuarantined(id);
        if (quarantined > 0) {
            return OperatorResult.done("deleted " + quarantined + " quarantined file(s) of " + id);
        }
        return OperatorResult.notFound(id);
    }

    /** Moves a dead letter back into the queue with its failed recipients pending (see {@link DeliveryState#released}). */
    static OperatorResult release(Spool spool, QueueId id, Instant now) throws IOException {
        if (spool.isQueued(id)) {
            return OperatorResult.refused(id + " is queued, not dead-lettered: use retry to try it now");
        }
        if (!spool.isDeadLettered(id)) {
            boolean quarantined = spool.contents(id).damaged().stream()
                    .anyMatch(d -> d.folder() == QueueEntry.Folder.QUARANTINE);
            return quarantined ? OperatorResult.refused(id + " is quarantined: its file failed the integrity checks and"
                    + " cannot be delivered as it is; inspect " + quarantineFiles(spool, id) + ", then delete it")
                    : OperatorResult.notFound(id);
        }
        Optional<DeliveryState> kept = spool.readDeadLetterState(id);
        if (kept.isEmpty()) {
            return OperatorResult.refused("no delivery state was kept with dead letter " + id + " (dead-lettered by an"
                    + " older version), so it is unknown which recipients already have it; its report is "
                    + spool.deadLetterDir().resolve(id.value() + ".report") + ": re-send it by hand, then delete it");
        }
        DeliveryState fresh = kept.get().released(now);
        if (fresh.pending().isEmpty()) {
            return OperatorResult.refused(id + " has no failed recipient to send again");
        }
        spool.release(id, fresh);
        return OperatorResult.done("released " + id + " into the queue: " + fresh.pending().size()
                + " failed recipient(s) to try again " + fresh.pending() + ", " + fresh.delivered().size()
                + " already delivered and not sent again");
    }

    private static String quarantineFiles(Spool spool, QueueId id) throws IOException {
        return spool.contents(id).damaged().stream().map(DamagedFile::file).map(Object::toString).toList().toString();
    }

    /** The log line of every operator request; {@code by} says who asked. */
    static void logged(String operation, Object target, String by, OperatorResult result) {
        if (result.outcome() == OperatorResult.Outcome.DONE || result.outcome() == OperatorResult.Outcome.PENDING) {
            log.info("queue {} {} by {}: {}: {}", operation, target, by, result.outcome(), result.message());
        } else {
            log.warn("queue {} {} by {}: {}: {}", operation, target, by, result.outcome(), result.message());
        }
    }
}

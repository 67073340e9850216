package dev.oauthrelay.spool;

import java.util.List;

/**
 * The outcome of {@link Spool#recover()}.
 *
 * @param queued           the valid committed entries, sorted by id (arrival order)
 * @param removedLeftovers temp files of messages never acknowledged, now deleted
 * @param quarantined      entries moved from {@code queue/} to {@code quarantine/}
 */
public record RecoveryReport(List<QueueId> queued, int removedLeftovers, int quarantined) {

    public RecoveryReport {
        queued = List.copyOf(queued);
    }
}

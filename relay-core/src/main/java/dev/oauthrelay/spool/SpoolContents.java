package dev.oauthrelay.spool;

import java.util.List;

/** What {@link Spool#contents()} found: readable messages (queue, then dead letters) and damaged files. */
public record SpoolContents(List<QueueEntry> entries, List<DamagedFile> damaged) {

    public SpoolContents {
        entries = List.copyOf(entries);
        damaged = List.copyOf(damaged);
    }
}

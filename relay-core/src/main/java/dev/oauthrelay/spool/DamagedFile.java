package dev.oauthrelay.spool;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * A spool file an operator must look at by hand: quarantined at start-up, or unreadable in
 * {@code queue/} or {@code deadletter/} (it is quarantined at the next start).
 *
 * @param name    the file name
 * @param id      the queue id its name starts with, if any
 * @param problem why it is listed here
 */
public record DamagedFile(QueueEntry.Folder folder, String name, Optional<QueueId> id, Path file, long size,
                          Instant modified, String problem) {
}

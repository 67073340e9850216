package dev.oauthrelay.spool;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A message as an operator sees it: its envelope and delivery state, read from {@code queue/} or
 * {@code deadletter/} without checking the body (a listing must stay cheap for a large queue;
 * delivery validates every entry it reads).
 *
 * @param folder     where the message lies
 * @param file       its spool file
 * @param bodyOffset where the message bytes start in the file (after the envelope section)
 * @param bodySize   how many message bytes the file holds
 * @param state      the delivery state, empty if no attempt was made yet (or, for a dead letter,
 *                   if it was dead-lettered before states were kept beside dead letters)
 */
public record QueueEntry(Folder folder, QueueId id, Path file, Envelope envelope, long bodyOffset, long bodySize,
                         Optional<DeliveryState> state) {

    /** The spool folders an operator can see. */
    public enum Folder {
        /** {@code queue/}: waiting for delivery. */
        QUEUE,
        /** {@code deadletter/}: failed for good, kept for the operator. */
        DEAD_LETTER,
        /** {@code quarantine/}: damaged, moved aside at start-up, never delivered. */
        QUARANTINE
    }
}

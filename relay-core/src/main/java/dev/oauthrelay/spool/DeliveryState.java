package dev.oauthrelay.spool;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How far delivery of one queued message has come, per recipient. Kept next to the message in
 * {@code state/<id>.state} and replaced atomically after every attempt, so a recipient the
 * upstream has accepted is never sent again, even after a crash.
 *
 * @param attempts            attempts made so far
 * @param nextAttempt         not before this time
 * @param lastError           why the last attempt did not finish the message ("" if none)
 * @param possibleDuplicate   an attempt lost its connection after the final dot, so the upstream
 *                            may already have the message (RFC 5321 section 6.1 leaves this open)
 * @param recipients          every recipient's status, in envelope order
 * @param releasedAt          when an operator last released the message from the dead-letter folder
 *                            (its maximum age counts from then), or {@code null} if never
 */
public record DeliveryState(int attempts, Instant nextAttempt, String lastError, boolean possibleDuplicate,
                            Map<String, RecipientStatus> recipients, Instant releasedAt) {

    public enum Status { PENDING, DELIVERED, FAILED }

    /** One recipient: its status and the upstream's reply that decided it ("" while pending). */
    public record RecipientStatus(Status status, String reply) {
    }

    public DeliveryState {
        recipients = Collections.unmodifiableMap(new LinkedHashMap<>(recipients));
    }

    /** A state of a message that was never released. */
    public DeliveryState(int attempts, Instant nextAttempt, String lastError, boolean possibleDuplicate,
                         Map<String, RecipientStatus> recipients) {
        this(attempts, nextAttempt, lastError, possibleDuplicate, recipients, null);
    }

    /** The state of a message nobody has tried to deliver yet. */
    public static DeliveryState initial(Envelope envelope) {
        Map<String, RecipientStatus> r = new LinkedHashMap<>();
        for (String rcpt : envelope.recipients()) {
            r.put(rcpt, new RecipientStatus(Status.PENDING, ""));
        }
        return new DeliveryState(0, envelope.receivedAt(), "", false, r);
    }

    public List<String> pending() {
        return recipients.entrySet().stream().filter(e -> e.getValue().status() == Status.PENDING)
                .map(Map.Entry::getKey).toList();
    }

    public List<String> failed() {
        return recipients.entrySet().stream().filter(e -> e.getValue().status() == Status.FAILED)
                .map(Map.Entry::getKey).toList();
    }

    public List<String> delivered() {
        return recipients.entrySet().stream().filter(e -> e.getValue().status() == Status.DELIVERED)
                .map(Map.Entry::getKey).toList();
    }

    public boolean finished() {
        return pending().isEmpty();
    }

    /** When the message's maximum age starts: at reception, or at its last release. */
    public Instant ageCountsFrom(Envelope envelope) {
        return releasedAt != null && releasedAt.isAfter(envelope.receivedAt()) ? releasedAt : envelope.receivedAt();
    }

    /**
     * The state of a dead-lettered message an operator puts back into the queue at {@code now}:
     * every recipient that failed is pending again, recipients the upstream accepted stay
     * delivered and are never sent again; attempts start over, the next attempt is due at once and the maximum age counts from
     * {@code now}.
     */
    public DeliveryState released(Instant now) {
        Map<String, RecipientStatus> r = new LinkedHashMap<>();
        recipients.forEach((rcpt, s) -> r.put(rcpt, s.status() == Status.FAILED ? new RecipientStatus(Status.PENDING, "") : s));
        return new DeliveryState(0, now, "", possibleDuplicate, r, now);
    }
}

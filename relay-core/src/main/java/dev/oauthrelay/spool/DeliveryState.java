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
 */
public record DeliveryState(int attempts, Instant nextAttempt, String lastError, boolean possibleDuplicate,
                            Map<String, RecipientStatus> recipients) {

    public enum Status { PENDING, DELIVERED, FAILED }

    /** One recipient: its status and the upstream's reply that decided it ("" while pending). */
    public record RecipientStatus(Status status, String reply) {
    }

    public DeliveryState {
        recipients = Collections.unmodifiableMap(new LinkedHashMap<>(recipients));
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

    public boolean finished() {
        return pending().isEmpty();
    }
}

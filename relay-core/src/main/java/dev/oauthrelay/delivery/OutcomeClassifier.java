package dev.oauthrelay.delivery;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one place that decides what an attempt's result means for each recipient (the role of
 * Postfix's smtp_trouble.c): 2xx delivered; 4xx, network, TLS and token trouble deferred; 5xx
 * failed. Authentication failures defer even though they are 5xx: a rejected token is the relay's
 * problem (an expired secret, missing consent), not the message's, and the device already has its
 * 250, so the message waits until an operator fixes the tenant.
 *
 * <p>When the next try is: the retry policy's backoff, unless the upstream said when
 * ({@link #retryAfter}).
 */
public final class OutcomeClassifier {

    private OutcomeClassifier() {
    }

    public static Map<String, RecipientOutcome> classify(AttemptResult result, List<String> recipients) {
        Map<String, RecipientOutcome> out = new LinkedHashMap<>();
        if (result instanceof AttemptResult.Failed failed) {
            RecipientOutcome all = failedSession(failed);
            recipients.forEach(r -> out.put(r, all));
            return out;
        }
        AttemptResult.Completed done = (AttemptResult.Completed) result;
        for (String r : recipients) {
            RemoteReply rcpt = done.recipientReplies().get(r);
            out.put(r, rcpt == null ? new RecipientOutcome.Deferred("no RCPT reply for this recipient")
                    : forRecipient(rcpt, done.dataReply()));
        }
        return out;
    }

    /** Never retry sooner than this, whatever the upstream says ({@code Retry-After: 0} must not spin). */
    static final Duration MIN_RETRY_AFTER = Duration.ofSeconds(1);

    /**
     * The wait the upstream asked for before the next try (Graph's {@code Retry-After} on 429 and
     * 503, RFC 9110 section 10.2.3), at least {@link #MIN_RETRY_AFTER}; empty if it did not ask,
     * and the retry policy decides.
     */
    public static Optional<Duration> retryAfter(AttemptResult result) {
        if (result instanceof AttemptResult.Failed f && f.retryAfter() != null) {
            return Optional.of(f.retryAfter().compareTo(MIN_RETRY_AFTER) < 0 ? MIN_RETRY_AFTER : f.retryAfter());
        }
        return Optional.empty();
    }

    private static RecipientOutcome failedSession(AttemptResult.Failed failed) {
        RemoteReply reply = failed.reply();
        String reason = failed.stage() + ": " + (reply != null ? reply + " (" + failed.reason() + ")" : failed.reason());
        if (failed.stage() == AttemptResult.Stage.MAIL && reply != null && reply.isPermanent()) {
            return new RecipientOutcome.Failed(reply.toString());
        }
        return new RecipientOutcome.Deferred(reason);
    }

    private static RecipientOutcome forRecipient(RemoteReply rcpt, RemoteReply data) {
        if (rcpt.isPermanent()) {
            return new RecipientOutcome.Failed(rcpt.toString());
        }
        if (!rcpt.isPositive()) {
            return new RecipientOutcome.Deferred("RCPT: " + rcpt);
        }
        if (data == null) {
            return new RecipientOutcome.Deferred("DATA was not sent");
        }
        if (data.isPositive()) {
            return new RecipientOutcome.Delivered(data.toString());
        }
        return data.isPermanent() ? new RecipientOutcome.Failed(data.toString())
                : new RecipientOutcome.Deferred("DATA: " + data);
    }
}

package dev.oauthrelay.delivery;

/** What one attempt decided for one recipient. */
public sealed interface RecipientOutcome {

    /** The upstream took responsibility for this recipient (RFC 5321 section 6.1). */
    record Delivered(String reply) implements RecipientOutcome {
    }

    /** Try again later. */
    record Deferred(String reason) implements RecipientOutcome {
    }

    /** Refused for good; the reply goes into the dead-letter report and the notification. */
    record Failed(String reply) implements RecipientOutcome {
    }
}

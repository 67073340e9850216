package dev.oauthrelay.policy;

import dev.oauthrelay.smtp.SmtpReply;

/** The outcome of checking an envelope sender against an identity. */
public sealed interface SenderDecision {

    /** Accepted; {@code sender} is what goes into the envelope (the mailbox, if rewritten). */
    record Accept(String sender, boolean rewritten) implements SenderDecision {
    }

    /** Refused with this reply. */
    record Reject(SmtpReply reply) implements SenderDecision {
    }
}

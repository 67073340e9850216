package dev.oauthrelay.policy;

/** What happens when a device uses an envelope sender its identity may not use. */
public enum SenderMismatch {
    /** Refuse at MAIL FROM with a reply that names the sender to use. */
    REJECT,
    /** Accept, and rewrite the envelope sender to the identity's mailbox. */
    REWRITE
}

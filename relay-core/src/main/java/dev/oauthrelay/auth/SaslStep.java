package dev.oauthrelay.auth;

import dev.oauthrelay.smtp.SmtpReply;

/** What a SASL exchange needs next (RFC 4954 section 4). */
public sealed interface SaslStep {

    /** Send this 334 challenge and feed the client's next line to the mechanism. */
    record Challenge(SmtpReply reply) implements SaslStep {
    }

    /** The exchange produced credentials to check. {@link #toString()} never shows the password. */
    record Credentials(String username, String password) implements SaslStep {
        @Override
        public String toString() {
            return "Credentials[" + username + "]";
        }
    }

    /** The exchange failed (bad base64, bad framing, cancelled) with this reply. */
    record Failure(SmtpReply reply) implements SaslStep {
    }
}

package dev.oauthrelay.delivery;

import java.util.Map;

/** What happened in one attempt to submit a message upstream. */
public sealed interface AttemptResult {

    /** Where a failed attempt stopped. */
    enum Stage {
        /** No token could be obtained; nothing was sent. */
        TOKEN,
        /** TCP connect failed, or the server greeted with an error. */
        CONNECT,
        /** STARTTLS missing, refused, or the certificate did not verify: no AUTH was sent. */
        TLS,
        /** AUTH XOAUTH2 refused (after one retry with a fresh token). */
        AUTH,
        /** MAIL FROM refused. */
        MAIL,
        /** The connection broke or timed out in the middle of the transaction. */
        CONNECTION_LOST
    }

    /**
     * The attempt failed before any recipient was accepted, or the connection was lost.
     *
     * @param stage  where it stopped
     * @param reply  the upstream's reply, if there was one
     * @param reason a short explanation for logs and notifications (no secrets)
     * @param afterFinalDot true if the connection was lost after the final dot was sent and before
     *               the reply: the upstream may have taken the message, so a retry may duplicate it
     * @param retryAfter when the upstream asked to be tried again (an HTTP {@code Retry-After}), or
     *               null: the retry policy decides
     */
    record Failed(Stage stage, RemoteReply reply, String reason, boolean afterFinalDot, java.time.Duration retryAfter)
            implements AttemptResult {

        public Failed {
            if (retryAfter != null && retryAfter.isNegative()) {
                retryAfter = java.time.Duration.ZERO;
            }
        }

        /** A failure without a retry time of the upstream's. */
        public Failed(Stage stage, RemoteReply reply, String reason, boolean afterFinalDot) {
            this(stage, reply, reason, afterFinalDot, null);
        }
    }

    /**
     * The transaction ran: each recipient's RCPT reply, and the reply to the end of data (null if
     * no recipient was accepted, so DATA was not sent).
     */
    record Completed(Map<String, RemoteReply> recipientReplies, RemoteReply dataReply) implements AttemptResult {
        public Completed {
            recipientReplies = Map.copyOf(recipientReplies);
        }
    }
}

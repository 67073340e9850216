package dev.oauthrelay.session;

import dev.oauthrelay.smtp.SmtpReply;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * What the transport must do after feeding the session a command, a TLS event or the end of the
 * data: send a reply and continue in some mode, or wait for blocking work (a password check, a
 * spool commit) that completes off the I/O thread. While a step is pending the transport stops
 * reading, so pipelined commands wait their turn.
 */
public sealed interface Step {

    /** The reading mode after the reply has been written. */
    enum Next {
        /** Read the next command line. */
        COMMAND,
        /** Read the message body (after 354). */
        DATA,
        /** Start the TLS handshake; discard anything the client already sent (RFC 3207 section 4.2). */
        START_TLS,
        /** Close the connection. */
        CLOSE
    }

    record Respond(SmtpReply reply, Next next) implements Step {
        public Respond {
            if (reply.close()) {
                next = Next.CLOSE;
            }
        }
    }

    /**
     * Blocking work is running elsewhere. When {@code work} completes, the transport calls the
     * supplier <em>on the session's own thread</em> to get the step that follows: the session is
     * not thread-safe, and this keeps every state change on one thread. {@code work} never
     * completes exceptionally; failures are mapped to replies inside it.
     */
    record Await(CompletionStage<Supplier<Step>> work) implements Step {
    }

    static Step reply(SmtpReply reply) {
        return new Respond(reply, Next.COMMAND);
    }
}

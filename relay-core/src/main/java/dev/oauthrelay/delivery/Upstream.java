package dev.oauthrelay.delivery;

import java.util.concurrent.CompletableFuture;

/**
 * The upstream submission service (Exchange Online over SMTP with XOAUTH2). Implementations
 * authenticate as the submission's mailbox, never send a token or a message over a connection
 * without verified TLS, and may reuse connections for further messages of the same mailbox.
 */
public interface Upstream extends AutoCloseable {

    /** Submits one message. The future never completes exceptionally: failures are results. */
    CompletableFuture<AttemptResult> submit(Submission submission);

    @Override
    void close();
}

package dev.oauthrelay.server.graph;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class MailboxPermitsTest {

    @Test
    void atMostTheLimitPerMailboxAndTheNextWaitsForARelease() {
        MailboxPermits permits = new MailboxPermits(2);
        assertThat(permits.acquire("printer@contoso.com")).isDone();
        assertThat(permits.acquire("PRINTER@contoso.com")).as("case does not make another mailbox").isDone();
        CompletableFuture<Void> third = permits.acquire("printer@contoso.com");
        assertThat(third).isNotDone();
        assertThat(permits.acquire("scanner@contoso.com")).as("other mailboxes are not held up").isDone();

        permits.release("printer@contoso.com");
        assertThat(third).isDone();
        assertThat(permits.inUse("printer@contoso.com")).isEqualTo(2);
        permits.release("printer@contoso.com");
        permits.release("printer@contoso.com");
        assertThat(permits.inUse("printer@contoso.com")).isZero();
    }
}

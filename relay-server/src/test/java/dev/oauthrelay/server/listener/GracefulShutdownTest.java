package dev.oauthrelay.server.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.oauthrelay.server.Relay;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stopping the relay: idle sessions are told at once, a message in progress may finish, nothing is half-written. */
class GracefulShutdownTest {

    @TempDir
    Path dir;

    private static SmtpTestClient trustedClient(int port) throws IOException {
        SmtpTestClient c = new SmtpTestClient(port, InetAddress.getByName("127.0.0.2"));
        c.reply();
        c.command("EHLO device");
        return c;
    }

    @Test
    void messageInProgressFinishesWhileIdleSessionsAndNewConnectionsAreTurnedAway() throws Exception {
        Relay relay = TestRelay.start(dir, "shutdown.grace-period = 20s");
        int port = relay.port("plain");
        try (SmtpTestClient idle = trustedClient(port); SmtpTestClient sending = trustedClient(port)) {
            sending.command("MAIL FROM:<scanner@contoso.com>");
            sending.command("RCPT TO:<a@example.org>");
            assertThat(sending.command("DATA")).startsWith("354");
            sending.send("Subject: half\r\n\r\nfirst half\r\n");

            CompletableFuture<Void> stopped = CompletableFuture.runAsync(relay::close);

            assertThat(idle.reply()).startsWith("421 4.3.2");
            assertThat(idle.closedByServer()).isTrue();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThatThrownBy(() -> new SmtpTestClient(port).close()).isInstanceOf(IOException.class));

            assertThat(sending.command("second half\r\n.")).startsWith("250 2.0.0 Ok: queued as");
            assertThat(sending.command("MAIL FROM:<scanner@contoso.com>")).startsWith("421 4.3.2");
            stopped.get(java.util.concurrent.TimeUnit.SECONDS.toMillis(25), java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        assertThat(relay.spool().queued()).hasSize(1);
    }

    @Test
    void afterTheGracePeriodUnfinishedMessagesAreRefusedAndLeaveNothingBehind() throws Exception {
        Relay relay = TestRelay.start(dir, "shutdown.grace-period = 1s");
        int port = relay.port("plain");
        try (SmtpTestClient slow = trustedClient(port)) {
            slow.command("MAIL FROM:<scanner@contoso.com>");
            slow.command("RCPT TO:<a@example.org>");
            assertThat(slow.command("DATA")).startsWith("354");
            slow.send("Subject: never finished\r\n\r\npart of a body\r\n");
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.list(relay.spool().tmpDir()).count() == 1);

            CompletableFuture<Void> stopped = CompletableFuture.runAsync(relay::close);

            assertThat(slow.reply()).startsWith("421 4.3.2");
            assertThat(slow.closedByServer()).isTrue();
            stopped.get(10, java.util.concurrent.TimeUnit.SECONDS);
        }
        assertThat(relay.spool().queued()).isEmpty();
        try (var leftovers = Files.list(relay.spool().tmpDir())) {
            assertThat(leftovers).isEmpty();
        }
    }
}

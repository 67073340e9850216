package dev.oauthrelay.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.oauthrelay.server.listener.SmtpTestClient;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to the relay process (what systemd, Docker and Kubernetes send), with one client idle
 * and one in the middle of DATA that never finishes. The shutdown hook (GracefulShutdownTest
 * covers its logic in-process) must answer the idle client {@code 421 4.3.2} at once, give the
 * other the grace period, then answer it {@code 421 4.3.2} too, and leave no half-written file.
 *
 * <p>Exit code: 143 (128 + SIGTERM). The JVM runs the shutdown hooks on the thread that handles
 * the signal, inside {@code Shutdown.exit(143)}; the hook's {@code relay.close()} releases the
 * main thread, whose {@code System.exit(0)} then blocks behind the shutdown already in progress
 * until the JVM halts with 143. So a clean stop by signal always reports 143 (an exit status, not
 * death by signal: a systemd unit needs {@code SuccessExitStatus=143}, as usual for Java services).
 */
class GracefulShutdownIT {

    private static final Duration GRACE = Duration.ofSeconds(3);
    /** Closing the rest after the grace period (delivery, executors, logging) takes well under this. */
    private static final Duration SLACK = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    @RegisterExtension
    final RelayExtension relays = new RelayExtension();

    private static SmtpTestClient trustedClient(int port) throws IOException {
        SmtpTestClient c = new SmtpTestClient(port, InetAddress.getByName(RelayProcess.TRUSTED_CLIENT));
        assertThat(c.reply()).startsWith("220");
        assertThat(c.command("EHLO device")).startsWith("250");
        return c;
    }

    @Test
    void sigtermTurnsIdleClientsAwayAtOnceEndsUnfinishedDataAfterTheGracePeriodAndExitsWithNothingHalfWritten()
            throws Exception {
        RelayProcess relay = relays.start(dir, "", "shutdown { grace-period = " + GRACE.toSeconds() + "s }");
        int port = relay.port(RelayProcess.PLAIN);
        long elapsedAtSenders421;
        long elapsedAtExit;
        OptionalInt exit;
        try (SmtpTestClient idle = trustedClient(port); SmtpTestClient sending = trustedClient(port)) {
            assertThat(sending.command("MAIL FROM:<" + RelayProcess.SCANNER_MAILBOX + ">")).startsWith("250");
            assertThat(sending.command("RCPT TO:<archive@contoso.com>")).startsWith("250");
            assertThat(sending.command("DATA")).startsWith("354");
            sending.send("Subject: never finished\r\n\r\nthe first half of a body\r\n");
            await("the message being written to spool/tmp").atMost(Duration.ofSeconds(10))
                    .until(() -> QueuedMessages.unfinished(relay.dataDir()).size() == 1);

            long t0 = System.nanoTime();
            relay.terminate();

            assertThat(idle.reply()).as("idle client after SIGTERM").startsWith("421 4.3.2");
            assertThat(idle.closedByServer()).isTrue();
            long elapsedAtIdle421 = millisSince(t0);
            assertThat(elapsedAtIdle421).as("ms until the idle client was told").isLessThan(GRACE.toMillis());

            assertThat(sending.reply()).as("client in the middle of DATA after the grace period").startsWith("421 4.3.2");
            elapsedAtSenders421 = millisSince(t0);
            assertThat(sending.closedByServer()).isTrue();

            exit = relay.awaitExit(GRACE.plus(SLACK).plus(Duration.ofSeconds(10)));
            elapsedAtExit = millisSince(t0);
        }
        assertThat(exit).as("relay exited after SIGTERM%n%s", relay.output()).isPresent();
        assertThat(exit.getAsInt()).as("exit code after SIGTERM (128 + 15)").isEqualTo(143);
        assertThat(elapsedAtSenders421).as("ms until the unfinished message was cut off")
                .isGreaterThanOrEqualTo(GRACE.toMillis() - 500);
        assertThat(elapsedAtExit).as("ms from SIGTERM to exit").isLessThan(GRACE.plus(SLACK).toMillis());
        assertThat(relay.output()).contains("relay stopped");

        assertThat(QueuedMessages.unfinished(relay.dataDir())).as("spool/tmp").isEmpty();
        assertThat(QueuedMessages.ids(relay.dataDir())).as("spool/queue").isEmpty();
        assertThat(QueuedMessages.quarantined(relay.dataDir())).as("spool/quarantine").isEmpty();
        System.out.printf("SIGTERM: idle client told at once, unfinished DATA cut off after %d ms, exit %d after %d ms%n",
                elapsedAtSenders421, exit.getAsInt(), elapsedAtExit);
    }

    private static long millisSince(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }
}

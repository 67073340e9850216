package dev.oauthrelay.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.oauthrelay.server.listener.SmtpTestClient;
import dev.oauthrelay.server.listener.TestRelay;
import dev.oauthrelay.spool.QueueId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The spool's file system fills up: the relay answers 452 4.3.1 or 451 4.3.0, never 250 for what
 * it could not store, keeps delivering what it has, and accepts again once space frees, without a
 * restart. The spool lives on a real, size-limited tmpfs (mounting needs root, as in CI).
 */
class DiskFullTest extends DeliveryTestSupport {

    private Path mountPoint;

    private static int sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }

    private void mountSmallDisk() throws Exception {
        mountPoint = dir.resolve("relay");
        Files.createDirectories(mountPoint);
        int rc = sh("mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", mountPoint.toString());
        assumeTrue(rc == 0, "mounting a 6 MiB tmpfs needs root (CI runs as root)");
    }

    @AfterEach
    void unmount() throws Exception {
        if (relay != null) {
            stopRelay();
        }
        if (mountPoint != null) {
            sh("umount", "-l", mountPoint.toString());
        }
    }

    @Test
    void fullSpoolRefusesWithoutAcknowledgingKeepsDeliveringAndRecovers() throws Exception {
        mountSmallDisk();
        standIns.exchange().refuseConnections(true); // nothing leaves, so the disk fills
        startRelay(standIns.hocon() + " limits { min-free-space = 512KiB, max-message-size = 10MiB }");
        String body = message("big", "x".repeat(1000)).replace("x".repeat(1000) + "\r\n",
                (("y".repeat(998) + "\r\n").repeat(1000)));

        List<String> acknowledged = new ArrayList<>();
        List<String> refusals = new ArrayList<>();
        try (SmtpTestClient c = TestRelay.trustedHost(relay, "scanner")) {
            for (int i = 0; i < 20 && refusals.size() < 3; i++) {
                String reply = sendAllowingRefusal(c, body);
                if (reply.startsWith("250")) {
                    acknowledged.add(SmtpTestClient.queueId(reply));
                } else {
                    refusals.add(reply);
                    assertThat(reply).matches("(452 4\\.3\\.1|451 4\\.3\\.0) .*");
                }
            }
        }
        assertThat(acknowledged).as("some messages fit").isNotEmpty();
        assertThat(refusals).as("the disk filled up").isNotEmpty();
        // Every 250 is a complete, valid entry; nothing half-written is left.
        for (String id : acknowledged) {
            assertThat(relay.spool().read(QueueId.parse(id)).bodySize()).isGreaterThan(1_000_000);
        }
        try (var tmp = Files.list(relay.spool().tmpDir())) {
            assertThat(tmp).isEmpty();
        }

        standIns.exchange().refuseConnections(false);
        until("everything stored is delivered", () -> queued().isEmpty()
                && standIns.exchange().messages().size() == acknowledged.size());

        try (SmtpTestClient c = TestRelay.trustedHost(relay, "scanner")) {
            assertThat(sendAllowingRefusal(c, body)).as("accepting again without a restart").startsWith("250 2.0.0");
        }
    }

    /** One transaction in which MAIL FROM or the end of data may be refused; returns the deciding reply. */
    private static String sendAllowingRefusal(SmtpTestClient c, String content) throws IOException {
        String mail = c.command("MAIL FROM:<scanner@contoso.com>");
        if (!mail.startsWith("250")) {
            return mail;
        }
        c.expect(c.command("RCPT TO:<archive@contoso.com>"), "250");
        c.expect(c.command("DATA"), "354");
        c.send(content);
        return c.command(".");
    }
}

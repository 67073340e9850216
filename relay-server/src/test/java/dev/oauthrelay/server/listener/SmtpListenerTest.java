package dev.oauthrelay.server.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.oauthrelay.server.Relay;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Netty adapter with a real relay on loopback: framing, TLS switches, pipelining, ordering. */
class SmtpListenerTest {

    @TempDir
    Path dir;
    Relay relay;

    @BeforeEach
    void start() throws Exception {
        relay = TestRelay.start(dir, "");
    }

    @AfterEach
    void stop() {
        relay.close();
    }

    private int port(String name) {
        return relay.port(name);
    }

    private long queued() throws Exception {
        return relay.spool().queued().size();
    }

    @Test
    void startTlsThenAuthThenQueuesTheMessage() throws Exception {
        try (SmtpTestClient c = new SmtpTestClient(port("submission"))) {
            assertThat(c.reply()).startsWith("220 relay.test ESMTP");
            String ehlo = c.command("EHLO client.test");
            assertThat(ehlo).contains("250 STARTTLS").doesNotContain("AUTH");
            assertThat(c.command("STARTTLS")).startsWith("220 2.0.0");
            c.upgradeToTls();
            assertThat(c.protocol()).isIn("TLSv1.3", "TLSv1.2");
            String secure = c.command("EHLO client.test");
            assertThat(secure).contains("AUTH PLAIN LOGIN").doesNotContain("STARTTLS");
            assertThat(c.command("AUTH PLAIN " + TestRelay.authPlain())).startsWith("235 2.7.0");
            assertThat(c.command("MAIL FROM:<printer@contoso.com>")).startsWith("250 2.1.0");
            assertThat(c.command("RCPT TO:<someone@example.org>")).startsWith("250 2.1.5");
            assertThat(c.command("DATA")).startsWith("354");
            assertThat(c.command("Subject: hi\r\n\r\nbody\r\n.")).matches("250 2\\.0\\.0 Ok: queued as [0-9A-Z]{16}");
        }
        assertThat(queued()).isEqualTo(1);
    }

    @Test
    void implicitTlsGreetsAfterTheHandshake() throws Exception {
        try (SmtpTestClient c = SmtpTestClient.implicitTls(port("smtps"))) {
            assertThat(c.reply()).startsWith("220 relay.test");
            assertThat(c.command("EHLO x")).contains("AUTH PLAIN LOGIN").doesNotContain("STARTTLS");
        }
    }

    @Test
    void pipelinedCommandsAreAnsweredInOrder() throws Exception {
        try (SmtpTestClient c = SmtpTestClient.implicitTls(port("smtps"))) {
            c.reply();
            c.command("EHLO x");
            // AUTH LOGIN or PLAIN without an initial response ends a group (RFC 4954 section 4).
            assertThat(c.command("AUTH PLAIN " + TestRelay.authPlain())).startsWith("235");
            c.send("MAIL FROM:<printer@contoso.com>\r\nRCPT TO:<a@example.org>\r\nRCPT TO:<b@example.org>\r\nDATA\r\n");
            assertThat(c.reply()).startsWith("250 2.1.0");
            assertThat(c.reply()).startsWith("250 2.1.5");
            assertThat(c.reply()).startsWith("250 2.1.5");
            assertThat(c.reply()).startsWith("354");
            // Body, end of data and the next commands in one write (RFC 2920 section 3.1); the
            // spool commit runs off the event loop and the RSET behind it waits its turn.
            c.send("Subject: p\r\n\r\nx\r\n.\r\nRSET\r\nQUIT\r\n");
            assertThat(c.reply()).startsWith("250 2.0.0 Ok: queued as");
            assertThat(c.reply()).startsWith("250 2.0.0 OK");
            assertThat(c.reply()).startsWith("221");
        }
        assertThat(queued()).isEqualTo(1);
    }

    @Test
    void authPlainWithAnInitialResponseMayBeFollowedByMoreCommandsAcrossThePasswordCheck() throws Exception {
        try (SmtpTestClient c = SmtpTestClient.implicitTls(port("smtps"))) {
            c.reply();
            c.command("EHLO x");
            // RFC 4954 section 4 allows exactly this: PLAIN with an initial response completes in
            // one round trip. The password check runs off the event loop; the MAIL waits its turn.
            c.send("AUTH PLAIN " + TestRelay.authPlain() + "\r\nMAIL FROM:<printer@contoso.com>\r\n"
                    + "RCPT TO:<a@example.org>\r\nDATA\r\n");
            assertThat(c.reply()).startsWith("235");
            assertThat(c.reply()).startsWith("250 2.1.0");
            assertThat(c.reply()).startsWith("250 2.1.5");
            assertThat(c.reply()).startsWith("354");
            assertThat(c.command("Subject: p\r\n\r\nx\r\n.")).startsWith("250 2.0.0 Ok: queued as");
        }
        assertThat(queued()).isEqualTo(1);
    }

    @Test
    void plaintextPipelinedAfterStartTlsIsAViolation() throws Exception {
        try (SmtpTestClient c = new SmtpTestClient(port("submission"))) {
            c.reply();
            c.command("EHLO x");
            // RFC 3207 section 4 / CVE-2011-0411: STARTTLS must be the last command of a group;
            // the NOOP was sent in plaintext and is never answered, in plaintext or inside TLS.
            c.send("STARTTLS\r\nNOOP\r\n");
            assertThat(c.reply()).isEqualTo("554 5.5.0 Pipelining violation");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void bytesArrivingOneAtATimeMakeTheSameDialogue() throws Exception {
        // Three pipelined groups (RFC 2920 section 3.1: EHLO and DATA end a group), each dripped.
        String[] groups = {"EHLO slow\r\n", "MAIL FROM:<scanner@contoso.com>\r\nRCPT TO:<a@example.org>\r\nDATA\r\n",
            "Subject: drip\r\n\r\n..dot\r\nline\r\n.\r\nQUIT\r\n"};
        try (SmtpTestClient c = new SmtpTestClient(port("plain"), InetAddress.getByName("127.0.0.2"))) {
            c.reply();
            for (byte b : groups[0].getBytes(StandardCharsets.US_ASCII)) {
                c.sendBytes(new byte[] {b});
            }
            assertThat(c.reply()).startsWith("250-relay.test");
            for (byte b : groups[1].getBytes(StandardCharsets.US_ASCII)) {
                c.sendBytes(new byte[] {b});
            }
            assertThat(c.reply()).startsWith("250 2.1.0");
            assertThat(c.reply()).startsWith("250 2.1.5");
            assertThat(c.reply()).startsWith("354");
            for (byte b : groups[2].getBytes(StandardCharsets.US_ASCII)) {
                c.sendBytes(new byte[] {b});
            }
            assertThat(c.reply()).startsWith("250 2.0.0 Ok: queued as");
            assertThat(c.reply()).startsWith("221");
        }
        var id = relay.spool().queued().get(0);
        try (var body = relay.spool().read(id).openBody()) {
            String text = new String(body.readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(text).startsWith("Received: from slow ([127.0.0.2])");
            // The scanner network's default header repairs add the missing Date and Message-ID.
            java.io.ByteArrayInputStream in = new java.io.ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII));
            dev.oauthrelay.server.e2e.QueuedMessages.receivedHeader(in);
            byte[] message = in.readAllBytes();
            assertThat(new String(message, StandardCharsets.US_ASCII)).isEqualTo(dev.oauthrelay.server.e2e.AddedHeaders.expectedText(
                    "Subject: drip\r\n\r\n.dot\r\nline\r\n".getBytes(StandardCharsets.US_ASCII), message, id.value(), "relay.test",
                    true, true));
        }
    }

    @Test
    void overlongLineIsRefusedAndTheSessionGoesOn() throws Exception {
        try (SmtpTestClient c = new SmtpTestClient(port("plain"))) {
            c.reply();
            assertThat(c.command("NOOP " + "A".repeat(10_000))).startsWith("500 5.5.2 Line too long");
            assertThat(c.command("NOOP")).startsWith("250");
        }
    }

    @Test
    void untrustedClientWithoutAuthIsRefusedAtMailFrom() throws Exception {
        try (SmtpTestClient c = new SmtpTestClient(port("plain"), InetAddress.getByName("127.0.0.3"))) {
            c.reply();
            c.command("HELO x");
            assertThat(c.command("MAIL FROM:<scanner@contoso.com>")).startsWith("530 5.7.0 Authentication required");
        }
        assertThat(queued()).isZero();
    }

    @Test
    void connectionsPerAddressAreCapped() throws Exception {
        relay.close();
        relay = TestRelay.start(dir, "limits { max-connections-per-address = 2, max-connections = 3 }");
        int port = port("plain");
        try (SmtpTestClient a = new SmtpTestClient(port); SmtpTestClient b = new SmtpTestClient(port)) {
            assertThat(a.reply()).startsWith("220");
            assertThat(b.reply()).startsWith("220");
            try (SmtpTestClient c = new SmtpTestClient(port)) {
                assertThat(c.reply()).startsWith("421 4.7.0 Too many connections from your address");
                assertThat(c.closedByServer()).isTrue();
            }
            try (SmtpTestClient other = new SmtpTestClient(port, InetAddress.getByName("127.0.0.2"))) {
                assertThat(other.reply()).startsWith("220");
                try (SmtpTestClient fourth = new SmtpTestClient(port, InetAddress.getByName("127.0.0.3"))) {
                    assertThat(fourth.reply()).startsWith("421 4.7.0 Too many connections");
                }
            }
        }
        // Closed connections free their slots.
        await().atMost(Duration.ofSeconds(5)).until(() -> relay.server().limiter().open() == 0);
        try (SmtpTestClient again = new SmtpTestClient(port)) {
            assertThat(again.reply()).startsWith("220");
        }
    }

    @Test
    void idleClientIsDisconnectedWith421() throws Exception {
        relay.close();
        relay = TestRelay.start(dir, "limits { idle-timeout = 1s }");
        try (SmtpTestClient c = new SmtpTestClient(port("plain"))) {
            c.reply();
            assertThat(c.reply()).startsWith("421 4.4.2");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void tooManyRecipientsAndTooBigMessagesGetPreciseReplies() throws Exception {
        relay.close();
        relay = TestRelay.start(dir, "limits { max-recipients = 1, max-message-size = 1KiB }");
        try (SmtpTestClient c = new SmtpTestClient(port("plain"), InetAddress.getByName("127.0.0.2"))) {
            c.reply();
            assertThat(c.command("EHLO x")).contains("SIZE 1024");
            c.command("MAIL FROM:<scanner@contoso.com>");
            assertThat(c.command("RCPT TO:<a@example.org>")).startsWith("250");
            assertThat(c.command("RCPT TO:<b@example.org>")).startsWith("452 4.5.3");
            c.command("DATA");
            c.send("Subject: big\r\n\r\n" + ("x".repeat(100) + "\r\n").repeat(20));
            assertThat(c.command(".")).startsWith("552 5.3.4");
            assertThat(c.command("NOOP")).startsWith("250");
        }
        assertThat(queued()).isZero();
        assertThat(Files.list(relay.spool().tmpDir()).count()).isZero();
    }
}

package dev.oauthrelay.server.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.oauthrelay.server.Relay;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slow-drip clients on a real socket, with limits of a second: a command line or message data
 * trickled a byte at a time (never idle long enough for the idle timeout) is cut off with
 * {@code 421 4.4.2}; and BDAT, which is not offered, followed by 10 MB of binary chunk data ends
 * the connection with {@code 502 5.5.1} without any of it being read as commands. The rules
 * themselves, without waiting: {@link InputDeadlinesTest}.
 */
class SlowClientTest {

    /** Far longer than any test here: whatever cuts a client off, it is not the idle timeout. */
    private static final String LONG_IDLE = "idle-timeout = 20s";

    @TempDir
    Path dir;
    Relay relay;

    @AfterEach
    void stop() {
        if (relay != null) {
            relay.close();
        }
    }

    /** Sends {@code bytes} one at a time, 200 ms apart, until the server says something. */
    private static void dribble(SmtpTestClient c, String bytes) throws IOException, InterruptedException {
        for (char b : bytes.toCharArray()) {
            if (c.hasInput()) {
                return;
            }
            c.send(String.valueOf(b));
            Thread.sleep(200);
        }
    }

    @Test
    void aCommandLineDribbledAByteAtATimeIsCutOffAtTheCommandDeadline() throws Exception {
        relay = TestRelay.start(dir, "limits { " + LONG_IDLE + ", command-timeout = 1s }");
        try (SmtpTestClient c = TestRelay.trustedHost(relay, "dribbler")) {
            dribble(c, "MAIL FROM:<scanner@contoso.com> SIZE=1000000000000000000000000000000000000000");
            assertThat(c.reply()).isEqualTo("421 4.4.2 relay.test Command timeout, closing connection");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void anOverlongLineThatNeverEndsIsCutOffTooThoughItsBytesAreDropped() throws Exception {
        relay = TestRelay.start(dir, "limits { " + LONG_IDLE + ", command-timeout = 1s, max-line-length = 512 }");
        try (SmtpTestClient c = TestRelay.trustedHost(relay, "long-liner")) {
            c.send("x".repeat(600)); // past the limit: dropped as it arrives, nothing buffered
            dribble(c, "x".repeat(100));
            assertThat(c.reply()).isEqualTo("421 4.4.2 relay.test Command timeout, closing connection");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void theDeadlineCountsFromTheFirstByteOfALineNotFromTheLastReply() throws Exception {
        relay = TestRelay.start(dir, "limits { " + LONG_IDLE + ", command-timeout = 1s }");
        try (SmtpTestClient c = TestRelay.trustedHost(relay, "patient")) {
            Thread.sleep(1500); // thinking before a command is the idle timeout's business
            c.send("NO");
            Thread.sleep(300); // a line in two writes, well within the deadline
            assertThat(c.command("OP")).startsWith("250 2.0.0");
        }
    }

    @Test
    void messageDataTrickledBelowTheMinimumRateIsRefusedAndNothingIsQueued() throws Exception {
        relay = TestRelay.start(dir, "limits { " + LONG_IDLE + ", min-data-rate = 1KiB, min-data-rate-window = 1s }");
        try (SmtpTestClient c = TestRelay.trustedHost(relay, "scanner")) {
            // A client at network speed is not affected by the rule.
            SmtpTestClient.queueId(c.sendMail(TestRelay.SCANNER_MAILBOX, List.of("a@example.org"),
                    "Subject: fast\r\n\r\n" + "x".repeat(4000) + "\r\n"));
            c.expect(c.command("MAIL FROM:<" + TestRelay.SCANNER_MAILBOX + ">"), "250");
            c.expect(c.command("RCPT TO:<a@example.org>"), "250");
            c.expect(c.command("DATA"), "354");
            c.send("Subject: slow\r\n\r\n");
            dribble(c, "x".repeat(100)); // 5 bytes a second, never idle
            assertThat(c.reply()).isEqualTo("421 4.4.2 relay.test Data timeout, message not accepted; closing connection");
            assertThat(c.closedByServer()).isTrue();
        }
        assertThat(relay.spool().queued()).hasSize(1); // only the fast one
        try (var tmp = Files.list(relay.spool().tmpDir())) {
            assertThat(tmp).isEmpty(); // the slow message's temporary file is gone
        }
    }

    @Test
    void bdatWithTenMegabytesOfBinaryChunkDataGets502AndTheConnectionEnds() throws Exception {
        relay = TestRelay.start(dir, ""); // the defaults
        try (SmtpTestClient c = TestRelay.trustedHost(relay, "chunker")) {
            assertThat(c.command("EHLO chunker")).doesNotContain("CHUNKING");
            c.expect(c.command("MAIL FROM:<" + TestRelay.SCANNER_MAILBOX + ">"), "250");
            c.expect(c.command("RCPT TO:<a@example.org>"), "250");
            // RFC 3030 section 2: the chunk follows the command at once, without waiting for a reply.
            byte[] chunk = new byte[10_000_000];
            new Random(3030).nextBytes(chunk);
            Thread writer = new Thread(() -> {
                try {
                    c.send("BDAT " + chunk.length + " LAST\r\n");
                    c.sendBytes(chunk);
                } catch (IOException expected) {
                    // the relay closed the connection in the middle of the chunk
                }
            });
            writer.start();
            assertThat(c.reply()).isEqualTo("502 5.5.1 BDAT not supported (no CHUNKING), closing connection");
            assertThat(c.closedByServer()).isTrue();
            writer.join(10_000);
            assertThat(writer.isAlive()).as("the client's writes end once the relay has closed").isFalse();
        }
        assertThat(relay.spool().queued()).isEmpty();
        try (var tmp = Files.list(relay.spool().tmpDir())) {
            assertThat(tmp).isEmpty();
        }
        // The relay is unharmed: the slot is free again and the next client is served.
        await().atMost(Duration.ofSeconds(5)).until(() -> relay.server().limiter().open() == 0);
        try (SmtpTestClient next = TestRelay.trustedHost(relay, "next")) {
            SmtpTestClient.queueId(next.sendMail(TestRelay.SCANNER_MAILBOX, List.of("a@example.org"),
                    "Subject: after\r\n\r\nhello\r\n"));
        }
        assertThat(relay.spool().queued()).hasSize(1);
    }
}

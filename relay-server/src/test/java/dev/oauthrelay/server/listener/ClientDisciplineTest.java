package dev.oauthrelay.server.listener;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.server.Relay;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Clients that do not play by the rules are disconnected with one 554: talking before the
 * greeting, sending ahead where RFC 2920 (and RFC 3207, RFC 4954) say to wait, and HTTP.
 */
class ClientDisciplineTest {

    private static final String VIOLATION = "554 5.5.0 Pipelining violation";
    private static final String EARLY = "554 5.5.0 Client sent data before the greeting";
    private static final String NOT_SMTP = "554 5.7.0 Not an SMTP command, closing connection";

    @TempDir
    Path dir;
    Relay relay;

    @AfterEach
    void stop() {
        if (relay != null) {
            relay.close();
        }
    }

    private Relay start(String extra) throws Exception {
        relay = TestRelay.start(dir, extra);
        return relay;
    }

    /** A trusted host on the plaintext listener (may send without AUTH), greeted. */
    private SmtpTestClient trusted() throws IOException {
        SmtpTestClient c = new SmtpTestClient(relay.port("plain"), InetAddress.getByName(TestRelay.TRUSTED_HOST));
        c.expect(c.reply(), "220");
        return c;
    }

    // ---- the greeting ------------------------------------------------------------------------

    @Test
    void aClientThatTalksBeforeTheGreetingIsDisconnected() throws Exception {
        start("limits { greeting-delay = 500ms }"); // the early-talker check, off by default
        try (SmtpTestClient c = new SmtpTestClient(relay.port("plain"))) {
            c.send("EHLO eager\r\n");
            assertThat(c.reply()).isEqualTo(EARLY); // no 220 before it
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void theGreetingWaitsForTheDelayAndAPatientClientCarriesOn() throws Exception {
        start("limits { greeting-delay = 700ms }");
        long begin = System.nanoTime();
        try (SmtpTestClient c = new SmtpTestClient(relay.port("plain"))) {
            assertThat(c.reply()).startsWith("220 relay.test");
            assertThat(Duration.ofNanos(System.nanoTime() - begin)).isGreaterThanOrEqualTo(Duration.ofMillis(650));
            assertThat(c.command("EHLO patient")).startsWith("250-relay.test");
        }
    }

    @Test
    void implicitTlsAppliesTheSameRuleAfterTheHandshake() throws Exception {
        start("limits { greeting-delay = 500ms }");
        try (SmtpTestClient c = SmtpTestClient.implicitTls(relay.port("smtps"))) {
            c.send("EHLO eager\r\n");
            assertThat(c.reply()).isEqualTo(EARLY);
            assertThat(c.closedByServer()).isTrue();
        }
        try (SmtpTestClient c = SmtpTestClient.implicitTls(relay.port("smtps"))) {
            assertThat(c.reply()).startsWith("220 relay.test");
            assertThat(c.command("EHLO patient")).contains("AUTH PLAIN LOGIN");
        }
    }

    @Test
    void aZeroDelayGreetsAtOnceAndChecksNothing() throws Exception {
        start("limits { greeting-delay = 0s }");
        try (SmtpTestClient c = new SmtpTestClient(relay.port("plain"))) {
            c.send("EHLO eager\r\n");
            assertThat(c.reply()).startsWith("220 relay.test");
            assertThat(c.reply()).startsWith("250-relay.test");
        }
    }

    // ---- pipelining --------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {
        "EHLO again\r\nMAIL FROM:<scanner@contoso.com>\r\n",
        "HELO again\r\nNOOP\r\n",
        "NOOP\r\nMAIL FROM:<scanner@contoso.com>\r\n",
        "VRFY someone\r\nNOOP\r\n",
        "EXPN list\r\nNOOP\r\n",
        "QUIT\r\nNOOP\r\n",
        "MAIL FROM:<scanner@contoso.com>\r\nRCPT TO:<a@example.org>\r\nDATA\r\nSubject: before the 354\r\n"})
    void sendingAheadOfAReplyTheClientMustWaitForIsAViolation(String pipelined) throws Exception {
        start("");
        try (SmtpTestClient c = trusted()) {
            c.expect(c.command("EHLO x"), "250");
            c.send(pipelined);
            String reply = c.reply();
            // Commands that may be pipelined before the offending one are answered first.
            while (reply.startsWith("250 2.1.")) {
                reply = c.reply();
            }
            assertThat(reply).isEqualTo(VIOLATION); // the offending command itself was not carried out
            assertThat(c.closedByServer()).isTrue();
        }
        assertThat(relay.spool().queued()).isEmpty();
    }

    @Test
    void authThatNeedsAnotherRoundTripMustEndTheGroup() throws Exception {
        start("");
        String user = "cHJpbnRlcg=="; // "printer"
        for (String pipelined : new String[] {"AUTH LOGIN\r\n" + user + "\r\n", "AUTH LOGIN " + user + "\r\nx\r\n",
            "AUTH PLAIN\r\n" + TestRelay.authPlain() + "\r\n"}) {
            try (SmtpTestClient c = SmtpTestClient.implicitTls(relay.port("smtps"))) {
                c.reply();
                c.command("EHLO x");
                c.send(pipelined);
                assertThat(c.reply()).as(pipelined).isEqualTo(VIOLATION);
                assertThat(c.closedByServer()).isTrue();
            }
        }
        // Inside the exchange too: the client answers one challenge, then waits for the next.
        try (SmtpTestClient c = SmtpTestClient.implicitTls(relay.port("smtps"))) {
            c.reply();
            c.command("EHLO x");
            assertThat(c.command("AUTH LOGIN")).isEqualTo("334 VXNlcm5hbWU6");
            c.send(user + "\r\ncHJpbnRlci1zZWNyZXQ=\r\n");
            assertThat(c.reply()).isEqualTo(VIOLATION);
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void legitimatePipelinedGroupsAreUnaffected() throws Exception {
        start("");
        try (SmtpTestClient c = trusted()) {
            c.expect(c.command("EHLO x"), "250");
            c.send("RSET\r\nMAIL FROM:<scanner@contoso.com>\r\nRCPT TO:<a@example.org>\r\nRCPT TO:<b@example.org>\r\nDATA\r\n");
            assertThat(c.reply()).startsWith("250 2.0.0");
            assertThat(c.reply()).startsWith("250 2.1.0");
            assertThat(c.reply()).startsWith("250 2.1.5");
            assertThat(c.reply()).startsWith("250 2.1.5");
            assertThat(c.reply()).startsWith("354");
            // The message text is the first "command" of the next group (RFC 2920 section 3.1).
            c.send("Subject: one\r\n\r\n1\r\n.\r\nMAIL FROM:<scanner@contoso.com>\r\nRCPT TO:<a@example.org>\r\nDATA\r\n");
            assertThat(c.reply()).startsWith("250 2.0.0 Ok: queued as");
            assertThat(c.reply()).startsWith("250 2.1.0");
            assertThat(c.reply()).startsWith("250 2.1.5");
            assertThat(c.reply()).startsWith("354");
            c.send("Subject: two\r\n\r\n2\r\n.\r\nQUIT\r\n");
            assertThat(c.reply()).startsWith("250 2.0.0 Ok: queued as");
            assertThat(c.reply()).startsWith("221");
        }
        assertThat(relay.spool().queued()).hasSize(2);
    }

    /**
     * STARTTLS and the next command in two quick writes: whichever way the bytes are split, the
     * command is never carried out, neither in plaintext nor inside TLS. Either both were read
     * together (554, closed), or the command arrived after the 220 and reached the TLS layer as a
     * broken handshake (closed).
     */
    @Test
    void startTlsRaceNeverRunsThePlaintextCommand() throws Exception {
        start("limits { greeting-delay = 0s, max-connections-per-address = 1000, max-connections = 1000 }");
        int violations = 0;
        int brokenHandshakes = 0;
        int cleanHandshakes = 0;
        for (int i = 0; i < 200; i++) {
            try (SmtpTestClient c = new SmtpTestClient(relay.port("submission"))) {
                c.expect(c.reply(), "220");
                c.expect(c.command("EHLO x"), "250");
                c.send("STARTTLS\r\n");
                c.send("MAIL FROM:<printer@contoso.com>\r\n");
                String reply = c.reply();
                if (reply.equals(VIOLATION)) {
                    assertThat(c.closedByServer()).isTrue();
                    violations++;
                    continue;
                }
                assertThat(reply).as("iteration %d", i).startsWith("220 2.0.0");
                try {
                    c.upgradeToTls();
                } catch (IOException e) {
                    brokenHandshakes++;
                    continue;
                }
                // Only reachable if the plaintext bytes had been dropped: then the session is fresh.
                assertThat(c.command("EHLO x")).startsWith("250-relay.test");
                assertThat(c.command("RCPT TO:<a@example.org>")).startsWith("503 5.5.1");
                cleanHandshakes++;
            }
        }
        assertThat(violations + brokenHandshakes + cleanHandshakes).isEqualTo(200);
        assertThat(relay.spool().queued()).isEmpty();
    }

    // ---- not SMTP ----------------------------------------------------------------------------

    @Test
    void anHttpRequestGetsOneReplyAndTheConnectionCloses() throws Exception {
        start("");
        try (SmtpTestClient c = new SmtpTestClient(relay.port("plain"))) {
            c.expect(c.reply(), "220");
            c.send("GET / HTTP/1.1\r\nHost: relay.test:2525\r\nUser-Agent: Mozilla/5.0\r\nAccept: */*\r\n\r\n");
            assertThat(c.reply()).isEqualTo(NOT_SMTP);
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void aCrossProtocolPostFromATrustedHostDeliversNothing() throws Exception {
        // A web page makes a browser on a trusted host POST SMTP commands to the relay.
        start("limits { greeting-delay = 0s }");
        String body = "HELO x\r\nMAIL FROM:<scanner@contoso.com>\r\nRCPT TO:<victim@example.org>\r\nDATA\r\n"
                + "Subject: spam\r\n\r\nspam\r\n.\r\nQUIT\r\n";
        try (SmtpTestClient c = trusted()) {
            c.send("POST / HTTP/1.1\r\nHost: relay.test\r\nContent-Type: text/plain\r\nContent-Length: "
                    + body.length() + "\r\n\r\n" + body);
            assertThat(c.reply()).isEqualTo(NOT_SMTP);
            assertThat(c.closedByServer()).isTrue();
        }
        assertThat(relay.spool().queued()).isEmpty();
    }

    @Test
    void headerLinesAreNotSmtpEither() throws Exception {
        start("");
        try (SmtpTestClient c = trusted()) {
            c.expect(c.command("EHLO x"), "250");
            assertThat(c.command("Subject: hello")).isEqualTo(NOT_SMTP);
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void aBrowserThatDoesNotWaitForTheGreetingIsAnEarlyTalker() throws Exception {
        start("limits { greeting-delay = 500ms }");
        try (SmtpTestClient c = new SmtpTestClient(relay.port("plain"))) {
            c.send("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com\r\n\r\n");
            assertThat(c.reply()).isEqualTo(EARLY);
            assertThat(c.closedByServer()).isTrue();
        }
    }
}

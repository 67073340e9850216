package dev.oauthrelay.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.observe.RelayEvents;
import dev.oauthrelay.server.listener.SmtpTestClient;
import dev.oauthrelay.server.listener.TestRelay;
import dev.oauthrelay.server.standin.StandIns;
import dev.oauthrelay.spool.Envelope;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The events observers (metrics, audit log, device inventory) are built on arrive from the real
 * data path: listener, session, spool, delivery and token provider.
 */
class RelayEventsTest extends DeliveryTestSupport {

    /** Every event as one line of text, in the order they came. */
    static final class Recorder implements RelayEvents {
        final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        public void sessionOpened(String listener, InetAddress client) {
            lines.add("opened " + listener + " " + client.getHostAddress());
        }

        @Override
        public void sessionClosed(String listener, InetAddress client) {
            lines.add("closed " + listener);
        }

        @Override
        public void replied(String listener, String command, int code) {
            lines.add("reply " + command + " " + code);
        }

        @Override
        public void tlsEstablished(String listener, InetAddress client, String protocol) {
            lines.add("tls " + protocol);
        }

        @Override
        public void helo(InetAddress client, String name) {
            lines.add("helo " + name);
        }

        @Override
        public void authSucceeded(InetAddress client, String username) {
            lines.add("auth-ok " + username);
        }

        @Override
        public void authFailed(InetAddress client, String username, AuthFailure reason) {
            lines.add("auth-failed " + reason);
        }

        @Override
        public void messageReceived(Envelope envelope, long size, String messageId) {
            lines.add("received " + envelope.mailbox() + " " + messageId + " size>0=" + (size > 0));
        }

        @Override
        public void messageRefused(InetAddress client, String identity, int code) {
            lines.add("refused " + code);
        }

        @Override
        public void messageDelivered(Envelope envelope, int attempts, String upstreamReply) {
            lines.add("delivered attempts=" + attempts + " " + upstreamReply.substring(0, 3));
        }

        @Override
        public void messageDeferred(Envelope envelope, int attempt, String reason, Duration retryIn) {
            lines.add("deferred");
        }

        @Override
        public void upstreamReplied(int code) {
            lines.add("upstream " + code);
        }

        @Override
        public void tokenFetched(Instant expiresAt) {
            lines.add("token valid=" + expiresAt.isAfter(Instant.now()));
        }
    }

    @Test
    void aSubmissionAndItsDeliveryAreReportedStepByStep() throws Exception {
        Recorder events = new Recorder();
        startRelay(standIns.hocon(), events);
        try (SmtpTestClient c = TestRelay.loggedIn(relay, "printer-2og")) {
            c.expect(c.command("AUTH PLAIN " + TestRelay.authPlain()), "503"); // already authenticated
            c.sendMail(TestRelay.MAILBOX, List.of("alice@fabrikam.example"), message("events", "one page"));
            c.command("QUIT");
        }
        awaitDelivered(1);
        eventually().until(() -> events.lines.contains("closed smtps"));

        assertThat(events.lines).containsSubsequence(
                "opened smtps 127.0.0.1", "tls TLSv1.3", "reply GREETING 220", "helo printer-2og", "reply EHLO 250",
                "auth-ok " + TestRelay.USER, "reply AUTH 235", "reply AUTH 503", "reply MAIL 250", "reply RCPT 250",
                "reply DATA 354", "received " + StandIns.PRINTER + " <events@printer.contoso.com> size>0=true",
                "reply DATA-END 250", "reply QUIT 221", "closed smtps");
        assertThat(events.lines).contains("token valid=true", "upstream 250", "delivered attempts=1 250");
        assertThat(events.lines).doesNotContain("deferred").noneMatch(l -> l.startsWith("refused"));
    }

    @Test
    void refusedAuthAndAMessageTooBigAreReportedWithTheirReason() throws Exception {
        Recorder events = new Recorder();
        startRelay(standIns.hocon() + "\nlimits.max-message-size = 1k", events);
        try (SmtpTestClient c = SmtpTestClient.implicitTls(relay.port("smtps"))) {
            c.expect(c.reply(), "220");
            c.expect(c.command("EHLO printer"), "250");
            c.expect(c.command("AUTH PLAIN !!notbase64"), "501");
            String wrong = java.util.Base64.getEncoder().encodeToString(
                    ("\0" + TestRelay.USER + "\0wrong").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            c.expect(c.command("AUTH PLAIN " + wrong), "535");
        }
        try (SmtpTestClient c = TestRelay.loggedIn(relay, "printer")) {
            String reply = c.sendMail(TestRelay.MAILBOX, List.of("alice@fabrikam.example"),
                    message("big", "x".repeat(2000)));
            assertThat(reply).startsWith("552");
        }
        assertThat(events.lines).containsSubsequence("auth-failed MALFORMED", "auth-failed BAD_CREDENTIALS",
                "refused 552");
        assertThat(events.lines).noneMatch(l -> l.startsWith("received"));
    }
}

package dev.oauthrelay.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.oauthrelay.server.e2e.AddedHeaders;
import dev.oauthrelay.server.listener.SmtpTestClient;
import dev.oauthrelay.server.listener.TestRelay;
import dev.oauthrelay.server.standin.StandInExchange.ReceivedMessage;
import dev.oauthrelay.server.standin.StandIns;
import dev.oauthrelay.session.SmtpSession;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Header repair end to end, in process: a multifunction printer's scan-to-email
 * ({@code devices/mfp-scan-to-email.eml}: a display name with an unquoted '@', no Date, no
 * Message-ID) goes through the real listener, spool and delivery to the Exchange stand-in, and
 * arrives repaired, with its body (the PDF attachment) unchanged.
 */
class HeaderRepairDeliveryTest extends DeliveryTestSupport {

    static final String FIXTURE = "mfp-scan-to-email.eml";
    static final String DEVICE_FROM = "From: scanner@contoso.com <scanner@contoso.com>\r\n";

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeEach
    void captureSessionLog() {
        log.start();
        ((Logger) LoggerFactory.getLogger(SmtpSession.class)).addAppender(log);
    }

    @AfterEach
    void releaseSessionLog() {
        ((Logger) LoggerFactory.getLogger(SmtpSession.class)).detachAppender(log);
    }

    @Test
    void scanToEmailArrivesWithDateMessageIdAndAQuotedDisplayName() throws Exception {
        startRelay(); // the scanner network has the default repairs
        byte[] fixture = fixture();
        String id = sendFromScanner(TestRelay.SCANNER_MAILBOX, fixture);
        awaitDelivered(1);

        ReceivedMessage m = standIns.exchange().messages().get(0);
        assertThat(m.mailbox()).isEqualTo(StandIns.SCANNER);
        assertThat(m.mailFrom()).isEqualTo(StandIns.SCANNER);
        byte[] arrived = Delivered.of(m.content()).rest();
        String text = latin1(arrived);
        assertThat(text).startsWith("From: \"scanner@contoso.com\" <scanner@contoso.com>\r\nTo: jdoe@contoso.com\r\n");
        assertThat(header(text)).containsOnlyOnce("\r\nDate: ").containsOnlyOnce("\r\nMessage-ID: <" + id + ".");

        // Exactly the device's message, with the display name quoted and the two fields added.
        byte[] quoted = latin1(latin1(fixture).replace(DEVICE_FROM, "From: \"scanner@contoso.com\" <scanner@contoso.com>\r\n"));
        assertThat(latin1(arrived)).isEqualTo(AddedHeaders.expectedText(quoted, arrived, id, "relay.test", true, true));
        assertThat(sha256(body(arrived))).as("the body, with the PDF, is untouched").isEqualTo(sha256(body(fixture)));
        assertThat(queuedLine(id)).endsWith(" header-repairs=quote-display-name,add-date,add-message-id");
    }

    @Test
    void anIdentityThatRewritesFromSendsTheScanAsItsMailboxWithReplyToTheDevice() throws Exception {
        // The scanner's host now sends as the printer's mailbox, with header-repair rewrite-from.
        startRelay(standIns.hocon() + """
                trusted-networks = [ { cidr = "%s/32", mailbox = "%s", header-repair { rewrite-from = true } } ]
                """.formatted(TestRelay.TRUSTED_HOST, StandIns.PRINTER));
        byte[] fixture = fixture();
        // scanner@contoso.com is not among this identity's allowed senders (sender-mismatch = reject):
        // with rewrite-from the envelope becomes the mailbox anyway.
        String id;
        try (SmtpTestClient c = TestRelay.trustedHost(relay, "MFP-2F-EAST")) {
            assertThat(c.command("MAIL FROM:<" + TestRelay.SCANNER_MAILBOX + ">"))
                    .isEqualTo("250 2.1.0 Sender OK, will be sent as <" + StandIns.PRINTER + ">");
            c.expect(c.command("RCPT TO:<jdoe@contoso.com>"), "250");
            c.expect(c.command("DATA"), "354");
            c.sendBytes(fixture);
            id = SmtpTestClient.queueId(c.command("."));
            c.command("QUIT");
        }
        awaitDelivered(1);

        ReceivedMessage m = standIns.exchange().messages().get(0);
        assertThat(m.mailbox()).as("XOAUTH2 user=").isEqualTo(StandIns.PRINTER);
        assertThat(m.mailFrom()).as("the envelope sender upstream").isEqualTo(StandIns.PRINTER);
        byte[] arrived = Delivered.of(m.content()).rest();
        String header = header(latin1(arrived));
        assertThat(header)
                .startsWith("From: \"scanner@contoso.com\" <printer@contoso.com>\r\n")
                .endsWith("\r\nReply-To: \"scanner@contoso.com\" <scanner@contoso.com>\r\n")
                .containsOnlyOnce("\r\nDate: ")
                .containsOnlyOnce("\r\nMessage-ID: <" + id + ".")
                .containsOnlyOnce("From: ");
        assertThat(body(arrived)).isEqualTo(body(fixture));
        assertThat(queuedLine(id)).contains(" from=<printer@contoso.com> ")
                .endsWith(" header-repairs=quote-display-name,add-date,add-message-id,rewrite-from,add-reply-to");
    }

    @Test
    void anIdentityWithTheRepairsOffPassesTheScanOnUnchanged() throws Exception {
        startRelay(standIns.hocon() + """
                trusted-networks = [ { cidr = "%s/32", mailbox = "%s",
                  header-repair { add-date = false, add-message-id = false, quote-display-name = false } } ]
                """.formatted(TestRelay.TRUSTED_HOST, StandIns.SCANNER));
        byte[] fixture = fixture();
        String id = sendFromScanner(TestRelay.SCANNER_MAILBOX, fixture);
        awaitDelivered(1);
        assertThat(Delivered.of(standIns.exchange().messages().get(0).content()).rest()).isEqualTo(fixture);
        assertThat(queuedLine(id)).endsWith(" header-repairs=none");
    }

    // ---- helpers ----

    private String sendFromScanner(String from, byte[] message) throws IOException {
        try (SmtpTestClient c = TestRelay.trustedHost(relay, "MFP-2F-EAST")) {
            c.expect(c.command("MAIL FROM:<" + from + ">"), "250");
            c.expect(c.command("RCPT TO:<jdoe@contoso.com>"), "250");
            c.expect(c.command("DATA"), "354");
            c.sendBytes(message); // no line starts with a dot: nothing to stuff
            String id = SmtpTestClient.queueId(c.command("."));
            c.command("QUIT");
            return id;
        }
    }

    private String queuedLine(String id) {
        return log.list.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(l -> l.startsWith("queued id=" + id + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no queued line for " + id + " in " + log.list));
    }

    private static byte[] fixture() throws IOException {
        try (InputStream in = HeaderRepairDeliveryTest.class.getResourceAsStream("/devices/" + FIXTURE)) {
            byte[] bytes = in.readAllBytes();
            assertThat(latin1(bytes)).startsWith(DEVICE_FROM).doesNotContain("\r\n.").doesNotContain("\nDate:")
                    .doesNotContain("\nMessage-ID:");
            return bytes;
        }
    }

    /** The header fields: up to and including the CRLF before the empty line. */
    private static String header(String message) {
        return message.substring(0, message.indexOf("\r\n\r\n") + 2);
    }

    private static byte[] body(byte[] message) {
        int end = latin1(message).indexOf("\r\n\r\n") + 4;
        return Arrays.copyOfRange(message, end, message.length);
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static String latin1(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static byte[] latin1(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}

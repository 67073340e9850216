package dev.oauthrelay.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.server.e2e.AddedHeaders;
import dev.oauthrelay.server.listener.SmtpTestClient;
import dev.oauthrelay.server.listener.TestRelay;
import dev.oauthrelay.server.standin.StandInExchange.ReceivedMessage;
import dev.oauthrelay.server.standin.StandIns;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SMTP smuggling end to end, in process: the real listener, spool, delivery and the Exchange
 * stand-in. Each variant of a bare-CR/LF pseudo end of data is followed by a smuggled second
 * transaction and then the real CRLF "." CRLF. A strict listener answers 521 and closes, and
 * nothing is queued or sent upstream; a normalizing listener queues exactly one message, whose
 * bytes upstream carry the smuggled text as body content with canonical CRLF line ends.
 */
class SmtpSmugglingTest extends DeliveryTestSupport {

    /** The variant, and what a normalizing listener stores for it: see DataDecoder. */
    record Variant(String bytes, String normalized) {
        @Override
        public String toString() {
            return bytes.replace("\r", "\\r").replace("\n", "\\n");
        }
    }

    static Stream<Variant> variants() {
        return Stream.of(
                new Variant("\n.\n", "\r\n\r\n"),
                new Variant("\n.\r\n", "\r\n\r\n"),
                new Variant("\r\n.\n", "\r\n\r\n"),
                new Variant("\r.\r", "\r\n\r\n"),
                new Variant("\r.\r\n", "\r\n\r\n"),
                new Variant("\r\n.\r", "\r\n\r\n"),
                new Variant("\n.\r", "\r\n\r\n"),
                new Variant("\r.\n", "\r\n\r\n"),
                new Variant("\r\n.\r\r\n", "\r\n\r\n\r\n"));
    }

    static final String HEAD = "From: scanner@contoso.com\r\nTo: alice@fabrikam.example\r\nSubject: scan\r\n\r\nscan done";
    static final String SMUGGLED = "MAIL FROM:<ceo@contoso.com>\r\nRCPT TO:<victim@fabrikam.example>\r\nDATA\r\n"
            + "From: CEO <ceo@contoso.com>\r\nTo: victim@fabrikam.example\r\nSubject: urgent wire transfer\r\n\r\n"
            + "pay now";

    private static final String LISTENERS = """
            listeners = [
              { name = strict, address = "127.0.0.1", port = 0, tls = none }
              { name = normalize, address = "127.0.0.1", port = 0, tls = none, data-line-endings = normalize }
            ]
            """;

    /** The body after DATA: the variant, a whole smuggled transaction ending in the variant, the real end. */
    private static String data(Variant v) {
        return HEAD + v.bytes() + SMUGGLED + v.bytes() + "\r\n.\r\n";
    }

    @ParameterizedTest(name = "strict {0}")
    @MethodSource("variants")
    void strictListenerAnswers521ClosesAndNothingIsQueuedOrSentUpstream(Variant v) throws Exception {
        startRelay(standIns.hocon() + LISTENERS);
        try (SmtpTestClient c = openData("strict")) {
            // Everything in one write, QUIT included, as a smuggling client would send it.
            c.sendBytes(latin1(data(v) + "QUIT\r\n"));
            assertThat(c.reply()).isEqualTo("521 5.5.2 Bare CR or LF in message data; closing");
            assertThat(c.closedByServer()).as("closed right after the 521, no other reply").isTrue();
        }
        assertThat(queued()).isEmpty();
        until("no temporary spool file", () -> tmpFiles() == 0);

        // The relay still works; once this message is upstream, it is the only thing that ever was.
        String id = sendAsTrustedHost("strict", "Subject: after\r\n\r\nclean\r\n");
        awaitDelivered(1);
        List<ReceivedMessage> received = standIns.exchange().messages();
        assertThat(received).hasSize(1);
        assertThat(received.get(0).contentAsString()).contains(id, "clean").doesNotContain("ceo@contoso.com", "pay now");
        assertNoSmuggledCommandUpstream();
        assertThat(standIns.countLinesStartingWith("MAIL FROM")).isEqualTo(1);
    }

    @ParameterizedTest(name = "normalize {0}")
    @MethodSource("variants")
    void normalizingListenerQueuesAndDeliversExactlyOneMessageWithTheSmuggledTextAsCrlfBody(Variant v) throws Exception {
        startRelay(standIns.hocon() + LISTENERS);
        String id;
        try (SmtpTestClient c = openData("normalize")) {
            c.sendBytes(latin1(data(v) + "QUIT\r\n"));
            id = SmtpTestClient.queueId(c.reply());
            assertThat(c.reply()).as("the next reply is QUIT's: no smuggled command was answered").startsWith("221");
            assertThat(c.closedByServer()).isTrue();
        }
        awaitDelivered(1);

        List<ReceivedMessage> received = standIns.exchange().messages();
        assertThat(received).hasSize(1);
        ReceivedMessage m = received.get(0);
        assertThat(m.mailFrom()).isEqualTo(StandIns.SCANNER);
        assertThat(m.recipients()).containsExactly("alice@fabrikam.example");
        String expected = HEAD + v.normalized() + SMUGGLED + v.normalized() + "\r\n";
        // The trusted host's identity has the default header repairs: HEAD gets a Date and a Message-ID.
        byte[] rest = Delivered.of(m.content()).rest();
        assertThat(show(rest)).isEqualTo(show(AddedHeaders.expected(latin1(expected), rest, id, "relay.test", true, true)));
        // The bytes on the upstream connection: canonical CRLF only, one end-of-data marker, at the end.
        assertCanonical(m.wire());
        String wire = new String(m.wire(), StandardCharsets.ISO_8859_1);
        assertThat(wire).endsWith("\r\n.\r\n").contains("\r\nMAIL FROM:<ceo@contoso.com>\r\n", "\r\npay now\r\n");
        assertThat(wire.indexOf("\r\n.\r\n")).isEqualTo(wire.length() - 5);
        assertNoSmuggledCommandUpstream();
        assertThat(standIns.countLinesStartingWith("MAIL FROM")).isEqualTo(1);
        assertThat(standIns.countLinesStartingWith("RCPT TO")).isEqualTo(1);
        assertThat(queued()).isEmpty();
        assertThat(deadLettered()).isEmpty();
        assertThat(delivery().deliveredCount()).isEqualTo(1);
    }

    /** The old alarm panel's message, bare LF line ends and a proper CRLF "." CRLF, arrives upstream as CRLF. */
    @Test
    void legacyBareLfDeviceMessageArrivesUpstreamWithCrlfLineEnds() throws Exception {
        startRelay(standIns.hocon() + LISTENERS);
        byte[] fixture = fixture("legacy-bare-lf.eml");
        String text = new String(fixture, StandardCharsets.ISO_8859_1);
        assertThat(text).doesNotContain("\r").endsWith("\n");
        // The device's last line end is the first CRLF of the end-of-data marker.
        String sent = text.substring(0, text.length() - 1) + "\r\n.\r\n";
        String id;
        try (SmtpTestClient c = openData("normalize")) {
            c.sendBytes(latin1(sent));
            id = SmtpTestClient.queueId(c.reply());
            c.command("QUIT");
        }
        awaitDelivered(1);

        ReceivedMessage m = standIns.exchange().messages().get(0);
        Delivered d = Delivered.of(m.content());
        assertThat(d.receivedHeader()).contains(id);
        // The panel sends no Date and no Message-ID: the default header repairs add them.
        byte[] expected = AddedHeaders.expected(latin1(text.replace("\n", "\r\n")), d.rest(), id, "relay.test", true, true);
        assertThat(show(d.rest())).isEqualTo(show(expected));
        assertThat(d.rest()).isEqualTo(expected); // 8-bit UTF-8 text untouched
        assertCanonical(m.wire());
        assertThat(m.contentAsString()).contains("Temperatur über Grenzwert: 31°C\r\n");
    }

    /** The same device on the strict listener is refused, and its message is not queued. */
    @Test
    void legacyBareLfDeviceIsRefusedByAStrictListener() throws Exception {
        startRelay(standIns.hocon() + LISTENERS);
        String text = new String(fixture("legacy-bare-lf.eml"), StandardCharsets.ISO_8859_1);
        try (SmtpTestClient c = openData("strict")) {
            c.sendBytes(latin1(text.substring(0, text.length() - 1) + "\r\n.\r\n"));
            assertThat(c.reply()).startsWith("521 5.5.2");
            assertThat(c.closedByServer()).isTrue();
        }
        assertThat(queued()).isEmpty();
    }

    /** A trusted network's own data-line-endings wins over its listener's, for its clients only. */
    @Test
    void trustedNetworkSettingOverridesTheListenerForItsClients() throws Exception {
        startRelay(standIns.hocon() + """
                listeners = [ { name = strict, address = "127.0.0.1", port = 0, tls = none, allow-plaintext-auth = true } ]
                trusted-networks = [ { cidr = "%s/32", mailbox = "%s", data-line-endings = normalize } ]
                """.formatted(TestRelay.TRUSTED_HOST, TestRelay.SCANNER_MAILBOX));
        String id = sendAsTrustedHost("strict", "Subject: panel\nalarm\r\n");
        awaitDelivered(1);
        // Stored with CRLF; the default header repairs add Date and Message-ID after the one field,
        // and an empty line before "alarm", the first line that is no header field.
        assertThat(new String(Delivered.of(standIns.exchange().messages().get(0).content()).rest(), StandardCharsets.ISO_8859_1))
                .matches("Subject: panel\r\nDate: [^\r\n]+ \\+0000\r\nMessage-ID: <" + id
                        + "\\.[0-9a-f]{16}@relay\\.test>\r\n\r\nalarm\r\n");

        // The device account from 127.0.0.1 is not in that network: the listener's strict applies.
        try (SmtpTestClient c = new SmtpTestClient(relay.port("strict"))) {
            c.expect(c.reply(), "220");
            c.expect(c.command("EHLO printer"), "250");
            c.expect(c.command("AUTH PLAIN " + TestRelay.authPlain()), "235");
            c.expect(c.command("MAIL FROM:<" + TestRelay.MAILBOX + ">"), "250");
            c.expect(c.command("RCPT TO:<alice@fabrikam.example>"), "250");
            c.expect(c.command("DATA"), "354");
            c.sendBytes(latin1("Subject: printer\nbare\r\n.\r\n"));
            assertThat(c.reply()).startsWith("521 5.5.2");
            assertThat(c.closedByServer()).isTrue();
        }
        assertThat(queued()).isEmpty();
        assertThat(standIns.exchange().messages()).hasSize(1);
    }

    // ---- helpers ----

    /** The trusted host on {@code listener}, after 354. */
    private SmtpTestClient openData(String listener) throws IOException {
        SmtpTestClient c = new SmtpTestClient(relay.port(listener), InetAddress.getByName(TestRelay.TRUSTED_HOST));
        try {
            c.expect(c.reply(), "220");
            c.expect(c.command("EHLO scanner"), "250");
            c.expect(c.command("MAIL FROM:<" + TestRelay.SCANNER_MAILBOX + ">"), "250");
            c.expect(c.command("RCPT TO:<alice@fabrikam.example>"), "250");
            c.expect(c.command("DATA"), "354");
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** Sends {@code data} (ending in a line end) plus the end marker as the trusted host; returns the queue id. */
    private String sendAsTrustedHost(String listener, String data) throws IOException {
        try (SmtpTestClient c = openData(listener)) {
            c.sendBytes(latin1(data + ".\r\n"));
            String id = SmtpTestClient.queueId(c.reply());
            c.command("QUIT");
            return id;
        }
    }

    private void assertNoSmuggledCommandUpstream() {
        assertThat(standIns.anyLine("MAIL FROM:<ceo")).isFalse();
        assertThat(standIns.anyLine("RCPT TO:<victim")).isFalse();
        assertThat(standIns.exchange().messages()).noneMatch(m -> m.recipients().contains("victim@fabrikam.example"));
    }

    /** Every CR is followed by LF and every LF preceded by CR. */
    private static void assertCanonical(byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\r') {
                assertThat(i + 1 < bytes.length && bytes[i + 1] == '\n').as("bare CR at %d of %s", i, show(bytes)).isTrue();
            }
            if (bytes[i] == '\n') {
                assertThat(i > 0 && bytes[i - 1] == '\r').as("bare LF at %d of %s", i, show(bytes)).isTrue();
            }
        }
    }

    private long tmpFiles() {
        try (var files = Files.list(relay.spool().tmpDir())) {
            return files.count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] fixture(String name) throws IOException {
        try (InputStream in = SmtpSmugglingTest.class.getResourceAsStream("/devices/" + name)) {
            return in.readAllBytes();
        }
    }

    private static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String show(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1).replace("\r", "\\r").replace("\n", "\\n");
    }
}

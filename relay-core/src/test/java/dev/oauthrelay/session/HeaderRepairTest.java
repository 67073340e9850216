package dev.oauthrelay.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.oauthrelay.policy.HeaderRepairOptions;
import dev.oauthrelay.spool.QueueId;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link HeaderRepair} and {@link HeaderRepairSink}: each repair, streaming, bounds, body untouched. */
class HeaderRepairTest {

    static final Instant RECEIVED = Instant.parse("2026-11-29T10:15:30Z");
    static final String DATE = "Date: Sun, 29 Nov 2026 10:15:30 +0000\r\n";
    static final String ID = "<01JDZXQ5B7ABCDEF.00000000000004d2@relay.contoso.com>";
    static final String MESSAGE_ID = "Message-ID: " + ID + "\r\n";
    static final String MAILBOX = "printer@contoso.com";
    static final HeaderRepair.Context CONTEXT = new HeaderRepair.Context(RECEIVED, ID, MAILBOX);
    static final HeaderRepairOptions DEFAULTS = HeaderRepairOptions.DEFAULTS;
    static final HeaderRepairOptions REWRITE = new HeaderRepairOptions(true, true, true, true);
    static final HeaderRepairOptions QUOTE_ONLY = new HeaderRepairOptions(false, false, true, false);

    /** The complete header a well-behaved client sends: nothing to repair. */
    static final String COMPLETE = "From: Printer 2. OG <printer@contoso.com>\r\n"
            + "To: alice@fabrikam.example\r\n"
            + "Subject: scan\r\n"
            + "Date: Sun, 29 Nov 2026 06:15:30 +0100\r\n"
            + "Message-ID: <4711@printer.contoso.com>\r\n";

    // ---- the device fixture ----

    @Test
    void mfpScanGetsDateMessageIdAndAQuotedDisplayNameAndItsBodyIsUntouched() throws Exception {
        byte[] fixture = fixture("mfp-scan-to-email.eml");
        Repaired r = stream(fixture, DEFAULTS, fixture.length);
        String header = header(r.bytes);

        assertThat(header).isEqualTo("From: \"scanner@contoso.com\" <scanner@contoso.com>\r\n"
                + "To: jdoe@contoso.com\r\n"
                + "Subject: Scanned Document\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"----=_Part_MFP_0001\"\r\n"
                + DATE + MESSAGE_ID);
        assertThat(r.repairs).containsExactly("quote-display-name", "add-date", "add-message-id");
        assertThat(sha256(body(r.bytes))).isEqualTo(sha256(body(fixture)));
        assertThat(body(r.bytes)).isEqualTo(body(fixture));
        assertCrlfOnly(header);
    }

    @Test
    void mfpScanForAnIdentityThatRewritesFromIsSentAsTheMailboxWithReplyToTheDevice() throws Exception {
        byte[] fixture = fixture("mfp-scan-to-email.eml");
        Repaired r = stream(fixture, REWRITE, fixture.length);

        assertThat(header(r.bytes))
                .startsWith("From: \"scanner@contoso.com\" <printer@contoso.com>\r\nTo: jdoe@contoso.com\r\n")
                .endsWith(DATE + MESSAGE_ID + "Reply-To: \"scanner@contoso.com\" <scanner@contoso.com>\r\n");
        assertThat(r.repairs).containsExactly("quote-display-name", "add-date", "add-message-id", "rewrite-from",
                "add-reply-to");
        assertThat(body(r.bytes)).isEqualTo(body(fixture));
    }

    @Test
    void headersSplitAtEveryChunkBoundaryGiveTheSameResult() throws Exception {
        byte[] fixture = fixture("mfp-scan-to-email.eml");
        byte[] whole = stream(fixture, REWRITE, fixture.length).bytes;
        int headerEnd = indexOf(fixture, "\r\n\r\n") + 4;
        for (int split = 0; split <= headerEnd + 2; split++) {
            RecordingSink out = new RecordingSink();
            HeaderRepairSink sink = new HeaderRepairSink(out, REWRITE, CONTEXT);
            sink.write(ByteBuffer.wrap(fixture, 0, split).slice());
            sink.write(ByteBuffer.wrap(fixture, split, fixture.length - split).slice());
            sink.finish();
            assertThat(out.bytes()).as("split at %d", split).isEqualTo(whole);
        }
        // and one byte at a time, and in chunks of every size up to a few hundred bytes
        assertThat(stream(fixture, REWRITE, 1).bytes).isEqualTo(whole);
        for (int size = 2; size < 400; size += 7) {
            assertThat(stream(fixture, REWRITE, size).bytes).as("chunks of %d", size).isEqualTo(whole);
        }
    }

    // ---- missing fields ----

    @Test
    void alreadyCompleteMessagesAreUnchangedByteForByte() throws Exception {
        String message = COMPLETE + "\r\nbody\r\n";
        for (HeaderRepairOptions options : List.of(DEFAULTS, REWRITE, HeaderRepairOptions.NONE)) {
            Repaired r = stream(bytes(message), options, 5);
            assertThat(r.text()).isEqualTo(message);
            assertThat(r.repairs).isEmpty();
        }
    }

    @Test
    void repairingTwiceChangesNothingMore() throws Exception {
        byte[] once = stream(fixture("mfp-scan-to-email.eml"), REWRITE, 100).bytes;
        Repaired twice = stream(once, REWRITE, 100);
        assertThat(twice.bytes).isEqualTo(once);
        assertThat(twice.repairs).isEmpty();
    }

    @Test
    void fieldNamesAreMatchedIgnoringCase() throws Exception {
        String message = "from: a@contoso.com\r\nDATE: Sun, 29 Nov 2026 06:15:30 +0100\r\nmessage-id: <1@x>\r\n\r\nb\r\n";
        assertThat(stream(bytes(message), DEFAULTS, 3).text()).isEqualTo(message);
    }

    @Test
    void onlyTheMissingFieldIsAdded() throws Exception {
        assertThat(repair("Subject: x\r\nMessage-ID: <1@x>\r\n", DEFAULTS))
                .isEqualTo("Subject: x\r\nMessage-ID: <1@x>\r\n" + DATE);
        assertThat(repair("Subject: x\r\nDate: Sun, 29 Nov 2026 06:15:30 +0100\r\n", DEFAULTS))
                .isEqualTo("Subject: x\r\nDate: Sun, 29 Nov 2026 06:15:30 +0100\r\n" + MESSAGE_ID);
        // Resent-Date and Resent-Message-ID are other fields
        assertThat(repair("Resent-Date: Sun, 29 Nov 2026 06:15:30 +0100\r\nResent-Message-ID: <2@x>\r\n", DEFAULTS))
                .endsWith(DATE + MESSAGE_ID);
    }

    @Test
    void anEmptyDateOrMessageIdIsFilledInWhereItIs() throws Exception {
        assertThat(repair("Date:\r\nSubject: x\r\nMessage-ID:  \r\n", DEFAULTS))
                .isEqualTo(DATE + "Subject: x\r\n" + MESSAGE_ID);
    }

    @Test
    void eachRepairCanBeSwitchedOff() throws Exception {
        String header = "From: scanner@contoso.com <scanner@contoso.com>\r\nSubject: x\r\n";
        assertThat(repair(header, new HeaderRepairOptions(false, true, true, false)))
                .doesNotContain("Date:").contains("Message-ID:", "\"scanner@contoso.com\"");
        assertThat(repair(header, new HeaderRepairOptions(true, false, true, false)))
                .contains("Date:").doesNotContain("Message-ID:");
        assertThat(repair(header, new HeaderRepairOptions(true, true, false, false)))
                .startsWith("From: scanner@contoso.com <scanner@contoso.com>\r\n");
        String message = header + "\r\nbody\r\n";
        Repaired off = stream(bytes(message), HeaderRepairOptions.NONE, 4);
        assertThat(off.text()).isEqualTo(message);
        assertThat(off.repairs()).isEmpty();
        assertThat(off.skipped()).isNull();
    }

    @Test
    void theMessageIdIsReadWithAndWithoutRepairs() throws Exception {
        String folded = "Subject: x\r\nMessage-ID:\r\n <abc.123@printer.example>\r\n\r\nbody\r\n";
        assertThat(sink(bytes(folded), HeaderRepairOptions.NONE).messageId()).isEqualTo("<abc.123@printer.example>");
        assertThat(sink(bytes(folded), DEFAULTS).messageId()).isEqualTo("<abc.123@printer.example>");
        HeaderRepairSink added = sink(bytes("Subject: x\r\n\r\nbody\r\n"), DEFAULTS);
        assertThat(added.messageId()).isEqualTo(CONTEXT.messageId());
        assertThat(sink(bytes("Subject: x\r\n\r\nbody\r\n"), HeaderRepairOptions.NONE).messageId()).isNull();
    }

    @Test
    void aUtf8MessageIdIsReadAsUtf8AndOtherBytesOnePerCharacter() throws Exception {
        byte[] utf8 = "Message-ID: <größe@example>\r\n\r\nbody\r\n".getBytes(StandardCharsets.UTF_8);
        assertThat(sink(utf8, HeaderRepairOptions.NONE).messageId()).isEqualTo("<größe@example>");
        byte[] latin1 = "Message-ID: <größe@example>\r\n\r\nbody\r\n".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(sink(latin1, HeaderRepairOptions.NONE).messageId()).isEqualTo("<größe@example>");
    }

    private static HeaderRepairSink sink(byte[] message, HeaderRepairOptions options) throws IOException {
        HeaderRepairSink sink = new HeaderRepairSink(new RecordingSink(), options, CONTEXT);
        sink.write(ByteBuffer.wrap(message));
        sink.finish();
        return sink;
    }

    @Test
    void dateAndMessageIdHaveTheirRfc5322Forms() {
        assertThat(HeaderRepair.date(RECEIVED)).isEqualTo("Sun, 29 Nov 2026 10:15:30 +0000");
        assertThat(HeaderRepair.date(Instant.parse("2026-03-01T01:02:03Z"))).isEqualTo("Sun, 1 Mar 2026 01:02:03 +0000");
        QueueId id = QueueId.parse("01JDZXQ5B7ABCDEF");
        assertThat(HeaderRepair.messageId(id, "relay.contoso.com", new Random(1)))
                .matches("<01JDZXQ5B7ABCDEF\\.[0-9a-f]{16}@relay\\.contoso\\.com>");
        assertThat(HeaderRepair.messageId(id, "relay.contoso.com", new Random(1)))
                .isNotEqualTo(HeaderRepair.messageId(id, "relay.contoso.com", new Random(2)));
        assertThat(HeaderRepair.messageId(id, "[192.0.2.1]", new Random(1))).endsWith("@localhost>");
        assertThat(HeaderRepair.messageId(id, "relay.contoso.com.", new Random(1))).endsWith("@relay.contoso.com>");
    }

    // ---- display names ----

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
            "scanner@contoso.com <scanner@contoso.com>| \"scanner@contoso.com\" <scanner@contoso.com>",
            "MFP @ 2nd floor <mfp@contoso.com>| \"MFP @ 2nd floor\" <mfp@contoso.com>",
            "MFP @ 2nd floor<mfp@contoso.com>| \"MFP @ 2nd floor\"<mfp@contoso.com>",
            "a\\b@c <x@contoso.com>| \"a\\\\b@c\" <x@contoso.com>",
            "=?UTF-8?B?U2Nhbm5lcg==?= @ 2F <x@contoso.com>| =?UTF-8?B?U2Nhbm5lcg==?= \"@ 2F\" <x@contoso.com>",
            "\"Quoted\" x@y <x@y>| \"Quoted\" \"x@y\" <x@y>",
            "(device) x@y <x@y>| (device) \"x@y\" <x@y>",
            "Smith, j@x <j@x>| \"Smith, j@x\" <j@x>",
            "a@b <a@b>, \"ok\" <c@d>, e@f <e@f>| \"a@b\" <a@b>, \"ok\" <c@d>, \"e@f\" <e@f>",
    })
    void displayNamesWithAnUnquotedAtAreQuoted(String value, String expected) throws Exception {
        assertThat(repair("From: " + value + "\r\n", QUOTE_ONLY)).isEqualTo("From: " + expected + "\r\n");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
            "scanner@contoso.com",
            "<scanner@contoso.com>",
            "\"scanner@contoso.com\" <scanner@contoso.com>",
            "Scanner <scanner@contoso.com>",
            "Drucker 2. OG <printer@contoso.com>",
            "scanner@contoso.com (Scanner @ 2F)",
            "=?UTF-8?B?UHLDvGZzeXN0ZW0=?= <monitor@contoso.com>",
            "undisclosed-recipients:;",
    })
    void otherAddressFormsAreLeftAlone(String value) throws Exception {
        String header = "From: " + value + "\r\nSender: " + value + "\r\nReply-To: " + value + "\r\n";
        assertThat(repair(header, QUOTE_ONLY)).isEqualTo(header);
    }

    @Test
    void senderAndReplyToAreQuotedTooButNotOtherFields() throws Exception {
        String header = "To: jdoe@contoso.com <jdoe@contoso.com>\r\nSender: s@x <s@x>\r\nReply-to: r@x <r@x>\r\n";
        assertThat(repair(header, QUOTE_ONLY))
                .isEqualTo("To: jdoe@contoso.com <jdoe@contoso.com>\r\nSender: \"s@x\" <s@x>\r\nReply-to: \"r@x\" <r@x>\r\n");
    }

    @Test
    void foldedFieldsAreRepairedAndKeepTheirFolding() throws Exception {
        String header = "Subject: a long\r\n subject\r\nFrom: MFP @ 2nd\r\n\tfloor\r\n <mfp@contoso.com>\r\nDate: Sun, 29 Nov\r\n 2026 06:15:30 +0100\r\n";
        assertThat(repair(header, DEFAULTS)).isEqualTo("Subject: a long\r\n subject\r\n"
                + "From: \"MFP @ 2nd\r\n\tfloor\"\r\n <mfp@contoso.com>\r\n"
                + "Date: Sun, 29 Nov\r\n 2026 06:15:30 +0100\r\n" + MESSAGE_ID);
    }

    // ---- rewrite-from ----

    @Test
    void rewriteFromKeepsTheDisplayNameAndPutsTheOriginalIntoReplyTo() throws Exception {
        assertThat(repair("From: Scanner 2F <scan@local>\r\n", rewriteOnly()))
                .isEqualTo("From: Scanner 2F <printer@contoso.com>\r\nReply-To: Scanner 2F <scan@local>\r\n");
        assertThat(repair("From: scan@local (Scanner)\r\n", rewriteOnly()))
                .isEqualTo("From: printer@contoso.com (Scanner)\r\nReply-To: scan@local (Scanner)\r\n");
        assertThat(repair("From:scan@local\r\nSender: Someone <x@local>\r\n", rewriteOnly()))
                .isEqualTo("From:printer@contoso.com\r\nSender: Someone <printer@contoso.com>\r\nReply-To:scan@local\r\n");
    }

    @Test
    void rewriteFromKeepsAnExistingReplyTo() throws Exception {
        assertThat(repair("From: <scan@local>\r\nreply-to: it@contoso.com\r\n", rewriteOnly()))
                .isEqualTo("From: <printer@contoso.com>\r\nreply-to: it@contoso.com\r\n");
    }

    @Test
    void rewriteFromLeavesTheMailboxAloneAndAddsAMissingFrom() throws Exception {
        String already = "From: Printer <PRINTER@contoso.com>\r\n";
        assertThat(repair(already, rewriteOnly())).isEqualTo(already);
        assertThat(repair("Subject: x\r\n", rewriteOnly())).isEqualTo("Subject: x\r\nFrom: printer@contoso.com\r\n");
        assertThat(repair("From: a <a@x>, b <b@x>\r\n", rewriteOnly()))
                .isEqualTo("From: printer@contoso.com\r\nReply-To: a <a@x>, b <b@x>\r\n");
    }

    // ---- the shape of the header section ----

    @Test
    void aMessageWithoutAnEmptyLineGetsOneBeforeItsBodyWhenRepaired() throws Exception {
        Repaired r = stream(bytes("Subject: x\r\nhello: world is a body line? no: a field\r\nthis line is body\r\nmore\r\n"),
                DEFAULTS, 7);
        assertThat(r.text()).isEqualTo("Subject: x\r\nhello: world is a body line? no: a field\r\n" + DATE + MESSAGE_ID
                + "\r\nthis line is body\r\nmore\r\n");
        assertThat(r.repairs).containsExactly("add-date", "add-message-id", "add-separator");

        Repaired noHeader = stream(bytes("just text\r\n"), DEFAULTS, 3);
        assertThat(noHeader.text()).isEqualTo(DATE + MESSAGE_ID + "\r\njust text\r\n");

        Repaired indented = stream(bytes(" indented first line\r\n"), DEFAULTS, 3);
        assertThat(indented.text()).isEqualTo(DATE + MESSAGE_ID + "\r\n indented first line\r\n");
    }

    @Test
    void aMessageThatIsAllHeaderIsRepairedAtTheEndOfTheData() throws Exception {
        assertThat(stream(bytes("Subject: x\r\n"), DEFAULTS, 4).text()).isEqualTo("Subject: x\r\n" + DATE + MESSAGE_ID);
        assertThat(stream(new byte[0], DEFAULTS, 4).text()).isEqualTo(DATE + MESSAGE_ID);
        String complete = COMPLETE;
        assertThat(stream(bytes(complete), DEFAULTS, 4).text()).isEqualTo(complete);
    }

    @Test
    void aMessageWithoutAnyHeaderButWithTheEmptyLineGetsTheFieldsBeforeIt() throws Exception {
        assertThat(stream(bytes("\r\nbody\r\n"), DEFAULTS, 1).text()).isEqualTo(DATE + MESSAGE_ID + "\r\nbody\r\n");
    }

    @Test
    void anOverLongHeaderSectionIsPassedOnUnrepaired() throws Exception {
        String longHeader = "From: scanner@contoso.com <scanner@contoso.com>\r\n"
                + ("X-Filler: " + "x".repeat(990) + "\r\n").repeat(70) + "\r\nbody\r\n";
        assertThat(longHeader.indexOf("\r\n\r\n")).isGreaterThan(HeaderRepairSink.DEFAULT_MAX_HEADER_BYTES);
        for (int chunk : new int[] {1, 1000, 8192, longHeader.length()}) {
            Repaired r = stream(bytes(longHeader), DEFAULTS, chunk);
            assertThat(r.bytes).isEqualTo(bytes(longHeader));
            assertThat(r.repairs).isEmpty();
            assertThat(r.skipped).contains("longer than 65536 bytes");
        }
        // a small limit: the header section fits only up to the limit, inclusive
        String small = "Subject: 0123456789\r\n\r\nb\r\n"; // the section with its empty line is 23 bytes
        assertThat(stream(bytes(small), DEFAULTS, 5, 22).text()).isEqualTo(small);
        assertThat(stream(bytes(small), DEFAULTS, 5, 23).text()).isEqualTo("Subject: 0123456789\r\n" + DATE + MESSAGE_ID + "\r\nb\r\n");
    }

    @Test
    void bodyBytesAreNeverChangedWhateverTheyHold() throws Exception {
        byte[] body = new byte[200_000];
        new Random(7).nextBytes(body);
        for (int i = 0; i < body.length; i += 97) {
            body[i] = (byte) (i % 3 == 0 ? '\r' : '\n'); // line ends of every kind in the body
        }
        byte[] message = concat(bytes("From: x@y <x@y>\r\nSubject: binary\r\n\r\n"), body);
        for (int chunk : new int[] {1, 13, 4096, message.length}) {
            Repaired r = stream(message, REWRITE, chunk);
            assertThat(sha256(body(r.bytes))).as("chunks of %d", chunk).isEqualTo(sha256(body));
        }
    }

    @Test
    void theSinkWorksOnlyUntilFinished() throws Exception {
        HeaderRepairSink sink = new HeaderRepairSink(new RecordingSink(), DEFAULTS, CONTEXT);
        sink.finish();
        assertThatThrownBy(() -> sink.write(ByteBuffer.wrap(bytes("x")))).isInstanceOf(IllegalStateException.class);
    }

    // ---- helpers ----

    private static HeaderRepairOptions rewriteOnly() {
        return new HeaderRepairOptions(false, false, false, true);
    }

    /** The pure repair of a header section given as text. */
    static String repair(String fields, HeaderRepairOptions options) {
        return new String(HeaderRepair.repair(bytes(fields), options, CONTEXT).header(), StandardCharsets.ISO_8859_1);
    }

    record Repaired(byte[] bytes, List<String> repairs, String skipped, int chunks, int calls) {
        String text() {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }

    static Repaired stream(byte[] message, HeaderRepairOptions options, int chunkSize) throws IOException {
        return stream(message, options, chunkSize, HeaderRepairSink.DEFAULT_MAX_HEADER_BYTES);
    }

    /** Streams the message through a sink in chunks of {@code chunkSize}, each a read-only slice, as the decoder does. */
    static Repaired stream(byte[] message, HeaderRepairOptions options, int chunkSize, int max) throws IOException {
        RecordingSink out = new RecordingSink();
        HeaderRepairSink sink = new HeaderRepairSink(out, options, CONTEXT, max);
        int chunks = 0;
        for (int p = 0; p < message.length; p += chunkSize) {
            ByteBuffer chunk = ByteBuffer.wrap(message, p, Math.min(chunkSize, message.length - p)).slice().asReadOnlyBuffer();
            sink.write(chunk);
            assertThat(chunk.hasRemaining()).as("the sink consumes every chunk").isFalse();
            chunks++;
        }
        sink.finish();
        return new Repaired(out.bytes(), sink.repairs(), sink.skipped(), chunks, out.calls);
    }

    static final class RecordingSink implements dev.oauthrelay.session.data.BodySink {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        int calls;

        @Override
        public void write(ByteBuffer chunk) {
            if (!chunk.hasRemaining()) {
                throw new AssertionError("empty chunk");
            }
            calls++;
            byte[] copy = new byte[chunk.remaining()];
            chunk.get(copy);
            out.writeBytes(copy);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    static byte[] fixture(String name) throws IOException {
        try (InputStream in = HeaderRepairTest.class.getResourceAsStream("/devices/" + name)) {
            return in.readAllBytes();
        }
    }

    /** The header fields: everything before the first empty line. */
    static String header(byte[] message) {
        String text = new String(message, StandardCharsets.ISO_8859_1);
        return text.substring(0, text.indexOf("\r\n\r\n") + 2);
    }

    /** Everything after the first empty line. */
    static byte[] body(byte[] message) {
        int end = indexOf(message, "\r\n\r\n");
        return Arrays.copyOfRange(message, end + 4, message.length);
    }

    static int indexOf(byte[] haystack, String needle) {
        return new String(haystack, StandardCharsets.ISO_8859_1).indexOf(needle);
    }

    static void assertCrlfOnly(String text) {
        assertThat(text.replace("\r\n", "")).doesNotContain("\r").doesNotContain("\n");
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}

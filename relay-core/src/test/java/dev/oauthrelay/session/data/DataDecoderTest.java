package dev.oauthrelay.session.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class DataDecoderTest {

    /**
     * One table row. {@code finished} false means the input never contains the end-of-data marker;
     * {@code body} is then what must have reached the sink so far.
     */
    record Case(String name, byte[] input, byte[] body, byte[] leftover, boolean finished) {
        @Override
        public String toString() {
            return name + " [" + show(input) + "]";
        }
    }

    /** What decoding produced: sink output, unconsumed bytes after the marker, and whether it ended. */
    record Outcome(String body, String leftover, boolean finished) {}

    static Stream<Case> cases() {
        return Stream.of(
                ended("empty message", ".\r\n", "", ""),
                ended("simple message", "Subject: hi\r\n\r\nHello\r\n.\r\n", "Subject: hi\r\n\r\nHello\r\n", ""),
                ended("message of one empty line", "\r\n.\r\n", "\r\n", ""),
                ended("lone dot line sent as two dots", "a\r\n..\r\nb\r\n.\r\n", "a\r\n.\r\nb\r\n", ""),
                ended("first line is a lone stuffed dot", "..\r\n.\r\n", ".\r\n", ""),
                ended("three dots lose one", "...\r\n.\r\n", "..\r\n", ""),
                ended("leading dot before text is removed", "a\r\n.x\r\n.\r\n", "a\r\nx\r\n", ""),
                ended("leading dot on the first line is removed", ".x\r\n.\r\n", "x\r\n", ""),
                ended("dots inside a line are kept", "a.b\r\nc .\r\n.\r\n", "a.b\r\nc .\r\n", ""),
                ended("bare LF dot bare LF is content", "a\n.\nb\r\n.\r\n", "a\n.\nb\r\n", ""),
                ended("bare CR dot bare CR is content", "a\r.\rb\r\n.\r\n", "a\r.\rb\r\n", ""),
                ended("bare LF dot CRLF is content", "a\n.\r\nb\r\n.\r\n", "a\n.\r\nb\r\n", ""),
                ended("bare LF dot CRLF at the very start is content", "\n.\r\n.\r\n", "\n.\r\n", ""),
                ended("CRLF dot bare LF is content, dot unstuffed", "a\r\n.\nb\r\n.\r\n", "a\r\n\nb\r\n", ""),
                ended("dot bare LF at the very start is content", ".\n.\r\n.\r\n", "\n.\r\n", ""),
                ended("CRLF dot CR then non-LF keeps the CR", "\r\n.\rX\r\n.\r\n", "\r\n\rX\r\n", ""),
                ended("dot CR then non-LF at the very start", ".\rX\r\n.\r\n", "\rX\r\n", ""),
                ended("dot CR CR LF is a line ending", "x\r\n.\r\r\n.\r\n", "x\r\n\r\r\n", ""),
                ended("CR CR LF before the marker", "a\r\r\n.\r\n", "a\r\r\n", ""),
                ended("CR CR LF around a stuffed line", "a\r\r\n..\r\r\n.\r\n", "a\r\r\n.\r\r\n", ""),
                ended("CR CR dot is not a line start", "a\r\r.\r\n.\r\n", "a\r\r.\r\n", ""),
                ended("pipelined command is left over", "body\r\n.\r\nQUIT\r\n", "body\r\n", "QUIT\r\n"),
                ended("second marker is left over", "body\r\n.\r\n.\r\n", "body\r\n", ".\r\n"),
                ended("leftover after an empty message", ".\r\nRSET\r\nQUIT\r\n", "", "RSET\r\nQUIT\r\n"),
                ended("binary bytes pass through", "\u0000\u00ff\r\n.\u0000\r\n\u00ff.\r\n.\r\n",
                        "\u0000\u00ff\r\n\u0000\r\n\u00ff.\r\n", ""),
                new Case("UTF-8 text passes through",
                        utf8("Grüße — 日本\r\n.ü\r\n.\r\nQUIT\r\n"), utf8("Grüße — 日本\r\nü\r\n"), utf8("QUIT\r\n"), true),
                open("bare LF pseudo-terminator does not end", "a\n.\n", "a\n.\n"),
                open("bare CR pseudo-terminator does not end", "a\r.\r", "a\r.\r"),
                open("CRLF dot bare LF does not end", "a\r\n.\n", "a\r\n\n"),
                open("CRLF dot CR holds the CR back", "a\r\n.\r", "a\r\n"),
                open("dot at line start is dropped right away", "a\r\n.", "a\r\n"),
                open("no input", "", ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decodesWholeInput(Case c) throws IOException {
        assertThat(decode(c.input())).isEqualTo(expected(c));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decodesTheSameWhenSplitAtEveryByteBoundary(Case c) throws IOException {
        for (int cut = 0; cut <= c.input().length; cut++) {
            assertThat(decode(c.input(), cut)).as("split at %d", cut).isEqualTo(expected(c));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decodesTheSameWhenFedOneBytePerCall(Case c) throws IOException {
        int[] cuts = new int[Math.max(0, c.input().length - 1)];
        Arrays.setAll(cuts, i -> i + 1);
        assertThat(decode(c.input(), cuts)).isEqualTo(expected(c));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decodesDirectReadOnlyBuffersWithNonZeroPosition(Case c) throws IOException {
        ByteBuffer direct = ByteBuffer.allocateDirect(c.input().length + 6);
        direct.put(new byte[] {'.', '\r', '\n'}).put(c.input()).put(new byte[] {'.', '\r', '\n'});
        ByteBuffer in = direct.position(3).limit(3 + c.input().length).asReadOnlyBuffer();
        CollectingSink sink = new CollectingSink();
        DataDecoder decoder = new DataDecoder(sink);

        boolean done = decoder.feed(in);

        byte[] leftover = new byte[in.remaining()];
        in.get(leftover);
        assertThat(new Outcome(show(sink.bytes()), show(leftover), done)).isEqualTo(expected(c));
    }

    /**
     * Round trip: dot-stuff a random message the way a client must (RFC 5321 4.5.2), add the marker
     * and random trailing bytes, feed in random chunks, and get back exactly the message.
     */
    @ParameterizedTest
    @ValueSource(longs = {1L, 2L, 3L, 42L, 5321L, 0x5EEDL})
    void roundTripsRandomDotStuffedMessagesFedInRandomChunks(long seed) throws IOException {
        Random random = new Random(seed);
        for (int iteration = 0; iteration < 2000; iteration++) {
            byte[] message = random.nextInt(10) == 0 ? new byte[0] : concat(randomBytes(random, 80), bytes("\r\n"));
            byte[] trailing = randomBytes(random, 12);
            byte[] input = concat(dotStuff(message), bytes(".\r\n"), trailing);

            Outcome outcome = decode(input, randomCuts(random, input.length));

            assertThat(outcome)
                    .as("seed %d iteration %d input %s", seed, iteration, show(input))
                    .isEqualTo(new Outcome(show(message), show(trailing), true));
        }
    }

    /**
     * Arbitrary (also malformed) input compared with a straightforward whole-buffer reading of the
     * rules, so that inputs a well-behaved client would never send are covered too.
     */
    @ParameterizedTest
    @ValueSource(longs = {7L, 8L, 9L, 1996L})
    void matchesAWholeBufferReferenceOnArbitraryBytes(long seed) throws IOException {
        Random random = new Random(seed);
        for (int iteration = 0; iteration < 3000; iteration++) {
            byte[] input = randomBytes(random, 40);

            Outcome outcome = decode(input, randomCuts(random, input.length));

            assertThat(outcome)
                    .as("seed %d iteration %d input %s", seed, iteration, show(input))
                    .isEqualTo(reference(input));
        }
    }

    @Test
    void handsLargePlainMessagesToTheSinkInSlicesNotBytes() throws IOException {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        for (int line = 0; text.size() < 1024 * 1024; line++) {
            text.writeBytes(bytes(String.format("Line %06d: the quick brown fox jumps over the lazy dog\r\n", line)));
        }
        byte[] message = text.toByteArray();
        byte[] input = concat(message, bytes(".\r\n"));
        int chunkSize = 64 * 1024;
        int chunks = (input.length + chunkSize - 1) / chunkSize;
        CollectingSink sink = new CollectingSink();
        DataDecoder decoder = new DataDecoder(sink);

        boolean done = false;
        for (int offset = 0; offset < input.length && !done; offset += chunkSize) {
            done = decoder.feed(ByteBuffer.wrap(input, offset, Math.min(chunkSize, input.length - offset)));
        }

        assertThat(done).isTrue();
        assertThat(sink.bytes()).isEqualTo(message);
        assertThat(sink.calls()).isLessThanOrEqualTo(2 * chunks);
    }

    @Test
    void breaksSliceRunsOnlyAtStuffedDots() throws IOException {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        int stuffedLines = 0;
        for (int line = 0; text.size() < 256 * 1024; line++) {
            boolean stuffed = line % 50 == 0;
            stuffedLines += stuffed ? 1 : 0;
            text.writeBytes(bytes((stuffed ? ".." : "") + "some ordinary text of a line " + line + "\r\n"));
        }
        byte[] input = concat(text.toByteArray(), bytes(".\r\n"));
        CollectingSink sink = new CollectingSink();

        assertThat(new DataDecoder(sink).feed(ByteBuffer.wrap(input))).isTrue();

        assertThat(sink.calls()).isLessThanOrEqualTo(stuffedLines + 1);
    }

    @Test
    void feedAfterFinishedThrows() throws IOException {
        DataDecoder decoder = new DataDecoder(new CollectingSink());
        ByteBuffer in = ByteBuffer.wrap(bytes("hi\r\n.\r\nQUIT\r\n"));
        assertThat(decoder.feed(in)).isTrue();
        assertThat(decoder.finished()).isTrue();
        int position = in.position();

        assertThatThrownBy(() -> decoder.feed(in)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> decoder.feed(ByteBuffer.allocate(0))).isInstanceOf(IllegalStateException.class);
        assertThat(in.position()).isEqualTo(position);
    }

    @Test
    void isNotFinishedBeforeTheMarker() throws IOException {
        DataDecoder decoder = new DataDecoder(new CollectingSink());
        assertThat(decoder.finished()).isFalse();
        assertThat(decoder.feed(ByteBuffer.wrap(bytes("hi\r\n.\r")))).isFalse();
        assertThat(decoder.finished()).isFalse();
    }

    // ---- helpers ----

    /** Feeds {@code input} in pieces that start at the given offsets (ascending, repeats allowed). */
    private static Outcome decode(byte[] input, int... cuts) throws IOException {
        CollectingSink sink = new CollectingSink();
        DataDecoder decoder = new DataDecoder(sink);
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : input.length;
            ByteBuffer in = ByteBuffer.wrap(input, from, to - from);
            boolean done = decoder.feed(in);
            assertThat(decoder.finished()).isEqualTo(done);
            assertThat(in.limit()).isEqualTo(to);
            if (done) {
                // The rest of this piece and all later pieces are what follows the marker.
                return new Outcome(show(sink.bytes()), show(Arrays.copyOfRange(input, in.position(), input.length)), true);
            }
            assertThat(in.hasRemaining()).as("an unfinished feed consumes everything").isFalse();
            from = to;
        }
        return new Outcome(show(sink.bytes()), "", false);
    }

    /**
     * The rules read over the whole input at once: the data ends at the first ".\r\n" at offset 0 or
     * "\r\n.\r\n" anywhere; a dot at offset 0 or right after CRLF is dropped; before the marker is
     * seen, a CR after such a dot at the very end is still held back.
     */
    private static Outcome reference(byte[] in) {
        int bodyEnd = -1;
        if (startsWith(in, 0, ".\r\n")) {
            bodyEnd = 0;
        } else {
            for (int i = 0; i + 5 <= in.length && bodyEnd < 0; i++) {
                bodyEnd = startsWith(in, i, "\r\n.\r\n") ? i + 2 : -1;
            }
        }
        boolean finished = bodyEnd >= 0;
        int end = finished ? bodyEnd : in.length;
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int p = 0; p < end; p++) {
            boolean lineStart = p == 0 || (p >= 2 && in[p - 2] == '\r' && in[p - 1] == '\n');
            boolean heldCr = !finished && p == end - 1 && in[p] == '\r'
                    && p >= 1 && in[p - 1] == '.' && (p == 1 || startsWith(in, p - 3, "\r\n"));
            if (!(lineStart && in[p] == '.') && !heldCr) {
                body.write(in[p]);
            }
        }
        byte[] leftover = finished ? Arrays.copyOfRange(in, bodyEnd + 3, in.length) : new byte[0];
        return new Outcome(show(body.toByteArray()), show(leftover), finished);
    }

    /** Client-side dot-stuffing (RFC 5321 4.5.2): a line starts at offset 0 or after CRLF only. */
    private static byte[] dotStuff(byte[] message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean lineStart = true;
        for (int i = 0; i < message.length; i++) {
            if (lineStart && message[i] == '.') {
                out.write('.');
            }
            out.write(message[i]);
            lineStart = message[i] == '\n' && i > 0 && message[i - 1] == '\r';
        }
        return out.toByteArray();
    }

    /** Up to {@code maxLength} bytes, heavy in the bytes that matter to the state machine. */
    private static byte[] randomBytes(Random random, int maxLength) {
        byte[] alphabet = {'.', '.', '.', '\r', '\r', '\r', '\n', '\n', '\n', 'a', 'a', 0x00, (byte) 0xFF};
        byte[] out = new byte[random.nextInt(maxLength + 1)];
        for (int i = 0; i < out.length; i++) {
            out[i] = alphabet[random.nextInt(alphabet.length)];
        }
        return out;
    }

    /** Random feed boundaries: mostly small pieces, sometimes empty ones, sometimes large ones. */
    private static int[] randomCuts(Random random, int length) {
        int[] cuts = new int[length + 1];
        int count = 0;
        for (int offset = 0; ; ) {
            offset += random.nextInt(4) == 0 ? random.nextInt(64) : random.nextInt(4);
            if (offset >= length) {
                return Arrays.copyOf(cuts, count);
            }
            cuts[count++] = offset;
            if (count == cuts.length) {
                cuts = Arrays.copyOf(cuts, cuts.length * 2);
            }
        }
    }

    private static Case ended(String name, String input, String body, String leftover) {
        return new Case(name, bytes(input), bytes(body), bytes(leftover), true);
    }

    private static Case open(String name, String input, String bodySoFar) {
        return new Case(name, bytes(input), bytes(bodySoFar), new byte[0], false);
    }

    private static Outcome expected(Case c) {
        return new Outcome(show(c.body()), show(c.leftover()), c.finished());
    }

    private static boolean startsWith(byte[] in, int offset, String prefix) {
        if (offset < 0 || offset + prefix.length() > in.length) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (in[offset + i] != (byte) prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Latin-1, so that "\u0000" and "\u00ff" are the single bytes 0x00 and 0xFF. */
    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** A readable, unambiguous rendering of bytes for assertions and failure messages. */
    private static String show(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            switch (b) {
                case '\r' -> sb.append("\\r");
                case '\n' -> sb.append("\\n");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (b >= 0x20 && b < 0x7F) {
                        sb.append((char) b);
                    } else {
                        sb.append(String.format("\\x%02X", b & 0xFF));
                    }
                }
            }
        }
        return sb.toString();
    }
}

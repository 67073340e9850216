package dev.oauthrelay.session.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.oauthrelay.session.data.DataDecoder.Mode;
import dev.oauthrelay.session.data.DataDecoder.Result;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class DataDecoderTest {

    /**
     * One table row. {@code result} NEED_MORE means the input never contains the end-of-data
     * marker; {@code body} is then what must have reached the sink so far. For BARE_LINE_ENDING
     * body and leftover are empty (the message is discarded, the rest is never read).
     */
    record Case(String name, byte[] input, byte[] body, byte[] leftover, Result result) {
        @Override
        public String toString() {
            return name + " [" + show(input) + "]";
        }
    }

    /** What decoding produced: sink output, unconsumed bytes after the marker, and how it stopped. */
    record Outcome(String body, String leftover, Result result) {
        static final Outcome REFUSED = new Outcome("", "", Result.BARE_LINE_ENDING);
    }

    /**
     * The smuggling variants: bare CR or LF around a dot line (SEC Consult, "SMTP Smuggling",
     * December 2023, and the follow-up research), with what NORMALIZE stores for
     * {@code "a" + variant + "b"}: the line-leading dot is dropped and every bare line end becomes
     * CRLF. STRICT refuses all of them.
     */
    static final List<String[]> VARIANTS = List.of(
            new String[] {"\n.\n", "\r\n\r\n"},
            new String[] {"\n.\r\n", "\r\n\r\n"},
            new String[] {"\r\n.\n", "\r\n\r\n"},
            new String[] {"\r.\r", "\r\n\r\n"},
            new String[] {"\r.\r\n", "\r\n\r\n"},
            new String[] {"\r\n.\r", "\r\n\r\n"},
            new String[] {"\n.\r", "\r\n\r\n"},
            new String[] {"\r.\n", "\r\n\r\n"},
            new String[] {"\r\n.\r\r\n", "\r\n\r\n\r\n"},
            new String[] {"\r\n.\r\r", "\r\n\r\n\r\n"},
            new String[] {"\n\n.\n\n", "\r\n\r\n\r\n\r\n"});

    static final String SMUGGLED = "MAIL FROM:<ceo@contoso.com>\r\nRCPT TO:<victim@fabrikam.example>\r\nDATA\r\n"
            + "From: CEO <ceo@contoso.com>\r\nSubject: urgent wire transfer\r\n\r\nevil";

    /** Inputs without bare CR or LF: both modes decode them the same way. */
    static Stream<Case> commonCases() {
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
                ended("pipelined command is left over", "body\r\n.\r\nQUIT\r\n", "body\r\n", "QUIT\r\n"),
                ended("second marker is left over", "body\r\n.\r\n.\r\n", "body\r\n", ".\r\n"),
                ended("leftover after an empty message", ".\r\nRSET\r\nQUIT\r\n", "", "RSET\r\nQUIT\r\n"),
                ended("bare bytes after the marker are left over", "x\r\n.\r\n\n.\n", "x\r\n", "\n.\n"),
                ended("binary bytes pass through", "\u0000\u00ff\r\n.\u0000\r\n\u00ff.\r\n.\r\n",
                        "\u0000\u00ff\r\n\u0000\r\n\u00ff.\r\n", ""),
                ended("NUL before the dot is content", "a\r\n\u0000.\r\nb\r\n.\r\n", "a\r\n\u0000.\r\nb\r\n", ""),
                new Case("UTF-8 text passes through",
                        utf8("Grüße — 日本\r\n.ü\r\n.\r\nQUIT\r\n"), utf8("Grüße — 日本\r\nü\r\n"), utf8("QUIT\r\n"),
                        Result.END_OF_DATA),
                open("CRLF dot CR holds the CR back", "a\r\n.\r", "a\r\n"),
                open("a trailing CR waits for the next byte", "a\r", "a\r"),
                open("dot at line start is dropped right away", "a\r\n.", "a\r\n"),
                open("no input", "", ""));
    }

    /** Inputs with bare CR or LF, and what NORMALIZE makes of them; STRICT refuses every one. */
    static Stream<Case> bareCases() {
        List<Case> cases = new ArrayList<>(List.of(
                ended("bare LF lines are stored as CRLF", "From: x\nSubject: y\n\nbody\nend\r\n.\r\n",
                        "From: x\r\nSubject: y\r\n\r\nbody\r\nend\r\n", ""),
                ended("bare CR lines are stored as CRLF", "a\rb\r\n.\r\n", "a\r\nb\r\n", ""),
                ended("bare LF right at the start", "\nx\r\n.\r\n", "\r\nx\r\n", ""),
                ended("stuffed dot after a bare LF is unstuffed", "a\n..b\r\n.\r\n", "a\r\n.b\r\n", ""),
                ended("lone stuffed dot after a bare LF", "a\n..\nb\r\n.\r\n", "a\r\n.\r\nb\r\n", ""),
                ended("bare LF dot CRLF at the very start is content", "\n.\r\n.\r\n", "\r\n\r\n", ""),
                ended("dot bare LF at the very start is content", ".\n.\r\n.\r\n", "\r\n\r\n", ""),
                ended("dot CR then non-LF at the very start", ".\rX\r\n.\r\n", "\r\nX\r\n", ""),
                ended("CRLF dot CR then non-LF", "\r\n.\rX\r\n.\r\n", "\r\n\r\nX\r\n", ""),
                ended("dot CR CR LF is two line ends", "x\r\n.\r\r\n.\r\n", "x\r\n\r\n\r\n", ""),
                ended("CR CR LF before the marker", "a\r\r\n.\r\n", "a\r\n\r\n", ""),
                ended("CR CR LF around a stuffed line", "a\r\r\n..\r\r\n.\r\n", "a\r\n\r\n.\r\n\r\n", ""),
                ended("CR CR dot: the dot starts a bare line", "a\r\r.\r\n.\r\n", "a\r\n\r\n\r\n", ""),
                ended("bare LF then a real marker right after", "a\n\r\n.\r\n", "a\r\n\r\n", ""),
                ended("a real CRLF dot CRLF after a bare-LF dot line ends", "a\n.\r\n.\r\nQUIT\r\n", "a\r\n\r\n",
                        "QUIT\r\n"),
                open("bare LF pseudo-terminator does not end", "a\n.\n", "a\r\n\r\n"),
                open("bare CR pseudo-terminator does not end", "a\r.\r", "a\r\n\r"),
                open("CRLF dot bare LF does not end", "a\r\n.\n", "a\r\n\r\n"),
                open("LF after CRLF makes the next dot line bare", "a\r\n\n.\r\n", "a\r\n\r\n\r\n"),
                open("bare LF dot CRLF does not end", "a\n.\r\n", "a\r\n\r\n"),
                open("bare CR dot CRLF does not end", "a\r.\r\n", "a\r\n\r\n")));
        for (String[] v : VARIANTS) {
            cases.add(ended("variant " + show(bytes(v[0])), "a" + v[0] + "b\r\n.\r\n", "a" + v[1] + "b\r\n", ""));
            cases.add(ended("variant " + show(bytes(v[0])) + " with a smuggled transaction",
                    "Subject: x\r\n\r\nhello" + v[0] + SMUGGLED + v[0] + "\r\n.\r\nQUIT\r\n",
                    "Subject: x\r\n\r\nhello" + v[1] + SMUGGLED + v[1] + "\r\n", "QUIT\r\n"));
        }
        return cases.stream();
    }

    static Stream<Arguments> cases() {
        Stream<Arguments> common = commonCases().flatMap(c -> Stream.of(arguments(Mode.STRICT, c), arguments(Mode.NORMALIZE, c)));
        Stream<Arguments> bare = bareCases().flatMap(c -> Stream.of(
                arguments(Mode.STRICT, new Case(c.name(), c.input(), new byte[0], new byte[0], Result.BARE_LINE_ENDING)),
                arguments(Mode.NORMALIZE, c)));
        return Stream.concat(common, bare);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void decodesWholeInput(Mode mode, Case c) throws IOException {
        assertThat(decode(mode, c.input())).isEqualTo(expected(c));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void decodesTheSameWhenSplitAtEveryByteBoundary(Mode mode, Case c) throws IOException {
        for (int cut = 0; cut <= c.input().length; cut++) {
            assertThat(decode(mode, c.input(), cut)).as("split at %d", cut).isEqualTo(expected(c));
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void decodesTheSameWhenSplitAtEveryPairOfByteBoundaries(Mode mode, Case c) throws IOException {
        if (c.input().length > 64) {
            return; // the long smuggling inputs: every single split and one byte per call suffice
        }
        for (int first = 0; first <= c.input().length; first++) {
            for (int second = first; second <= c.input().length; second++) {
                assertThat(decode(mode, c.input(), first, second)).as("split at %d and %d", first, second)
                        .isEqualTo(expected(c));
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void decodesTheSameWhenFedOneBytePerCall(Mode mode, Case c) throws IOException {
        int[] cuts = new int[Math.max(0, c.input().length - 1)];
        Arrays.setAll(cuts, i -> i + 1);
        assertThat(decode(mode, c.input(), cuts)).isEqualTo(expected(c));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void decodesDirectReadOnlyBuffersWithNonZeroPosition(Mode mode, Case c) throws IOException {
        ByteBuffer direct = ByteBuffer.allocateDirect(c.input().length + 6);
        direct.put(new byte[] {'.', '\r', '\n'}).put(c.input()).put(new byte[] {'.', '\r', '\n'});
        ByteBuffer in = direct.position(3).limit(3 + c.input().length).asReadOnlyBuffer();
        CollectingSink sink = new CollectingSink();
        DataDecoder decoder = new DataDecoder(sink, mode);

        Result result = decoder.feed(in);

        if (result == Result.BARE_LINE_ENDING) {
            assertThat(Outcome.REFUSED).isEqualTo(expected(c));
            return;
        }
        byte[] leftover = new byte[in.remaining()];
        in.get(leftover);
        assertThat(new Outcome(show(sink.bytes()), show(leftover), result)).isEqualTo(expected(c));
    }

    /**
     * The smuggled transaction never reaches the sink in STRICT mode, whatever the split: the
     * decoder stops at the first bare CR or LF, before any of it.
     */
    @Test
    void strictStopsBeforeTheSmuggledTransactionAtEverySplit() throws IOException {
        for (String[] v : VARIANTS) {
            byte[] input = bytes("Subject: x\r\n\r\nhello" + v[0] + SMUGGLED + "\r\n.\r\n");
            for (int cut = 0; cut <= input.length; cut++) {
                CollectingSink sink = new CollectingSink();
                DataDecoder decoder = new DataDecoder(sink, Mode.STRICT);
                ByteBuffer first = ByteBuffer.wrap(input, 0, cut);
                Result result = decoder.feed(first);
                ByteBuffer second = ByteBuffer.wrap(input, first.position(), input.length - first.position());
                if (result == Result.NEED_MORE) {
                    result = decoder.feed(second);
                }
                assertThat(result).as("%s split at %d", show(bytes(v[0])), cut).isEqualTo(Result.BARE_LINE_ENDING);
                assertThat(show(sink.bytes())).doesNotContain("MAIL", "evil");
                assertThat(decoder.finished()).isFalse();
            }
        }
    }

    /**
     * Round trip: dot-stuff a random CRLF message the way a client must (RFC 5321 4.5.2), add the
     * marker and random trailing bytes, feed in random chunks, and get back exactly the message.
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void roundTripsRandomDotStuffedMessagesFedInRandomChunks(Mode mode) throws IOException {
        for (long seed : new long[] {1L, 2L, 3L, 42L, 5321L, 0x5EEDL}) {
            Random random = new Random(seed);
            for (int iteration = 0; iteration < 2000; iteration++) {
                byte[] message = random.nextInt(10) == 0 ? new byte[0] : randomCrlfLines(random, 80);
                byte[] trailing = randomBytes(random, 12);
                byte[] input = concat(dotStuff(message), bytes(".\r\n"), trailing);

                Outcome outcome = decode(mode, input, randomCuts(random, input.length));

                long s = seed;
                int n = iteration;
                assertThat(outcome)
                        .as(() -> "seed " + s + " iteration " + n + " input " + show(input))
                        .isEqualTo(new Outcome(show(message), show(trailing), Result.END_OF_DATA));
            }
        }
    }

    /**
     * Arbitrary (also malformed) input compared with a straightforward whole-buffer reading of each
     * mode's rules, so that inputs a well-behaved client would never send are covered too.
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void matchesAWholeBufferReferenceOnArbitraryBytes(Mode mode) throws IOException {
        for (long seed : new long[] {7L, 8L, 9L, 1996L, 20231218L}) {
            Random random = new Random(seed);
            for (int iteration = 0; iteration < 4000; iteration++) {
                byte[] input = randomBytes(random, 40);

                Outcome outcome = decode(mode, input, randomCuts(random, input.length));

                long s = seed;
                int n = iteration;
                assertThat(outcome)
                        .as(() -> "seed " + s + " iteration " + n + " input " + show(input))
                        .isEqualTo(mode == Mode.STRICT ? strictReference(input) : normalizeReference(input));
            }
        }
    }

    @Test
    void referencesAgreeWithTheTables() {
        commonCases().forEach(c -> {
            assertThat(strictReference(c.input())).as("strict %s", c).isEqualTo(expected(c));
            assertThat(normalizeReference(c.input())).as("normalize %s", c).isEqualTo(expected(c));
        });
        bareCases().forEach(c -> {
            assertThat(strictReference(c.input())).as("strict %s", c).isEqualTo(Outcome.REFUSED);
            assertThat(normalizeReference(c.input())).as("normalize %s", c).isEqualTo(expected(c));
        });
    }

    @Test
    void normalizedOutputNeverHasABareCrOrLf() throws IOException {
        Random random = new Random(2920);
        for (int iteration = 0; iteration < 3000; iteration++) {
            byte[] input = concat(randomBytes(random, 60), bytes("\r\n.\r\n"));
            CollectingSink sink = new CollectingSink();
            DataDecoder decoder = new DataDecoder(sink, Mode.NORMALIZE);
            ByteBuffer in = ByteBuffer.wrap(input);
            assertThat(decoder.feed(in)).isEqualTo(Result.END_OF_DATA);
            byte[] body = sink.bytes();
            int bad = -1;
            for (int i = 0; i < body.length && bad < 0; i++) {
                boolean crOk = body[i] != '\r' || (i + 1 < body.length && body[i + 1] == '\n');
                boolean lfOk = body[i] != '\n' || (i > 0 && body[i - 1] == '\r');
                bad = crOk && lfOk ? -1 : i;
            }
            assertThat(bad).as(() -> "bare CR or LF in " + show(body) + " from " + show(input)).isEqualTo(-1);
            assertThat(body.length == 0 || (body.length >= 2 && body[body.length - 2] == '\r'
                    && body[body.length - 1] == '\n')).as("ends with CRLF: %s", show(body)).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void handsLargePlainMessagesToTheSinkInSlicesNotBytes(Mode mode) throws IOException {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        for (int line = 0; text.size() < 1024 * 1024; line++) {
            text.writeBytes(bytes(String.format("Line %06d: the quick brown fox jumps over the lazy dog\r\n", line)));
        }
        byte[] message = text.toByteArray();
        byte[] input = concat(message, bytes(".\r\n"));
        int chunkSize = 64 * 1024;
        int chunks = (input.length + chunkSize - 1) / chunkSize;
        CollectingSink sink = new CollectingSink();

        assertThat(feedInChunks(new DataDecoder(sink, mode), input, chunkSize)).isEqualTo(Result.END_OF_DATA);

        assertThat(sink.bytes()).isEqualTo(message);
        assertThat(sink.calls()).isLessThanOrEqualTo(2 * chunks);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void breaksSliceRunsOnlyAtStuffedDots(Mode mode) throws IOException {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        int stuffedLines = 0;
        for (int line = 0; text.size() < 256 * 1024; line++) {
            boolean stuffed = line % 50 == 0;
            stuffedLines += stuffed ? 1 : 0;
            text.writeBytes(bytes((stuffed ? ".." : "") + "some ordinary text of a line " + line + "\r\n"));
        }
        byte[] input = concat(text.toByteArray(), bytes(".\r\n"));
        CollectingSink sink = new CollectingSink();

        assertThat(new DataDecoder(sink, mode).feed(ByteBuffer.wrap(input))).isEqualTo(Result.END_OF_DATA);

        assertThat(sink.calls()).isLessThanOrEqualTo(stuffedLines + 1);
    }

    /** A legacy device's bare-LF lines: rewritten, yet not one sink call per line. */
    @Test
    void normalizesBareLfMessagesWithoutASinkCallPerLine() throws IOException {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        int lines = 0;
        for (; text.size() < 1024 * 1024; lines++) {
            String line = String.format("%sLine %06d of a legacy device's message", lines % 40 == 0 ? "." : "", lines);
            text.writeBytes(bytes((line.startsWith(".") ? "." : "") + line + "\n"));
            expected.writeBytes(bytes(line + "\r\n"));
        }
        byte[] input = concat(text.toByteArray(), bytes("\r\n.\r\n"));
        expected.writeBytes(bytes("\r\n"));
        int chunkSize = 64 * 1024;
        int chunks = (input.length + chunkSize - 1) / chunkSize;
        CollectingSink sink = new CollectingSink();

        assertThat(feedInChunks(new DataDecoder(sink, Mode.NORMALIZE), input, chunkSize)).isEqualTo(Result.END_OF_DATA);

        assertThat(sink.bytes()).isEqualTo(expected.toByteArray());
        assertThat(sink.calls()).as("sink calls for %d lines", lines).isLessThanOrEqualTo(input.length / 4096 + 2 * chunks);
    }

    /** A hostile worst case: every byte a bare line end (and one sink call each, done naively). */
    @ParameterizedTest
    @MethodSource("hostileFillers")
    void normalizesFloodsOfBareLineEndsWithoutASinkCallPerByte(String filler) throws IOException {
        byte[] input = concat(bytes(filler.repeat(512 * 1024 / filler.length())), bytes("\r\n.\r\n"));
        int chunkSize = 16 * 1024;
        int chunks = (input.length + chunkSize - 1) / chunkSize;
        CollectingSink sink = new CollectingSink();

        assertThat(feedInChunks(new DataDecoder(sink, Mode.NORMALIZE), input, chunkSize)).isEqualTo(Result.END_OF_DATA);

        assertThat(sink.calls()).isLessThanOrEqualTo(2 * input.length / 4096 + 2 * chunks);
    }

    static Stream<String> hostileFillers() {
        return Stream.of("\n", "\r", "\n.", "\r.", "x\n", "\r\r\n");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void feedAfterFinishedThrows(Mode mode) throws IOException {
        DataDecoder decoder = new DataDecoder(new CollectingSink(), mode);
        ByteBuffer in = ByteBuffer.wrap(bytes("hi\r\n.\r\nQUIT\r\n"));
        assertThat(decoder.feed(in)).isEqualTo(Result.END_OF_DATA);
        assertThat(decoder.finished()).isTrue();
        int position = in.position();

        assertThatThrownBy(() -> decoder.feed(in)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> decoder.feed(ByteBuffer.allocate(0))).isInstanceOf(IllegalStateException.class);
        assertThat(in.position()).isEqualTo(position);
    }

    @Test
    void feedAfterABareLineEndingThrows() throws IOException {
        DataDecoder decoder = new DataDecoder(new CollectingSink(), Mode.STRICT);
        ByteBuffer in = ByteBuffer.wrap(bytes("hi\n.\nMAIL FROM:<x@y>\r\n"));
        assertThat(decoder.feed(in)).isEqualTo(Result.BARE_LINE_ENDING);
        assertThat(in.position()).as("stopped right after the bare LF").isEqualTo(3);
        assertThat(decoder.finished()).isFalse();

        assertThatThrownBy(() -> decoder.feed(in)).isInstanceOf(IllegalStateException.class);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void isNotFinishedBeforeTheMarker(Mode mode) throws IOException {
        DataDecoder decoder = new DataDecoder(new CollectingSink(), mode);
        assertThat(decoder.mode()).isEqualTo(mode);
        assertThat(decoder.finished()).isFalse();
        assertThat(decoder.feed(ByteBuffer.wrap(bytes("hi\r\n.\r")))).isEqualTo(Result.NEED_MORE);
        assertThat(decoder.finished()).isFalse();
    }

    // ---- helpers ----

    /** Feeds {@code input} in pieces that start at the given offsets (ascending, repeats allowed). */
    private static Outcome decode(Mode mode, byte[] input, int... cuts) throws IOException {
        CollectingSink sink = new CollectingSink();
        DataDecoder decoder = new DataDecoder(sink, mode);
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : input.length;
            ByteBuffer in = ByteBuffer.wrap(input, from, to - from);
            Result result = decoder.feed(in);
            assertThat(decoder.finished()).isEqualTo(result == Result.END_OF_DATA);
            assertThat(in.limit()).isEqualTo(to);
            if (result == Result.BARE_LINE_ENDING) {
                assertThat(mode).isEqualTo(Mode.STRICT);
                return Outcome.REFUSED;
            }
            if (result == Result.END_OF_DATA) {
                // The rest of this piece and all later pieces are what follows the marker.
                return new Outcome(show(sink.bytes()), show(Arrays.copyOfRange(input, in.position(), input.length)),
                        Result.END_OF_DATA);
            }
            assertThat(in.hasRemaining()).as("an unfinished feed consumes everything").isFalse();
            from = to;
        }
        return new Outcome(show(sink.bytes()), "", Result.NEED_MORE);
    }

    private static Result feedInChunks(DataDecoder decoder, byte[] input, int chunkSize) throws IOException {
        Result result = Result.NEED_MORE;
        for (int offset = 0; offset < input.length && result == Result.NEED_MORE; offset += chunkSize) {
            result = decoder.feed(ByteBuffer.wrap(input, offset, Math.min(chunkSize, input.length - offset)));
        }
        return result;
    }

    /** Where the content ends: the first ".\r\n" at offset 0 or "\r\n.\r\n" anywhere (+2); -1 if none. */
    private static int bodyEnd(byte[] in) {
        if (startsWith(in, 0, ".\r\n")) {
            return 0;
        }
        for (int i = 0; i + 5 <= in.length; i++) {
            if (startsWith(in, i, "\r\n.\r\n")) {
                return i + 2;
            }
        }
        return -1;
    }

    /**
     * STRICT read over the whole input at once: refused if a bare LF, or a CR followed by something
     * other than LF, occurs before the end of the marker; otherwise the data ends at
     * {@link #bodyEnd}, a dot at offset 0 or right after CRLF is dropped, and before the marker is
     * seen, a CR after such a dot at the very end is still held back.
     */
    private static Outcome strictReference(byte[] in) {
        int bodyEnd = bodyEnd(in);
        int consumed = bodyEnd >= 0 ? bodyEnd + 3 : in.length;
        for (int p = 0; p < consumed; p++) {
            if ((in[p] == '\n' && (p == 0 || in[p - 1] != '\r')) || (in[p] == '\r' && p + 1 < consumed && in[p + 1] != '\n')) {
                return Outcome.REFUSED;
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
        return new Outcome(show(body.toByteArray()), show(leftover), finished ? Result.END_OF_DATA : Result.NEED_MORE);
    }

    /**
     * NORMALIZE read over the whole input at once: the data ends at {@link #bodyEnd}; CRLF, a bare
     * LF and a bare CR each end a line and are written as CRLF; a dot at the start of any line is
     * dropped. Before the marker is seen, a final CR is written without its LF (it may still turn
     * out to be part of CRLF), and a final dot CR after CRLF is held back entirely.
     */
    private static Outcome normalizeReference(byte[] in) {
        int bodyEnd = bodyEnd(in);
        boolean finished = bodyEnd >= 0;
        int end = finished ? bodyEnd : in.length;
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        boolean lineStart = true;
        boolean afterCrlf = true;
        for (int p = 0; p < end; p++) {
            byte b = in[p];
            if (lineStart && b == '.') {
                lineStart = false;
                if (afterCrlf && !finished && p + 2 == end && in[p + 1] == '\r') {
                    break;
                }
                continue;
            }
            lineStart = false;
            if (b == '\r') {
                if (p + 1 == end) {
                    body.write('\r');
                    break;
                }
                body.writeBytes(bytes("\r\n"));
                lineStart = true;
                afterCrlf = in[p + 1] == '\n';
                if (afterCrlf) {
                    p++;
                }
            } else if (b == '\n') {
                body.writeBytes(bytes("\r\n"));
                lineStart = true;
                afterCrlf = false;
            } else {
                body.write(b);
            }
        }
        byte[] leftover = finished ? Arrays.copyOfRange(in, bodyEnd + 3, in.length) : new byte[0];
        return new Outcome(show(body.toByteArray()), show(leftover), finished ? Result.END_OF_DATA : Result.NEED_MORE);
    }

    /** Client-side dot-stuffing (RFC 5321 4.5.2) of CRLF-only content. */
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

    /** Random CRLF lines (no bare CR or LF), heavy in dots, ending in CRLF. */
    private static byte[] randomCrlfLines(Random random, int maxLength) {
        byte[] alphabet = {'.', '.', '.', 'a', 'a', 0x00, (byte) 0xFF, ' '};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int length = random.nextInt(maxLength + 1);
        while (out.size() < length) {
            if (random.nextInt(4) == 0) {
                out.writeBytes(bytes("\r\n"));
            } else {
                out.write(alphabet[random.nextInt(alphabet.length)]);
            }
        }
        out.writeBytes(bytes("\r\n"));
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
        return new Case(name, bytes(input), bytes(body), bytes(leftover), Result.END_OF_DATA);
    }

    private static Case open(String name, String input, String bodySoFar) {
        return new Case(name, bytes(input), bytes(bodySoFar), new byte[0], Result.NEED_MORE);
    }

    private static Outcome expected(Case c) {
        return new Outcome(show(c.body()), show(c.leftover()), c.result());
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
    static String show(byte[] bytes) {
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

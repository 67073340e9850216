package dev.oauthrelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.oauthrelay.session.data.DataDecoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class OutboundBodyEncoderTest {

    record Case(String name, String input, String output) {
        @Override
        public String toString() {
            return name + " [" + show(input) + "]";
        }
    }

    static Stream<Case> table() {
        return Stream.of(
                new Case("empty", "", ".\r\n"),
                new Case("one line", "a\r\n", "a\r\n.\r\n"),
                new Case("unterminated last line", "a", "a\r\n.\r\n"),
                new Case("two lines", "a\r\nb\r\n", "a\r\nb\r\n.\r\n"),
                new Case("empty line", "\r\n", "\r\n.\r\n"),
                new Case("leading dot", ".a\r\n", "..a\r\n.\r\n"),
                new Case("lone dot line", "a\r\n.\r\nb\r\n", "a\r\n..\r\nb\r\n.\r\n"),
                new Case("lone dot first", ".\r\n", "..\r\n.\r\n"),
                new Case("lone dot unterminated", ".", "..\r\n.\r\n"),
                new Case("two dots", "..\r\n", "...\r\n.\r\n"),
                new Case("dot inside line", "a.b\r\n", "a.b\r\n.\r\n"),
                new Case("dot after CRLF at end", "a\r\n.", "a\r\n..\r\n.\r\n"),
                // Bare LF: every position.
                new Case("bare LF", "a\nb\n", "a\r\nb\r\n.\r\n"),
                new Case("bare LF only", "\n", "\r\n.\r\n"),
                new Case("bare LF first", "\na", "\r\na\r\n.\r\n"),
                new Case("bare LF twice", "a\n\nb", "a\r\n\r\nb\r\n.\r\n"),
                new Case("bare LF then dot", "a\n.b\n", "a\r\n..b\r\n.\r\n"),
                new Case("smuggling LF.LF", "a\n.\nb", "a\r\n..\r\nb\r\n.\r\n"),
                new Case("LF CR", "a\n\rb", "a\r\n\r\nb\r\n.\r\n"),
                // Bare CR: every position.
                new Case("bare CR", "a\rb\r", "a\r\nb\r\n.\r\n"),
                new Case("bare CR only", "\r", "\r\n.\r\n"),
                new Case("bare CR first", "\ra", "\r\na\r\n.\r\n"),
                new Case("bare CR twice", "a\r\rb", "a\r\n\r\nb\r\n.\r\n"),
                new Case("bare CR then dot", "a\r.b", "a\r\n..b\r\n.\r\n"),
                new Case("smuggling CR.CR", "a\r.\rb", "a\r\n..\r\nb\r\n.\r\n"),
                new Case("CR CR LF", "a\r\r\nb", "a\r\n\r\nb\r\n.\r\n"),
                new Case("CRLF CR", "a\r\n\rb", "a\r\n\r\nb\r\n.\r\n"),
                new Case("trailing bare CR", "a\r", "a\r\n.\r\n"),
                new Case("smuggling CRLF.LF", "a\r\n.\nb\r\n", "a\r\n..\r\nb\r\n.\r\n"),
                new Case("smuggling LF.CRLF", "a\n.\r\nb\r\n", "a\r\n..\r\nb\r\n.\r\n"),
                new Case("8-bit bytes pass through", "caf\u00e9\r\n", "caf\u00e9\r\n.\r\n"));
    }

    @ParameterizedTest
    @MethodSource("table")
    void encodesInOneChunk(Case c) {
        assertThat(show(encode(bytes(c.input()), new int[0]))).isEqualTo(show(c.output()));
    }

    @ParameterizedTest
    @MethodSource("table")
    void sameResultWhenSplitAtEveryBoundary(Case c) {
        byte[] input = bytes(c.input());
        for (int split = 0; split <= input.length; split++) {
            assertThat(show(encode(input, new int[] {split})))
                    .as("split at %d", split).isEqualTo(show(c.output()));
        }
        int[] everyByte = new int[input.length];
        for (int i = 0; i < input.length; i++) {
            everyByte[i] = i;
        }
        assertThat(show(encode(input, everyByte))).as("byte by byte").isEqualTo(show(c.output()));
    }

    @ParameterizedTest
    @MethodSource("table")
    void decodesBackToCanonicalContent(Case c) throws IOException {
        byte[] input = bytes(c.input());
        assertThat(show(decode(encode(input, new int[0])))).isEqualTo(show(canonical(input)));
    }

    @Test
    void randomRoundTripThroughTheInboundDecoder() throws IOException {
        Random random = new Random(20260127L);
        byte[] alphabet = {'\r', '\n', '.', 'a', ' ', (byte) 0xC3, 0};
        for (int round = 0; round < 20_000; round++) {
            byte[] input = new byte[random.nextInt(40)];
            for (int i = 0; i < input.length; i++) {
                input[i] = alphabet[random.nextInt(alphabet.length)];
            }
            int[] splits = random.ints(random.nextInt(4), 0, input.length + 1).sorted().toArray();
            byte[] encoded = encode(input, splits);
            String label = "input " + show(input) + " splits " + java.util.Arrays.toString(splits);
            assertNoBareCrOrLf(encoded, label);
            assertThat(show(decode(encoded))).as(label).isEqualTo(show(canonical(input)));
        }
    }

    @Test
    void outputBoundIsRespectedInTheWorstCase() {
        // A CR held from the previous chunk, then line-leading dots after bare CRs: 2 per byte + 2.
        OutboundBodyEncoder encoder = new OutboundBodyEncoder();
        encoder.encode(ByteBuffer.wrap(bytes("\r")));
        byte[] worst = bytes(".\r.\r.\r.");
        ByteBuffer out = ByteBuffer.allocate(OutboundBodyEncoder.maxEncodedSize(worst.length));
        encoder.encode(ByteBuffer.wrap(worst), out);
        assertThat(out.position()).isLessThanOrEqualTo(OutboundBodyEncoder.maxEncodedSize(worst.length));
        assertThat(show(new String(out.array(), 0, out.position(), StandardCharsets.ISO_8859_1)))
                .isEqualTo(show("\r\n..\r\n..\r\n..\r\n.."));
    }

    @Test
    void refusesTooSmallOutputAndUseAfterFinish() {
        OutboundBodyEncoder encoder = new OutboundBodyEncoder();
        assertThatThrownBy(() -> encoder.encode(ByteBuffer.wrap(bytes("abc")), ByteBuffer.allocate(7)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> encoder.finish(ByteBuffer.allocate(4)))
                .isInstanceOf(IllegalArgumentException.class);
        encoder.finish();
        assertThatThrownBy(() -> encoder.encode(ByteBuffer.wrap(bytes("a"))))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(encoder::finish).isInstanceOf(IllegalStateException.class);
    }

    /** Encodes {@code input} cut at the given positions, then finishes. */
    private static byte[] encode(byte[] input, int[] splits) {
        OutboundBodyEncoder encoder = new OutboundBodyEncoder();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int from = 0;
        for (int split : splits) {
            write(out, encoder.encode(ByteBuffer.wrap(input, from, split - from)));
            from = split;
        }
        write(out, encoder.encode(ByteBuffer.wrap(input, from, input.length - from)));
        write(out, encoder.finish());
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, ByteBuffer buffer) {
        out.write(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
    }

    /**
     * What the upstream's decoder makes of the encoded bytes; they must end exactly at the marker.
     * The decoder is STRICT: a single bare CR or LF in the encoded bytes fails the test.
     */
    private static byte[] decode(byte[] encoded) throws IOException {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        DataDecoder decoder = new DataDecoder(chunk -> {
            byte[] copy = new byte[chunk.remaining()];
            chunk.get(copy);
            content.write(copy, 0, copy.length);
        }, DataDecoder.Mode.STRICT);
        ByteBuffer in = ByteBuffer.wrap(encoded);
        assertThat(decoder.feed(in)).as("marker found").isEqualTo(DataDecoder.Result.END_OF_DATA);
        assertThat(in.remaining()).as("nothing after the marker").isZero();
        return content.toByteArray();
    }

    /**
     * The content as the upstream should see it, computed independently of the encoder: CRLF, bare
     * CR and bare LF each become one CRLF; non-empty content ends with CRLF.
     */
    private static byte[] canonical(byte[] input) {
        String s = new String(input, StandardCharsets.ISO_8859_1)
                .replace("\r\n", "\n")
                .replace('\r', '\n')
                .replace("\n", "\r\n");
        if (!s.isEmpty() && !s.endsWith("\r\n")) {
            s += "\r\n";
        }
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void assertNoBareCrOrLf(byte[] encoded, String label) {
        for (int i = 0; i < encoded.length; i++) {
            if (encoded[i] == '\r') {
                assertThat(i + 1 < encoded.length && encoded[i + 1] == '\n').as(label + ": CR at " + i).isTrue();
            }
            if (encoded[i] == '\n') {
                assertThat(i > 0 && encoded[i - 1] == '\r').as(label + ": LF at " + i).isTrue();
            }
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String show(byte[] b) {
        return show(new String(b, StandardCharsets.ISO_8859_1));
    }

    private static String show(String s) {
        return s.replace("\r", "\\r").replace("\n", "\\n");
    }
}

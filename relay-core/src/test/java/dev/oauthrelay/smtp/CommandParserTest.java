package dev.oauthrelay.smtp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class CommandParserTest {

    private static final EnhancedStatus SYNTAX_5_5_2 = EnhancedStatus.of(5, 5, 2);

    private static Command parse(String line) throws SmtpSyntaxException {
        return CommandParser.parse(line.getBytes(UTF_8));
    }

    private static void assertRejectedWith500(byte[] line) {
        assertThatThrownBy(() -> CommandParser.parse(line))
                .as("line %s", HexFormat.ofDelimiter(" ").formatHex(line))
                .isInstanceOfSatisfying(SmtpSyntaxException.class, e -> {
                    assertThat(e.reply().code()).isEqualTo(500);
                    assertThat(e.reply().status()).isEqualTo(SYNTAX_5_5_2);
                    assertThat(e.reply().close()).isFalse();
                });
    }

    static Stream<Arguments> everyVerbInEveryCase() {
        return Arrays.stream(Verb.values())
                .filter(v -> v != Verb.UNKNOWN)
                .flatMap(v -> {
                    String upper = v.name();
                    String lower = upper.toLowerCase(java.util.Locale.ROOT);
                    String mixed = lower.substring(0, 1).toUpperCase(java.util.Locale.ROOT) + lower.substring(1);
                    String alternating = alternate(upper);
                    return Stream.of(upper, lower, mixed, alternating).map(word -> Arguments.of(word, v));
                });
    }

    private static String alternate(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(i % 2 == 0 ? Character.toLowerCase(c) : c);
        }
        return b.toString();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("everyVerbInEveryCase")
    void verbsAreRecognisedInAnyCase(String word, Verb expected) throws Exception {
        assertThat(parse(word).verb()).isEqualTo(expected);
        assertThat(parse(word + " arg").verb()).isEqualTo(expected);
    }

    /**
     * RFC 5321 verbs are ASCII; Unicode case mapping must not turn look-alikes into verbs
     * ("ı".toUpperCase() is "I", "ſ".toUpperCase() is "S").
     */
    @ParameterizedTest
    @ValueSource(strings = {"maıl FROM:<a@b.c>", "ſtarttls", "rſet", "ehlo\u0307", "\uff2d\uff21\uff29\uff2c FROM:<a@b.c>",
        "quıt", "helO\u200b"})
    void nonAsciiLookAlikeVerbsAreUnknown(String line) throws Exception {
        assertThat(parse(line).verb()).isEqualTo(Verb.UNKNOWN);
    }

    static Stream<Arguments> whitespaceVariants() {
        return Stream.of(
                Arguments.of("MAIL FROM:<a@b.c>", Verb.MAIL, "FROM:<a@b.c>"),
                Arguments.of("MAIL  FROM:<a@b.c>", Verb.MAIL, "FROM:<a@b.c>"),
                Arguments.of("MAIL\tFROM:<a@b.c>", Verb.MAIL, "FROM:<a@b.c>"),
                Arguments.of("MAIL \t \t FROM:<a@b.c>", Verb.MAIL, "FROM:<a@b.c>"),
                Arguments.of("MAIL FROM:<a@b.c>   ", Verb.MAIL, "FROM:<a@b.c>"),
                Arguments.of("MAIL FROM:<a@b.c>\t \t", Verb.MAIL, "FROM:<a@b.c>"),
                Arguments.of("rcpt\t\tTO:<a@b.c>  SIZE=1 \t", Verb.RCPT, "TO:<a@b.c>  SIZE=1"),
                Arguments.of("EHLO printer.local ", Verb.EHLO, "printer.local"),
                Arguments.of("AUTH PLAIN\tAHUAcA==", Verb.AUTH, "PLAIN\tAHUAcA=="),
                Arguments.of("HELO  a  b", Verb.HELO, "a  b"),
                // Recognised only to be refused (CHUNKING is not offered): RFC 5321 section 4.2.4.
                Arguments.of("bdat 10 LAST", Verb.BDAT, "10 LAST"));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("whitespaceVariants")
    void whitespaceBetweenVerbAndArgumentIsSkippedAndTrailingWhitespaceRemoved(String line, Verb verb, String argument)
            throws Exception {
        Command c = parse(line);
        assertThat(c.verb()).isEqualTo(verb);
        assertThat(c.argument()).isEqualTo(argument);
        assertThat(c.hasArgument()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"DATA", "data", "QUIT ", "RSET\t", "NOOP \t \t", "STARTTLS  "})
    void commandWithoutArgumentHasEmptyArgument(String line) throws Exception {
        Command c = parse(line);
        assertThat(c.verb()).isNotEqualTo(Verb.UNKNOWN);
        assertThat(c.argument()).isEmpty();
        assertThat(c.hasArgument()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t", "   \t "})
    void emptyOrBlankLineIsUnknownWithEmptyArgument(String line) throws Exception {
        Command c = parse(line);
        assertThat(c.verb()).isEqualTo(Verb.UNKNOWN);
        assertThat(c.argument()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "GET / HTTP/1.1                              | / HTTP/1.1",
        "POST /submit HTTP/1.1                       | /submit HTTP/1.1",
        "CONNECT smtp.example.com:25 HTTP/1.1        | smtp.example.com:25 HTTP/1.1",
        "HEAD / HTTP/1.0                             | / HTTP/1.0",
        "Host: x                                     | x",
        "User-Agent: curl/8.5.0                      | curl/8.5.0",
        "Content-Length: 42                          | 42",
        "MAILFROM:<a@b.c>                            | ''",
        "MAIL-FROM:<a@b.c>                           | ''",
        "EHLOprinter                                 | ''",
        "HELLO there                                 | there",
        "STARTTLSX                                   | ''",
        "UNKNOWN x                                   | x",
        "XCLIENT ADDR=1.2.3.4                        | ADDR=1.2.3.4",
        "TURN                                        | ''",
    })
    void unknownVerbsIncludingHttpAndHeaderLinesMapToUnknown(String line, String argument) throws Exception {
        Command c = parse(line);
        assertThat(c.verb()).isEqualTo(Verb.UNKNOWN);
        assertThat(c.argument()).isEqualTo(argument);
    }

    static Stream<byte[]> controlCharacterLines() {
        Stream<String> named = Stream.of(
                "\0",
                "MAIL FROM:<a@b.c>\0",
                "MAIL FROM:<a@b.c>\0RCPT TO:<x@y.z>",
                "\0MAIL FROM:<a@b.c>",
                "EH\0LO x",
                "EHLO x\rRSET",
                "RSET\r",
                "\rQUIT",
                "EHLO x\nRSET",
                "NOOP \u001b[31m",
                "NOOP \u0001",
                "NOOP \u000b",
                "NOOP \f",
                "NOOP \u001f",
                "NOOP \u007f",
                "\u007f",
                "HELO a\u007fb");
        Stream<String> everyControl = java.util.stream.IntStream.concat(
                        java.util.stream.IntStream.range(0, 0x20).filter(c -> c != '\t'),
                        java.util.stream.IntStream.of(0x7f))
                .mapToObj(c -> "NOOP x" + (char) c + "y");
        return Stream.concat(named, everyControl).map(s -> s.getBytes(UTF_8));
    }

    @ParameterizedTest
    @MethodSource("controlCharacterLines")
    void nulLoneCrOtherControlCharactersAndDelAreRejectedWith500(byte[] line) {
        assertRejectedWith500(line);
    }

    @Test
    void tabIsNotAControlCharacterForThisPurpose() throws Exception {
        assertThat(parse("NOOP a\tb").argument()).isEqualTo("a\tb");
    }

    static Stream<byte[]> invalidUtf8Lines() {
        return Stream.of(
                bytes("MAIL FROM:<", 0xff, ">"),                        // never valid in UTF-8
                bytes("MAIL FROM:<j", 0xf6, "rg@b.c>"),                 // Latin-1 o-umlaut
                bytes("MAIL FROM:<", 0x80, "@b.c>"),                    // lone continuation byte
                bytes("MAIL FROM:<", 0xc3, ">"),                        // truncated 2-byte sequence
                bytes("NOOP ", 0xc3),                                   // truncated at end of line
                bytes("NOOP ", 0xe4, 0xbd, " x"),                       // truncated 3-byte sequence
                bytes("NOOP ", 0xc0, 0xaf),                             // overlong '/'
                bytes("NOOP ", 0xc0, 0x80),                             // overlong NUL (modified UTF-8)
                bytes("NOOP ", 0xe0, 0x80, 0xaf),                       // overlong 3-byte
                bytes("NOOP ", 0xf0, 0x80, 0x80, 0xaf),                 // overlong 4-byte
                bytes("NOOP ", 0xed, 0xa0, 0x80),                       // UTF-16 surrogate encoded (CESU-8)
                bytes("NOOP ", 0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80),     // surrogate pair encoded separately
                bytes("NOOP ", 0xf4, 0x90, 0x80, 0x80),                 // above U+10FFFF
                bytes("NOOP ", 0xf8, 0x88, 0x80, 0x80, 0x80),           // 5-byte form
                bytes("", 0xfe, 0xff, "EHLO x"));                       // UTF-16 BOM
    }

    private static byte[] bytes(Object... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (Object p : parts) {
            if (p instanceof String s) {
                out.writeBytes(s.getBytes(UTF_8));
            } else {
                out.write((Integer) p);
            }
        }
        return out.toByteArray();
    }

    @ParameterizedTest
    @MethodSource("invalidUtf8Lines")
    void invalidUtf8IsRejectedWith500(byte[] line) {
        assertRejectedWith500(line);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "MAIL FROM:<jörg@bücher.de> SMTPUTF8",
        "RCPT TO:<用户@例子.广告>",
        "RCPT TO:<😀@example.com>",
        "EHLO пример.рф",
        "NOOP \u00a0non-breaking space and \u2028 line separator are not ASCII controls"})
    void validUtf8ArgumentsPassUnchanged(String line) throws Exception {
        Command c = parse(line);
        assertThat(c.verb()).isNotEqualTo(Verb.UNKNOWN);
        assertThat(c.argument()).isEqualTo(line.substring(line.indexOf(' ') + 1));
    }
}

package dev.oauthrelay.smtp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded random lines into the command and path parsers: whatever arrives, they either return a
 * value or throw {@link SmtpSyntaxException} carrying a 5xx reply with an enhanced status. Any
 * other exception would reach the transport as an internal error. The seeds are fixed, so a
 * failure reproduces; the message names the seed, the iteration and the bytes.
 */
class ParserFuzzTest {

    private static final int ITERATIONS = 3000;

    /** Characters that steer the parsers into their interesting branches. */
    private static final String SPECIAL = "<>:@\" \t=.,[]\\-";
    private static final String[] PREFIXES = {"MAIL FROM:", "RCPT TO:", "mail from:<", "RCPT TO: <", "FROM:", "TO:",
        "FROM:<@", "TO:<\"", "EHLO ", "AUTH PLAIN ", "", ""};
    private static final byte[][] UTF8 = {
        "ö".getBytes(UTF_8), "用".getBytes(UTF_8), "😀".getBytes(UTF_8), "\u00a0".getBytes(UTF_8), "ſ".getBytes(UTF_8),
        {(byte) 0x80}, {(byte) 0xc3}, {(byte) 0xff}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, {(byte) 0xc0, (byte) 0xaf},
        {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}};

    /** Valid lines the mutation mode starts from, so that the loop also reaches the accepting paths. */
    private static final String[] VALID = {
        "MAIL FROM:<a@b.c> SIZE=10", "RCPT TO:<postmaster>", "MAIL FROM:<\"john doe\"@b.c>",
        "MAIL FROM:<@x.y,@z:a@b.c>", "MAIL FROM:<jörg@bücher.de> SMTPUTF8", "RCPT TO:<用户@例子.广告>", "MAIL FROM:<>",
        "MAIL FROM:a@[192.0.2.1] BODY=8BITMIME", "RCPT TO:<\"a>b\"@c.d>", "mail from: <x.y+z@sub.example.com> ret=hdrs"};

    static byte[] randomLine(Random random) {
        return random.nextBoolean() ? noise(random) : mutation(random);
    }

    /** Random bytes, biased toward the characters the parsers care about. */
    private static byte[] noise(Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(PREFIXES[random.nextInt(PREFIXES.length)].getBytes(UTF_8));
        int length = random.nextInt(random.nextInt(10) == 0 ? 400 : 40);
        for (int i = 0; i < length; i++) {
            out.writeBytes(randomPiece(random));
        }
        return out.toByteArray();
    }

    private static byte[] randomPiece(Random random) {
        int kind = random.nextInt(100);
        if (kind < 40) {
            return new byte[] {(byte) SPECIAL.charAt(random.nextInt(SPECIAL.length()))};
        } else if (kind < 55) {
            return UTF8[random.nextInt(UTF8.length)];
        } else if (kind < 58) {
            return new byte[] {0};
        } else if (kind < 61) {
            return new byte[] {'\r'};
        } else if (kind < 63) {
            return new byte[] {'\n'};
        } else if (kind < 70) {
            return new byte[] {(byte) random.nextInt(256)};
        } else if (kind < 75) {
            return (random.nextBoolean() ? "SIZE=" : "a@b.c").getBytes(UTF_8);
        }
        return new byte[] {(byte) "abcxyzABCXYZ0189".charAt(random.nextInt(16))};
    }

    /** A valid line with a few random insertions, deletions or replacements (sometimes none). */
    private static byte[] mutation(Random random) {
        byte[] line = VALID[random.nextInt(VALID.length)].getBytes(UTF_8);
        int edits = random.nextInt(4);
        for (int e = 0; e < edits; e++) {
            int at = random.nextInt(line.length + 1);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(line, 0, at);
            int op = random.nextInt(3);
            if (op != 1) {
                out.writeBytes(randomPiece(random)); // insert or replace
            }
            int skip = op == 0 ? 0 : Math.min(1 + random.nextInt(3), line.length - at);
            out.write(line, at + skip, line.length - at - skip);
            line = out.toByteArray();
        }
        return line;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1L, 42L, 5321L, 0xC0FFEEL, 20240601L})
    void parsersOnlyReturnOrThrowSmtpSyntaxExceptionWithA5xxEnhancedReply(long seed) {
        Random random = new Random(seed);
        int syntaxErrors = 0;
        int accepted = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            byte[] line = randomLine(random);
            String where = "seed " + seed + " iteration " + i + " bytes " + HexFormat.of().formatHex(line);
            String lenient = new String(line, UTF_8);
            String argument = null;
            try {
                argument = check(where, () -> CommandParser.parse(line).argument());
            } catch (SmtpSyntaxException expected) {
                syntaxErrors++;
            }
            for (String input : argument == null ? new String[] {lenient} : new String[] {lenient, argument}) {
                try {
                    PathArgument p = check(where + " MAIL <" + input + ">", () -> PathParser.parseMail(input));
                    assertValid(where, p, true);
                    accepted++;
                } catch (SmtpSyntaxException expected) {
                    syntaxErrors++;
                }
                try {
                    PathArgument p = check(where + " RCPT <" + input + ">", () -> PathParser.parseRcpt(input));
                    assertValid(where, p, false);
                    accepted++;
                } catch (SmtpSyntaxException expected) {
                    syntaxErrors++;
                }
            }
        }
        // The generator must reach both outcomes, or the loop is not testing much.
        assertThat(syntaxErrors).isGreaterThan(ITERATIONS / 10);
        assertThat(accepted).isGreaterThan(ITERATIONS / 10);
    }

    private interface Parse<T> {
        T run() throws SmtpSyntaxException;
    }

    private static <T> T check(String where, Parse<T> parse) throws SmtpSyntaxException {
        try {
            return parse.run();
        } catch (SmtpSyntaxException e) {
            SmtpReply reply = e.reply();
            assertThat(reply).as(where).isNotNull();
            assertThat(reply.code()).as(where + " reply " + reply).isBetween(500, 599);
            assertThat(reply.status()).as(where + " reply " + reply).isNotNull();
            assertThat(reply.status().statusClass()).as(where).isEqualTo(5);
            assertThat(reply.close()).as(where).isFalse();
            throw e;
        } catch (RuntimeException | Error e) {
            return fail(where + " threw " + e, e);
        }
    }

    /** What a successful parse promises the session. */
    private static void assertValid(String where, PathArgument p, boolean mail) {
        String a = p.address();
        if (a.isEmpty()) {
            assertThat(mail).as(where + ": only MAIL may have the null path").isTrue();
        } else {
            assertThat(Addresses.isValid(a) || !mail && a.equalsIgnoreCase("postmaster"))
                    .as(where + ": accepted address <" + a + "> is a mailbox").isTrue();
        }
        assertThat(a.getBytes(UTF_8).length + 2).as(where).isLessThanOrEqualTo(256);
        p.parameters().forEach((k, v) -> {
            assertThat(k).as(where).matches("[A-Z0-9][A-Z0-9-]*");
            assertThat(v).as(where).doesNotContain("=", " ", "\t");
        });
    }
}

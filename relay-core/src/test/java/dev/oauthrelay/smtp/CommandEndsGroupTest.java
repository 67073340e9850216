package dev.oauthrelay.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 2920 section 3.1, RFC 3207 section 4 and RFC 4954 section 4: which commands end a pipelined group. */
class CommandEndsGroupTest {

    private static boolean endsGroup(String line) throws SmtpSyntaxException {
        return CommandParser.parse(line.getBytes(StandardCharsets.UTF_8)).endsGroup();
    }

    @ParameterizedTest
    @ValueSource(strings = {"EHLO x", "HELO x", "DATA", "VRFY a", "EXPN list", "QUIT", "NOOP", "STARTTLS",
        "AUTH LOGIN", "AUTH LOGIN cHJpbnRlcg==", "AUTH PLAIN", "auth plain", "AUTH CRAM-MD5", "ehlo x"})
    void mustBeLast(String line) throws Exception {
        assertThat(endsGroup(line)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"MAIL FROM:<a@b>", "RCPT TO:<a@b>", "RSET", "HELP", "XYZZY",
        // RFC 3030 section 2: a chunk follows BDAT at once; it is refused with 502, not as a violation.
        "BDAT 10000000 LAST",
        // RFC 4954 section 4: PLAIN with an initial response completes in one round trip.
        "AUTH PLAIN AHByaW50ZXIAd3Jvbmc=", "auth plain AHByaW50ZXIAd3Jvbmc="})
    void mayBeFollowed(String line) throws Exception {
        assertThat(endsGroup(line)).isFalse();
    }
}

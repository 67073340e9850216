package dev.oauthrelay.auth;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.smtp.EnhancedStatus;
import dev.oauthrelay.smtp.Replies;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SaslPlainTest {

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(UTF_8));
    }

    static String b64(byte[] raw) {
        return Base64.getEncoder().encodeToString(raw);
    }

    static void assertFailure(SaslStep step, int code, EnhancedStatus status) {
        assertThat(step).isInstanceOfSatisfying(SaslStep.Failure.class, f -> {
            assertThat(f.reply().code()).as("reply %s", f.reply()).isEqualTo(code);
            assertThat(f.reply().status()).as("reply %s", f.reply()).isEqualTo(status);
        });
    }

    static final EnhancedStatus MALFORMED = EnhancedStatus.of(5, 5, 2);

    /** The message with "|" standing for NUL, for readable tables. */
    private static String message(String withBars) {
        return withBars.replace('|', '\0');
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
        "|printer|s3cret           ; printer  ; s3cret",
        "printer|printer|s3cret    ; printer  ; s3cret",
        "|printer|pass word with spaces ; printer ; pass word with spaces",
        "|jörg|pässwörd            ; jörg     ; pässwörd",
        "|用户|密码                 ; 用户      ; 密码",
        "|printer@contoso.com|x    ; printer@contoso.com ; x",
    })
    void initialResponseYieldsCredentials(String msg, String user, String password) {
        SaslStep step = new SaslPlain().start(b64(message(msg)));
        assertThat(step).isEqualTo(new SaslStep.Credentials(user, password));
    }

    @Test
    void withoutInitialResponseTheServerSendsAnEmptyChallengeThenTakesTheResponse() {
        SaslPlain plain = new SaslPlain();
        SaslStep first = plain.start(null);
        assertThat(first).isInstanceOfSatisfying(SaslStep.Challenge.class, c -> {
            assertThat(c.reply()).isEqualTo(Replies.SASL_EMPTY_CHALLENGE);
            assertThat(c.reply().code()).isEqualTo(334);
            assertThat(c.reply().status()).isNull();
            assertThat(c.reply().encode()).startsWith("334 ").endsWith("\r\n").isEqualTo("334 \r\n");
        });
        assertThat(plain.next(b64("\0printer\0s3cret"))).isEqualTo(new SaslStep.Credentials("printer", "s3cret"));
    }

    @Test
    void trailingBlanksAfterTheResponseAreIgnored() {
        SaslPlain plain = new SaslPlain();
        plain.start(null);
        assertThat(plain.next(b64("\0printer\0s3cret") + " \t")).isEqualTo(new SaslStep.Credentials("printer", "s3cret"));
    }

    @Test
    void authzidOtherThanTheAuthcidIsAnAuthenticationFailure() {
        assertFailure(new SaslPlain().start(b64("admin\0printer\0s3cret")), 535, EnhancedStatus.of(5, 7, 8));
        assertFailure(new SaslPlain().start(b64("Printer\0printer\0s3cret")), 535, EnhancedStatus.of(5, 7, 8));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {
        "printer|s3cret",        // one NUL
        "printers3cret",         // no NUL
        "|printer|s3cret|",      // three NULs
        "|printer|s3|cret",
        "||printer|s3cret",
        "a|b|c|d",
        "||s3cret",              // empty authcid
        "printer||s3cret",       // empty authcid with authzid
        "||",
        "|",
    })
    void malformedMessageIs501(String msg) {
        assertFailure(new SaslPlain().start(b64(message(msg))), 501, MALFORMED);
    }

    @Test
    void emptyInitialResponseIsMalformed() {
        // RFC 4954 section 4: "=" is an initial response of zero length, which is no PLAIN message.
        assertFailure(new SaslPlain().start("="), 501, MALFORMED);
        assertFailure(new SaslPlain().start(""), 501, MALFORMED);
    }

    @Test
    void starCancelsWith501() {
        assertFailure(new SaslPlain().start("*"), 501, EnhancedStatus.of(5, 0, 0));
        SaslPlain plain = new SaslPlain();
        plain.start(null);
        assertFailure(plain.next("*"), 501, EnhancedStatus.of(5, 0, 0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\0u\0p", "\0us\0p", "\0use\0p", "\0printer\0s3cret!"})
    void base64WithoutPaddingIsAccepted(String msg) {
        String padded = b64(msg);
        String unpadded = padded.replace("=", "");
        SaslStep expected = new SaslPlain().start(padded);
        assertThat(expected).isInstanceOf(SaslStep.Credentials.class);
        assertThat(new SaslPlain().start(unpadded)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"!!!!", "AHByaW50ZXIAczNjcmV0*", "AHByaW50ZXIA czNjcmV0", "A", "AHByaW50ZXIAczNjcmV0===",
        "\tAHByaW50ZXIAczNjcmV0", "AHBy=aW50ZXIAczNjcmV0", "ÄHByaW50ZXIAczNjcmV0", "AHByaW50ZXIAczNjcmV0\r\n",
        "AHByaW50ZXIAczNjcmV0-_"})
    void invalidBase64Is501(String line) {
        assertFailure(new SaslPlain().start(line), 501, MALFORMED);
    }

    @Test
    void invalidUtf8Is501() {
        byte[] latin1 = "\0j\u00f6rg\0p".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertFailure(new SaslPlain().start(b64(latin1)), 501, MALFORMED);
        assertFailure(new SaslPlain().start(b64(new byte[] {0, 'u', 0, (byte) 0xed, (byte) 0xa0, (byte) 0x80})), 501, MALFORMED);
        assertFailure(new SaslPlain().start(b64(new byte[] {0, 'u', 0, (byte) 0xc0, (byte) 0x80})), 501, MALFORMED);
    }

    @Test
    void credentialsToStringNeverShowsThePassword() {
        SaslStep step = new SaslPlain().start(b64("\0printer\0hunter2-secret"));
        assertThat(step).isInstanceOf(SaslStep.Credentials.class);
        assertThat(step.toString()).doesNotContain("hunter2").contains("printer");
        assertThat(new SaslStep.Credentials("u", "p4ssw0rd").toString()).doesNotContain("p4ssw0rd");
    }
}

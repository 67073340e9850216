package dev.oauthrelay.auth;

import static dev.oauthrelay.auth.SaslPlainTest.assertFailure;
import static dev.oauthrelay.auth.SaslPlainTest.b64;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.smtp.EnhancedStatus;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SaslLoginTest {

    private static final EnhancedStatus MALFORMED = EnhancedStatus.of(5, 5, 2);
    private static final EnhancedStatus CANCELLED = EnhancedStatus.of(5, 0, 0);

    private static String wire(SaslStep step) {
        assertThat(step).isInstanceOf(SaslStep.Challenge.class);
        return ((SaslStep.Challenge) step).reply().encode();
    }

    @Test
    void promptsAreExactlyTheConventionalBase64UsernameAndPassword() {
        SaslLogin login = new SaslLogin();
        assertThat(wire(login.start(null))).isEqualTo("334 VXNlcm5hbWU6\r\n");
        assertThat(wire(login.next(b64("printer")))).isEqualTo("334 UGFzc3dvcmQ6\r\n");
        assertThat(login.next(b64("s3cret"))).isEqualTo(new SaslStep.Credentials("printer", "s3cret"));
        assertThat(new String(Base64.getDecoder().decode("VXNlcm5hbWU6"), UTF_8)).isEqualTo("Username:");
        assertThat(new String(Base64.getDecoder().decode("UGFzc3dvcmQ6"), UTF_8)).isEqualTo("Password:");
    }

    @Test
    void usernameAsInitialResponseSkipsTheFirstPrompt() {
        SaslLogin login = new SaslLogin();
        assertThat(wire(login.start(b64("printer")))).isEqualTo("334 UGFzc3dvcmQ6\r\n");
        assertThat(login.next(b64("s3cret"))).isEqualTo(new SaslStep.Credentials("printer", "s3cret"));
    }

    @Test
    void utf8AndUnpaddedBase64AreAccepted() {
        SaslLogin login = new SaslLogin();
        login.start(null);
        login.next(b64("jörg").replace("=", ""));
        assertThat(login.next(b64("pässwörd").replace("=", ""))).isEqualTo(new SaslStep.Credentials("jörg", "pässwörd"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"=", ""})
    void emptyUsernameIs501(String line) {
        SaslLogin login = new SaslLogin();
        login.start(null);
        assertFailure(login.next(line), 501, MALFORMED);
        assertFailure(new SaslLogin().start(line), 501, MALFORMED);
    }

    @Test
    void starCancelsAtEitherPrompt() {
        assertFailure(new SaslLogin().start("*"), 501, CANCELLED);
        SaslLogin atUser = new SaslLogin();
        atUser.start(null);
        assertFailure(atUser.next("*"), 501, CANCELLED);
        SaslLogin atPassword = new SaslLogin();
        atPassword.start(b64("printer"));
        assertFailure(atPassword.next("*"), 501, CANCELLED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"cHJpbnRlcg== ", "cHJpbnRlcg\t", "cHJpbnRlcg==  \t "})
    void trailingBlanksAfterTheBase64AreIgnoredAtEitherPrompt(String line) {
        SaslLogin login = new SaslLogin();
        assertThat(wire(login.start(null))).isEqualTo("334 VXNlcm5hbWU6\r\n");
        assertThat(wire(login.next(line))).isEqualTo("334 UGFzc3dvcmQ6\r\n");
        assertThat(login.next(b64("s3cret") + " ")).isEqualTo(new SaslStep.Credentials("printer", "s3cret"));
        SaslLogin cancelled = new SaslLogin();
        cancelled.start(null);
        assertFailure(cancelled.next("* "), 501, CANCELLED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"!!!!", "cHJpbnRlcg===", " cHJpbnRlcg==", "\tcHJpbnRlcg==", "cHJp bnRlcg==", "A", "cHJpbnRlcg==\r\n", "cHJpbnRlcg-_"})
    void invalidBase64Is501AtEitherPrompt(String line) {
        SaslLogin atUser = new SaslLogin();
        atUser.start(null);
        assertFailure(atUser.next(line), 501, MALFORMED);
        SaslLogin atPassword = new SaslLogin();
        atPassword.start(b64("printer"));
        assertFailure(atPassword.next(line), 501, MALFORMED);
    }

    @Test
    void invalidUtf8AndNulAre501() {
        String latin1 = Base64.getEncoder().encodeToString("j\u00f6rg".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertFailure(new SaslLogin().start(latin1), 501, MALFORMED);
        assertFailure(new SaslLogin().start(b64("print\0er")), 501, MALFORMED);
        SaslLogin atPassword = new SaslLogin();
        atPassword.start(b64("printer"));
        assertFailure(atPassword.next(b64("s3\0cret")), 501, MALFORMED);
        SaslLogin atPassword2 = new SaslLogin();
        atPassword2.start(b64("printer"));
        assertFailure(atPassword2.next(latin1), 501, MALFORMED);
    }

    @Test
    void credentialsToStringNeverShowsThePassword() {
        SaslLogin login = new SaslLogin();
        login.start(b64("printer"));
        SaslStep step = login.next(b64("hunter2-secret"));
        assertThat(step).isInstanceOf(SaslStep.Credentials.class);
        assertThat(step.toString()).doesNotContain("hunter2");
    }
}

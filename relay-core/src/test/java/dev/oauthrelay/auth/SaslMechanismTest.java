package dev.oauthrelay.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SaslMechanismTest {

    @ParameterizedTest
    @ValueSource(strings = {"PLAIN", "plain", "Plain", "pLaIn"})
    void plainIsFoundInAnyCase(String name) {
        assertThat(SaslMechanism.forName(name)).containsInstanceOf(SaslPlain.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"LOGIN", "login", "Login", "lOgIn"})
    void loginIsFoundInAnyCase(String name) {
        assertThat(SaslMechanism.forName(name)).containsInstanceOf(SaslLogin.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "CRAM-MD5", "DIGEST-MD5", "XOAUTH2", "OAUTHBEARER", "GSSAPI", "NTLM", "ANONYMOUS",
        "EXTERNAL", "SCRAM-SHA-256", "PLAINX", "PLAI", "LOGIN ", " LOGIN", "LOGIN\0", "logın", "PLAİN", "ＰＬＡＩＮ"})
    void unknownNamesAreEmpty(String name) {
        assertThat(SaslMechanism.forName(name)).isEmpty();
    }

    @Test
    void everyLookupStartsAFreshExchange() {
        SaslMechanism first = SaslMechanism.forName("LOGIN").orElseThrow();
        SaslMechanism second = SaslMechanism.forName("LOGIN").orElseThrow();
        assertThat(first).isNotSameAs(second);
        first.start(SaslPlainTest.b64("printer"));
        // The second exchange must still ask for the username first.
        assertThat(second.start(null)).isInstanceOfSatisfying(SaslStep.Challenge.class,
                c -> assertThat(c.reply().encode()).isEqualTo("334 VXNlcm5hbWU6\r\n"));
    }

    @Test
    void advertisedMechanismsAreTheOnesForNameFinds() {
        for (String name : SaslMechanism.ADVERTISED.split(" ")) {
            assertThat(SaslMechanism.forName(name)).as(name).isPresent();
        }
    }
}

package dev.oauthrelay.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExpiryWarningsTest {

    private static final Instant START = Instant.parse("2027-01-03T09:00:00Z");
    private static final Duration WARN = Duration.ofDays(30);
    private static final CredentialExpiry SECRET = CredentialExpiry.at("default", CredentialKind.CLIENT_SECRET,
            "relay.oauth.client-secret", Instant.parse("2027-01-15T00:00:00Z"), "relay.oauth.client-secret-expires");
    private static final CredentialExpiry CERTIFICATE = CredentialExpiry.at("default", CredentialKind.CERTIFICATE,
            "relay.oauth.certificate", Instant.parse("2028-01-15T00:00:00Z"), "notAfter");

    private final ExpiryWarnings warnings = new ExpiryWarnings();

    private List<CredentialStatus> at(Instant now, CredentialExpiry... expiries) {
        return warnings.due(java.util.Arrays.stream(expiries).map(e -> CredentialStatus.evaluate(e, now, WARN)).toList());
    }

    @Test
    void anExpiringCredentialIsWarnedAboutOnceADayNotAtEveryLook() {
        assertThat(at(START, SECRET, CERTIFICATE)).extracting(CredentialStatus::kind)
                .containsExactly(CredentialKind.CLIENT_SECRET);
        assertThat(at(START.plusSeconds(300), SECRET, CERTIFICATE)).isEmpty();
        assertThat(at(START.plus(Duration.ofHours(23)), SECRET, CERTIFICATE)).isEmpty();
        assertThat(at(START.plus(Duration.ofDays(1)), SECRET, CERTIFICATE)).hasSize(1);
        assertThat(at(START.plus(Duration.ofDays(1)).plusSeconds(300), SECRET, CERTIFICATE)).isEmpty();
    }

    @Test
    void turningExpiredIsWarnedAtOnce() {
        at(START, SECRET);
        assertThat(at(Instant.parse("2027-01-15T00:05:00Z"), SECRET)).singleElement()
                .satisfies(s -> assertThat(s.state()).isEqualTo(CredentialState.EXPIRED));
    }

    @Test
    void aCredentialThatIsFineAgainIsForgottenSoItsNextTroubleIsWarnedAtOnce() {
        CredentialExpiry entra = CredentialExpiry.reportedExpired("default", CredentialKind.CLIENT_SECRET,
                "relay.oauth.client-secret", "Entra ID answered AADSTS7000222");
        CredentialExpiry unknown = CredentialExpiry.unknown("default", CredentialKind.CLIENT_SECRET, "relay.oauth.client-secret");
        assertThat(at(START, entra)).hasSize(1);
        assertThat(at(START.plusSeconds(60), unknown)).isEmpty();
        assertThat(at(START.plusSeconds(120), entra)).hasSize(1);
    }
}

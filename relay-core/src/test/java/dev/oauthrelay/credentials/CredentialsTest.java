package dev.oauthrelay.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class CredentialsTest {

    private static final Instant NOW = Instant.parse("2027-01-03T09:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final Duration WARN = Duration.ofDays(30);
    private static final String SECRET_KEY = "relay.upstream-accounts[0].client-secret";

    private static CredentialStatus judge(CredentialExpiry e) {
        return CredentialStatus.evaluate(e, NOW, WARN);
    }

    private static CredentialExpiry secretOn(String instant) {
        return CredentialExpiry.at("fabrikam", CredentialKind.CLIENT_SECRET, SECRET_KEY, Instant.parse(instant),
                SECRET_KEY + "-expires");
    }

    @Test
    void aSecretWithinTheWarningPeriodIsExpiringAndTheSentenceSaysWhenAndHowToReplaceIt() {
        CredentialStatus s = judge(secretOn("2027-01-15T00:00:00Z"));

        assertThat(s.state()).isEqualTo(CredentialState.EXPIRING);
        assertThat(s.sentence()).isEqualTo("the client secret of upstream account fabrikam expires on 2027-01-15"
                + " (in 12 days): create a new client secret in Entra ID > App registrations > (the app) > Certificates"
                + " & secrets, put its value into relay.upstream-accounts[0].client-secret (or the file"
                + " relay.upstream-accounts[0].client-secret-file names) and its expiry date into"
                + " relay.upstream-accounts[0].client-secret-expires, and restart the relay");
        assertThat(s.summary()).isEqualTo("client secret of fabrikam expires 2027-01-15");
        assertThat(s.secondsLeft()).hasValue(Duration.between(NOW, Instant.parse("2027-01-15T00:00:00Z")).toSeconds());
    }

    @Test
    void beyondTheWarningPeriodItIsOkAndTheSentenceHasNoFix() {
        CredentialStatus s = judge(secretOn("2027-06-01T00:00:00Z"));

        assertThat(s.state()).isEqualTo(CredentialState.OK);
        assertThat(s.sentence()).isEqualTo("the client secret of upstream account fabrikam expires on 2027-06-01 (in 149 days)");
        assertThat(s.state().needsAction()).isFalse();
    }

    @Test
    void theWarningPeriodIncludesItsLastMoment() {
        assertThat(judge(secretOn("2027-02-02T09:00:00Z")).state()).isEqualTo(CredentialState.EXPIRING);
        assertThat(judge(secretOn("2027-02-02T09:00:01Z")).state()).isEqualTo(CredentialState.OK);
    }

    @Test
    void aPassedDateIsExpiredWithZeroSecondsLeft() {
        CredentialStatus s = judge(secretOn("2026-12-31T00:00:00Z"));

        assertThat(s.state()).isEqualTo(CredentialState.EXPIRED);
        assertThat(s.sentence()).startsWith("the client secret of upstream account fabrikam expired on 2026-12-31"
                + " (3 days ago): create a new client secret");
        assertThat(s.secondsLeft()).hasValue(0);
        assertThat(judge(secretOn(NOW.toString())).state()).as("at the very moment").isEqualTo(CredentialState.EXPIRED);
    }

    @Test
    void aTimeOfDayIsShownWhenItIsNotMidnightAndShortSpansInHours() {
        CredentialStatus s = judge(secretOn("2027-01-03T14:30:00Z"));

        assertThat(s.date()).isEqualTo("2027-01-03 14:30 UTC");
        assertThat(s.sentence()).contains("expires on 2027-01-03 14:30 UTC (in 5 hours)");
    }

    @Test
    void aSecretWithoutADateIsUnknownAndSaysWhichKeyToSet() {
        CredentialStatus s = judge(CredentialExpiry.unknown("default", CredentialKind.CLIENT_SECRET,
                "relay.oauth.client-secret"));

        assertThat(s.state()).isEqualTo(CredentialState.UNKNOWN);
        assertThat(s.secondsLeft()).isEmpty();
        assertThat(s.sentence()).isEqualTo("the expiry of the client secret of upstream account default is unknown:"
                + " set relay.oauth.client-secret-expires to the expiry Entra ID shows for the secret"
                + " (App registrations > Certificates & secrets), so the relay can warn before it runs out");
        assertThat(s.summary()).isEqualTo("client secret of default: expiry unknown");
    }

    @Test
    void entraSayingExpiredMakesItExpiredWithoutADate() {
        CredentialStatus s = judge(CredentialExpiry.reportedExpired("default", CredentialKind.CLIENT_SECRET,
                "relay.oauth.client-secret", "Entra ID answered AADSTS7000222"));

        assertThat(s.state()).isEqualTo(CredentialState.EXPIRED);
        assertThat(s.secondsLeft()).hasValue(0);
        assertThat(s.sentence()).startsWith("the client secret of upstream account default has expired"
                + " (Entra ID answered AADSTS7000222): create a new client secret");
        assertThat(s.summary()).isEqualTo("client secret of default has expired (Entra ID answered AADSTS7000222)");
    }

    @Test
    void certificateFixesNameTheFilesToReplace() {
        CredentialStatus pem = judge(CredentialExpiry.at("default", CredentialKind.CERTIFICATE,
                "relay.oauth.certificate", Instant.parse("2027-01-10T12:00:00Z"), "the certificate's notAfter"));
        CredentialStatus p12 = judge(CredentialExpiry.at("fabrikam", CredentialKind.CERTIFICATE,
                "relay.upstream-accounts[1].pkcs12", Instant.parse("2027-01-10T12:00:00Z"), "the certificate's notAfter"));

        assertThat(pem.sentence()).isEqualTo("the certificate of upstream account default expires on"
                + " 2027-01-10 12:00 UTC (in 7 days): create a new certificate, upload its public part in Entra ID >"
                + " App registrations > (the app) > Certificates & secrets, point relay.oauth.certificate and"
                + " relay.oauth.private-key at the new files, and restart the relay");
        assertThat(p12.fix()).contains("point relay.upstream-accounts[1].pkcs12 (and its password) at the new files");
    }

    @Test
    void sourcesAreMergedTheMostUrgentWinning() {
        CredentialExpiry configured = secretOn("2027-06-01T00:00:00Z");
        CredentialExpiry earlier = secretOn("2027-01-20T00:00:00Z");
        CredentialExpiry entra = CredentialExpiry.reportedExpired("fabrikam", CredentialKind.CLIENT_SECRET, SECRET_KEY,
                "Entra ID answered AADSTS7000222");
        CredentialExpiry unknownDefault = CredentialExpiry.unknown("default", CredentialKind.CLIENT_SECRET,
                "relay.oauth.client-secret");
        CredentialExpiry certificate = CredentialExpiry.at("default", CredentialKind.CERTIFICATE, "relay.oauth.certificate",
                Instant.parse("2028-01-01T00:00:00Z"), "notAfter");

        Credentials onlyDates = new Credentials(List.of(() -> List.of(unknownDefault, configured),
                () -> List.of(earlier, certificate)), WARN, CLOCK);
        assertThat(onlyDates.statuses()).extracting(s -> s.account() + " " + s.kind().label() + " " + s.state())
                .containsExactly("default client-secret UNKNOWN", "fabrikam client-secret EXPIRING",
                        "default certificate OK");
        assertThat(onlyDates.anyNeedsAction()).isTrue();

        Credentials withEntra = new Credentials(List.of(() -> List.of(configured), () -> List.of(entra)), WARN, CLOCK);
        assertThat(withEntra.statuses()).singleElement().satisfies(s -> {
            assertThat(s.state()).isEqualTo(CredentialState.EXPIRED);
            assertThat(s.expiry().learntFrom()).isEqualTo("Entra ID answered AADSTS7000222");
        });

        assertThat(new Credentials(List.of(() -> List.of(unknownDefault)), WARN, CLOCK).anyNeedsAction()).isFalse();
        assertThat(Credentials.NONE.statuses()).isEmpty();
    }

    @Test
    void theRefreshTokenKindIsReadyForDelegatedAccounts() {
        CredentialStatus s = judge(CredentialExpiry.at("alice", CredentialKind.REFRESH_TOKEN, "relay.upstream-accounts[2]",
                Instant.parse("2027-01-20T00:00:00Z"), "90 days after its last use"));

        assertThat(s.kind().label()).isEqualTo("refresh-token");
        assertThat(s.sentence()).startsWith("the refresh token of upstream account alice expires on 2027-01-20 (in 17 days): sign in again");
    }
}

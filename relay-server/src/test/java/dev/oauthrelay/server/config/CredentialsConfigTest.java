package dev.oauthrelay.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.oauthrelay.server.oauth.AppAccount;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** relay.credentials and client-secret-expires on relay.oauth and relay.upstream-accounts. */
class CredentialsConfigTest {

    private static final String TENANT = UpstreamAccountsConfigTest.TENANT;
    private static final String TENANT2 = UpstreamAccountsConfigTest.TENANT2;

    private static RelayConfig parse(String relayBody) throws InvalidConfigException {
        return ConfigLoader.parse("relay { " + relayBody + " }", Map.of());
    }

    private static AppAccount account(RelayConfig c, String name) {
        return (AppAccount) c.upstreamAccounts().get(name);
    }

    @Test
    void warnBeforeDefaultsToThirtyDaysAndCanBeSet() throws Exception {
        assertThat(ConfigLoader.load(Optional.empty(), Map.of()).credentials()).isEqualTo(CredentialsConfig.DEFAULTS)
                .isEqualTo(new CredentialsConfig(Duration.ofDays(30)));
        assertThat(parse("credentials.warn-before = 14d").credentials().warnBefore()).isEqualTo(Duration.ofDays(14));
        assertThat(parse("credentials.warn-before = 0d").credentials().warnBefore()).isZero();
    }

    @Test
    void aBadWarningPeriodIsNamed() {
        assertThatThrownBy(() -> parse("credentials.warn-before = -1d")).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("relay.credentials.warn-before: expected a duration such as 30d");
        assertThatThrownBy(() -> parse("credentials.warn-before = 30")).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("relay.credentials.warn-before").hasMessageContaining("the unit is required");
        assertThatThrownBy(() -> parse("credentials.warn-befor = 3d")).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("did you mean relay.credentials.warn-before?");
    }

    @Test
    void theSecretExpiryIsADateOrAnInstantOnEveryAccount() throws Exception {
        RelayConfig c = parse("oauth { tenant-id = \"" + TENANT + "\", client-id = c, client-secret = x,"
                + " client-secret-expires = 2027-01-15 }\n"
                + "upstream-accounts = [ { name = fabrikam, tenant-id = \"" + TENANT2 + "\", client-id = f,"
                + " client-secret = y, client-secret-expires = \"2027-03-01T10:30:00+01:00\" },"
                + " { name = tailspin, tenant-id = \"" + TENANT2 + "\", client-id = t, client-secret = z } ]");

        assertThat(account(c, "default").clientSecretExpires()).hasValue(Instant.parse("2027-01-15T00:00:00Z"));
        assertThat(account(c, "default").configPath()).isEqualTo("relay.oauth");
        assertThat(account(c, "fabrikam").clientSecretExpires()).hasValue(Instant.parse("2027-03-01T09:30:00Z"));
        assertThat(account(c, "fabrikam").configPath()).isEqualTo("relay.upstream-accounts[0]");
        assertThat(account(c, "tailspin").clientSecretExpires()).isEmpty();
        assertThat(account(c, "tailspin").configPath()).isEqualTo("relay.upstream-accounts[1]");
    }

    @Test
    void anExpiryThatIsNoDateOrGoesWithACertificateIsNamed() {
        assertThatThrownBy(() -> parse("oauth { tenant-id = \"" + TENANT + "\", client-id = c, client-secret = x,"
                + " client-secret-expires = \"15.01.2027\" }"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("relay.oauth.client-secret-expires: expected a date such as 2027-01-15");
        assertThatThrownBy(() -> parse("upstream-accounts = [ { name = fabrikam, tenant-id = \"" + TENANT2
                + "\", client-id = f, pkcs12 = /etc/relay/app.p12, client-secret-expires = 2027-01-15 } ]"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("relay.upstream-accounts[0].client-secret-expires: goes with a client secret;"
                        + " a certificate's expiry is read from the certificate itself");
    }
}

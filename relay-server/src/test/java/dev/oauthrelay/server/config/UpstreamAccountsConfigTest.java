package dev.oauthrelay.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.oauthrelay.policy.Identity;
import dev.oauthrelay.server.oauth.AppAccount;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** relay.upstream-accounts and an identity's upstream-account. */
class UpstreamAccountsConfigTest {

    static final String TENANT = "11111111-2222-3333-4444-555555555555";
    static final String TENANT2 = "99999999-8888-7777-6666-555555555555";
    static final String DEFAULT = "oauth { tenant-id = \"" + TENANT + "\", client-id = c, client-secret = x }";
    static final String FABRIKAM = "{ name = fabrikam, tenant-id = \"" + TENANT2 + "\", client-id = f, client-secret = y }";

    private static RelayConfig parse(String relayBody) throws InvalidConfigException {
        return ConfigLoader.parse("relay { " + relayBody + " }", Map.of());
    }

    private static String network(String cidr, String mailbox, String account) {
        return "{ cidr = \"" + cidr + "\", mailbox = \"" + mailbox + "\""
                + (account == null ? "" : ", upstream-account = " + account) + " }";
    }

    @Test
    void relayOauthIsTheDefaultAccountAndMoreAccountsFollowInOrder() throws Exception {
        RelayConfig c = parse(DEFAULT + "\nupstream-accounts = [ " + FABRIKAM + ",\n"
                + "{ name = tailspin-2, tenant-id = \"" + TENANT2 + "\", client-id = t, client-secret = z,"
                + " authority = \"https://login.example.net/" + TENANT2 + "/\" } ]\n"
                + "trusted-networks = [ " + network("10.0.0.1", "scan@contoso.com", null) + ", "
                + network("10.0.0.2", "scan@fabrikam.example", "fabrikam") + " ]");
        assertThat(c.upstreamAccounts()).containsOnlyKeys("default", "fabrikam", "tailspin-2");
        assertThat(c.upstreamAccounts().keySet()).containsExactly("default", "fabrikam", "tailspin-2");
        AppAccount fabrikam = (AppAccount) c.upstreamAccounts().get("fabrikam");
        assertThat(fabrikam.tenantId()).isEqualTo(TENANT2);
        assertThat(fabrikam.settings().authority()).as("the cloud's login host")
                .isEqualTo("https://login.microsoftonline.com/" + TENANT2 + "/");
        assertThat(fabrikam.settings().scope()).isEqualTo("https://outlook.office365.com/.default");
        assertThat(((AppAccount) c.upstreamAccounts().get("tailspin-2")).settings().authority())
                .isEqualTo("https://login.example.net/" + TENANT2 + "/");
        assertThat(fabrikam.describe()).contains("fabrikam", TENANT2, "client secret").doesNotContain("y }");
        assertThat(c.trustedNetworks()).extracting(n -> n.identity().upstreamAccount())
                .containsExactly(Identity.DEFAULT_ACCOUNT, "fabrikam");
        assertThat(c.oauth()).as("relay.oauth is still there as it was").isPresent();
    }

    @Test
    void withoutRelayOauthEveryIdentityNamesItsAccount() {
        assertThatThrownBy(() -> parse("upstream-accounts = [ " + FABRIKAM + " ]\n"
                + "trusted-networks = [ " + network("10.0.0.1", "scan@contoso.com", null) + " ]"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("relay.trusted-networks[0].upstream-account: is missing: relay.oauth is not set")
                .hasMessageContaining("[fabrikam]");
    }

    @Test
    void withoutAnyAccountMailIsQueuedAndIdentitiesNeedNoAccount() throws Exception {
        RelayConfig c = parse("trusted-networks = [ " + network("10.0.0.1", "scan@contoso.com", null) + " ]");
        assertThat(c.upstreamAccounts()).isEmpty();
        assertThat(c.delivers()).isFalse();
    }

    @Test
    void anUnknownAccountIsNamedWithTheOnesThatExist() {
        assertThatThrownBy(() -> parse(DEFAULT + "\nupstream-accounts = [ " + FABRIKAM + " ]\n"
                + "accounts = [ { username = p, password-hash = \"" + CloudAndGraphConfigTest.HASH
                + "\", mailbox = \"p@contoso.com\", upstream-account = fabrikan } ]"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("relay.accounts[0].upstream-account: \"fabrikan\" is not an upstream account;"
                        + " configured: [default, fabrikam]");
    }

    @Test
    void aMailboxIsSentWithOneAccountOnly() {
        assertThatThrownBy(() -> parse(DEFAULT + "\nupstream-accounts = [ " + FABRIKAM + " ]\n"
                + "trusted-networks = [ " + network("10.0.0.1", "scan@contoso.com", null) + ", "
                + network("10.0.0.2", "SCAN@contoso.com", "fabrikam") + " ]"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("relay.trusted-networks[1].upstream-account: the mailbox SCAN@contoso.com is"
                        + " sent as with the account \"default\" by relay.trusted-networks[0]");
    }

    @Test
    void namesAreCheckedAndUnique() {
        assertThatThrownBy(() -> parse(DEFAULT + "\nupstream-accounts = [ " + FABRIKAM + ", " + FABRIKAM + ","
                + " { name = default, tenant-id = \"" + TENANT2 + "\", client-id = f, client-secret = y },"
                + " { name = \"Bad Name\", tenant-id = \"" + TENANT2 + "\", client-id = f, client-secret = y } ]"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("relay.upstream-accounts[1].name: \"fabrikam\" is used by another upstream account")
                .hasMessageContaining("relay.upstream-accounts[2].name: \"default\" is the name of relay.oauth")
                .hasMessageContaining("relay.upstream-accounts[3].name");
    }

    @Test
    void anAccountNeedsTenantClientAndOneCredentialAndNeverEchoesTheSecret() {
        assertThatThrownBy(() -> parse("upstream-accounts = [ { name = a }, { name = b, tenant-id = \"" + TENANT2
                + "\", client-id = f }, { name = c, tenant-id = \"" + TENANT2 + "\", client-id = f,"
                + " client-secret = \"s3cr3t-value\", pkcs12 = /x.p12 }, { name = d, tenant = x } ]"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("relay.upstream-accounts[0].tenant-id: is missing")
                .hasMessageContaining("relay.upstream-accounts[1].client-secret: no credential")
                .hasMessageContaining("relay.upstream-accounts[2].client-secret: more than one credential")
                .hasMessageContaining("relay.upstream-accounts[3].tenant")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cr3t-value"));
    }

    @Test
    void aUserSignInAccountIsAPublicClientWithAKeyAndOneMailbox() throws Exception {
        String user = "{ name = scans, sign-in = user, tenant-id = \"" + TENANT2 + "\", client-id = p }";
        RelayConfig c = parse("data-dir = /var/lib/relay\nsign-in.key-file = /etc/relay/sign-in.key\n"
                + "upstream-accounts = [ " + user + " ]\n"
                + "trusted-networks = [ " + network("10.0.0.1", "scan@fabrikam.example", "scans") + " ]");
        var account = (dev.oauthrelay.server.oauth.UserAccount) c.upstreamAccounts().get("scans");
        assertThat(account.smtpScope()).isEqualTo("https://outlook.office.com/SMTP.Send");
        assertThat(account.authority()).isEqualTo("https://login.microsoftonline.com/" + TENANT2 + "/");
        assertThat(account.tokenFile()).isEqualTo(java.nio.file.Path.of("/var/lib/relay/sign-in/scans.token"));
        assertThat(account.key().file()).contains(java.nio.file.Path.of("/etc/relay/sign-in.key"));

        assertThatThrownBy(() -> parse("upstream-accounts = [ { name = scans, sign-in = user, tenant-id = \""
                + TENANT2 + "\", client-id = p, client-secret = \"s3cr3t-value\" } ]"))
                .hasMessageContaining("relay.upstream-accounts[0].client-secret: with sign-in = user the app is a public client")
                .hasMessageContaining("relay.sign-in.key-file: is missing")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cr3t-value"));
        assertThatThrownBy(() -> parse("sign-in.key-file = /k\nupstream-accounts = [ " + user + " ]\n"
                + "trusted-networks = [ " + network("10.0.0.1", "a@fabrikam.example", "scans") + ", "
                + network("10.0.0.2", "b@fabrikam.example", "scans") + " ]"))
                .hasMessageContaining("relay.trusted-networks[1].mailbox: the upstream account \"scans\" signs in as"
                        + " one user and sends as that mailbox only, which relay.trusted-networks[0] says is a@fabrikam.example");
        assertThatThrownBy(() -> parse("oauth.sign-in = robot"))
                .hasMessageContaining("relay.oauth.sign-in");
    }
}

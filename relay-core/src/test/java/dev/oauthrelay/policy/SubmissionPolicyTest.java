package dev.oauthrelay.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.auth.PasswordHasher;
import dev.oauthrelay.smtp.EnhancedStatus;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SubmissionPolicyTest {

    private static final Identity SCANNERS = new Identity("10.1.0.0/16", Identity.Kind.TRUSTED_NETWORK,
            "scanner@contoso.com", List.of("scanner@contoso.com"), SenderMismatch.REWRITE);
    private static final Identity RECEPTION = new Identity("10.1.2.3", Identity.Kind.TRUSTED_NETWORK,
            "reception@contoso.com", List.of("reception@contoso.com"), SenderMismatch.REWRITE);
    private static final Identity OFFICE = new Identity("10.0.0.0/8", Identity.Kind.TRUSTED_NETWORK,
            "office@contoso.com", List.of("@contoso.com"), SenderMismatch.REJECT);
    private static final Identity NAS = new Identity("fd00:1::/64", Identity.Kind.TRUSTED_NETWORK,
            "nas@contoso.com", List.of("*"), SenderMismatch.REJECT);
    private static final Identity NAS_HOST = new Identity("fd00:1::9", Identity.Kind.TRUSTED_NETWORK,
            "nas9@contoso.com", List.of("*"), SenderMismatch.REJECT);

    private static final Identity PRINTER = new Identity("printer", Identity.Kind.ACCOUNT,
            "printer@contoso.com", List.of("printer@contoso.com", "@print.contoso.com"), SenderMismatch.REJECT);
    private static final Identity SCRIPT = new Identity("script", Identity.Kind.ACCOUNT,
            "alerts@contoso.com", List.of("alerts@contoso.com"), SenderMismatch.REWRITE);

    private static SubmissionPolicy policy;

    @BeforeAll
    static void buildPolicy() {
        // Cost 4 keeps the tests fast; the unknown-user path checks a hash of the same cost.
        policy = new SubmissionPolicy(
                List.of(new DeviceAccount("printer", PasswordHasher.hash("s3cret pass".toCharArray(), 4), PRINTER),
                        new DeviceAccount("script", PasswordHasher.hash("pässwörd".toCharArray(), 4), SCRIPT)),
                // Deliberately least specific first: the policy must not depend on configuration order.
                List.of(new TrustedNetwork(Cidr.parse("10.0.0.0/8"), OFFICE),
                        new TrustedNetwork(Cidr.parse("fd00:1::/64"), NAS),
                        new TrustedNetwork(Cidr.parse("10.1.0.0/16"), SCANNERS),
                        new TrustedNetwork(Cidr.parse("fd00:1::9"), NAS_HOST),
                        new TrustedNetwork(Cidr.parse("10.1.2.3/32"), RECEPTION)));
    }

    // ---- decideSender -------------------------------------------------------------------------

    @Test
    void allowedSenderIsAcceptedUnchanged() {
        assertThat(policy.decideSender(PRINTER, "printer@contoso.com"))
                .isEqualTo(new SenderDecision.Accept("printer@contoso.com", false));
        assertThat(policy.decideSender(PRINTER, "Tray2@Print.Contoso.com"))
                .isEqualTo(new SenderDecision.Accept("Tray2@Print.Contoso.com", false));
    }

    @Test
    void disallowedSenderIsRejectedWith550NamingTheSenderToUse() {
        SenderDecision decision = policy.decideSender(PRINTER, "ceo@contoso.com");
        assertThat(decision).isInstanceOfSatisfying(SenderDecision.Reject.class, r -> {
            assertThat(r.reply().code()).isEqualTo(550);
            assertThat(r.reply().status()).isEqualTo(EnhancedStatus.of(5, 7, 1));
            assertThat(r.reply().lines().get(0)).contains("<ceo@contoso.com>").contains("<printer@contoso.com>");
        });
    }

    @Test
    void disallowedSenderIsRewrittenToTheMailboxWhenConfigured() {
        assertThat(policy.decideSender(SCRIPT, "root@server.local"))
                .isEqualTo(new SenderDecision.Accept("alerts@contoso.com", true));
    }

    @Test
    void headerRepairThatRewritesFromSendsEveryEnvelopeAsTheMailbox() {
        Identity copier = new Identity("copier", Identity.Kind.ACCOUNT, "mfp@contoso.com",
                List.of("mfp@contoso.com", "@print.contoso.com"), SenderMismatch.REJECT,
                new HeaderRepairOptions(true, true, true, true));
        // allowed senders, other senders and the null sender alike: From will be the mailbox, so is MAIL FROM
        assertThat(policy.decideSender(copier, "tray2@print.contoso.com")).isEqualTo(new SenderDecision.Accept("mfp@contoso.com", true));
        assertThat(policy.decideSender(copier, "ceo@contoso.com")).isEqualTo(new SenderDecision.Accept("mfp@contoso.com", true));
        assertThat(policy.decideSender(copier, "")).isEqualTo(new SenderDecision.Accept("mfp@contoso.com", true));
        assertThat(policy.decideSender(copier, "MFP@contoso.com")).isEqualTo(new SenderDecision.Accept("mfp@contoso.com", false));
        // the default repairs leave the envelope to allowed-senders and sender-mismatch
        assertThat(PRINTER.headerRepair()).isEqualTo(HeaderRepairOptions.DEFAULTS);
        assertThat(HeaderRepairOptions.DEFAULTS.rewriteFrom()).isFalse();
    }

    @Test
    void nullSenderIsNeverAllowedAsIs() {
        assertThat(policy.decideSender(PRINTER, "")).isInstanceOf(SenderDecision.Reject.class);
        assertThat(policy.decideSender(NAS, "")).isInstanceOf(SenderDecision.Reject.class);
        assertThat(policy.decideSender(SCRIPT, "")).isEqualTo(new SenderDecision.Accept("alerts@contoso.com", true));
    }

    // ---- trustedIdentity ----------------------------------------------------------------------

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "10.1.2.3,      reception@contoso.com",
        "10.1.2.4,      scanner@contoso.com",
        "10.1.255.255,  scanner@contoso.com",
        "10.2.0.1,      office@contoso.com",
        "10.255.255.255, office@contoso.com",
        "fd00:1::9,     nas9@contoso.com",
        "fd00:1::8,     nas@contoso.com",
        "fd00:1::ffff,  nas@contoso.com",
    })
    void trustedIdentityPicksTheMostSpecificNetwork(String client, String mailbox) throws Exception {
        assertThat(policy.trustedIdentity(InetAddress.getByName(client)))
                .map(Identity::mailbox).contains(mailbox);
    }

    @ParameterizedTest
    @CsvSource({"11.0.0.1", "192.0.2.10", "127.0.0.1", "fd00:2::1", "::1", "::a01:203"})
    void clientOutsideEveryNetworkHasNoTrustedIdentity(String client) throws Exception {
        assertThat(policy.trustedIdentity(InetAddress.getByName(client))).isEmpty();
    }

    @Test
    void ipv4MappedClientGetsTheIpv4NetworksIdentity() throws Exception {
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 10, 1, 2, 3};
        assertThat(policy.trustedIdentity(Inet6Address.getByAddress(null, mapped, -1)))
                .map(Identity::mailbox).contains("reception@contoso.com");
    }

    @Test
    void noNetworksMeansNoTrustedIdentity() throws Exception {
        SubmissionPolicy none = new SubmissionPolicy(List.of(), List.of());
        assertThat(none.trustedIdentity(InetAddress.getByName("10.1.2.3"))).isEmpty();
    }

    // ---- authenticate -------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} / {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "printer | s3cret pass  | printer@contoso.com",
        "script  | pässwörd     | alerts@contoso.com",
    })
    void rightPasswordYieldsTheAccountsIdentity(String user, String password, String mailbox) {
        assertThat(policy.authenticate(user, password)).map(Identity::mailbox).contains(mailbox);
    }

    @ParameterizedTest(name = "{0} / {1}")
    @CsvSource(delimiter = '|', value = {
        "printer | s3cret        ",
        "printer | 's3cret pass '",
        "printer | S3CRET PASS   ",
        "printer | ''            ",
        "printer | pässwörd      ",
        "script  | s3cret pass   ",
        "script  | passwort      ",
    })
    void wrongPasswordYieldsNothing(String user, String password) {
        assertThat(policy.authenticate(user, password)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"nobody", "''", "printer@contoso.com", "' printer'"})
    void unknownUserYieldsNothing(String user) {
        assertThat(policy.authenticate(user, "s3cret pass")).isEqualTo(Optional.empty());
    }

    @Test
    void hasAccountsOnlyWhenAnAccountIsConfigured() {
        assertThat(policy.hasAccounts()).isTrue();
        assertThat(new SubmissionPolicy(List.of(), List.of(new TrustedNetwork(Cidr.parse("10.0.0.0/8"), OFFICE)))
                .hasAccounts()).isFalse();
    }

    @Test
    void deviceAccountToStringLeavesOutTheHash() {
        String hash = PasswordHasher.hash("x".toCharArray(), 4);
        assertThat(new DeviceAccount("printer", hash, PRINTER).toString()).doesNotContain(hash).doesNotContain("$2");
    }

    @Test
    void anUnknownUserIsCheckedAtTheAccountsCostWhateverItIs() {
        // Cost 8, not the default 10: the unknown-user check must follow the accounts' cost, so it
        // does the same bcrypt work as a wrong password (compared by work done, not by a clock:
        // timing belongs in benchmarks).
        SubmissionPolicy cost8 = new SubmissionPolicy(
                List.of(new DeviceAccount("printer", PasswordHasher.hash("s3cret pass".toCharArray(), 8), PRINTER)),
                List.of());
        assertThat(cost8.unknownUserCost()).isEqualTo(8);
        assertThat(cost8.authenticate("nobody", "wrong")).isEmpty();
    }
}

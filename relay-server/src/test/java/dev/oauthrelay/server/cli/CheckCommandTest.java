package dev.oauthrelay.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.auth.PasswordHasher;
import dev.oauthrelay.server.standin.StandInGraph;
import dev.oauthrelay.server.standin.StandInTokenEndpoint;
import dev.oauthrelay.server.standin.StandIns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code relay check} and {@code relay send-test} against the stand-ins, through the real MSAL4J and upstream client. */
class CheckCommandTest {

    @TempDir
    Path dir;
    StandIns standIns;

    @BeforeEach
    void start() throws Exception {
        standIns = StandIns.start(dir.resolve("stand-ins"));
    }

    @AfterEach
    void stop() {
        standIns.close();
    }

    private Path config(String accountMailbox, String microsoftSettings) throws Exception {
        Path file = dir.resolve("relay.conf");
        Files.writeString(file, """
                relay {
                  data-dir = "%s"
                  listeners = [ { name = submission, address = "127.0.0.1", port = 0 } ]
                  accounts = [ { username = printer, password-hash = "%s", mailbox = "%s",
                                 allowed-senders = ["%s", "noreply@contoso.com"] } ]
                  %s
                }
                """.formatted(dir.resolve("data"), PasswordHasher.hash("pw".toCharArray(), 4), accountMailbox,
                accountMailbox, microsoftSettings));
        return file;
    }

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void everyStepPassesAndTheTokenIsDescribedButNeverPrinted() throws Exception {
        CliRun r = run("check", "--config", config(StandIns.PRINTER, standIns.hocon()).toString());
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output())
                .contains("[ ok ] configuration")
                .contains("[ ok ] token: issued to app " + StandIns.CLIENT_ID)
                .contains("roles [SMTP.SendAsApp]")
                .contains("[ ok ] mailbox " + StandIns.PRINTER)
                .contains("AUTH XOAUTH2 accepted")
                .contains("[ ok ] mailbox " + StandIns.NOTICES)
                .doesNotContain("[FAIL]")
                .doesNotContain(StandIns.CLIENT_SECRET)
                .doesNotContain("eyJ"); // the start of every JWT
        assertThat(standIns.exchange().messages()).isEmpty(); // a check sends no mail
    }

    @Test
    void wrongSecretIsExplainedWithTheFix() throws Exception {
        String settings = standIns.hocon().replace(StandIns.CLIENT_SECRET, "not-the-secret");
        CliRun r = run("check", "--config", config(StandIns.PRINTER, settings).toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.output()).contains("[FAIL] token", "AADSTS7000215", "likely cause: The client secret is wrong",
                "fix: Copy the secret's Value (not its Secret ID)").doesNotContain("not-the-secret");
    }

    @Test
    void mailboxTheAppCannotUseIsExplainedWithTheExchangeSteps() throws Exception {
        CliRun r = run("check", "--config", config("stranger@contoso.com", standIns.hocon()).toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.output()).contains("[ ok ] token", "[FAIL] mailbox stranger@contoso.com", "535",
                "New-ServicePrincipal", "Enterprise Application", "Add-MailboxPermission", "Set-CASMailbox");
    }

    @Test
    void untrustedUpstreamCertificateFailsBeforeAnyTokenIsSent() throws Exception {
        CliRun r = run("check", "--config", config(StandIns.PRINTER, standIns.settings().untrustedUpstream().render()).toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.output()).contains("[FAIL] mailbox " + StandIns.PRINTER, "TLS", "trusted-certificates");
        assertThat(standIns.anyLine("AUTH")).isFalse();
    }

    @Test
    void sendTestDeliversOneMessageAsTheMailboxAllowedToUseTheSender() throws Exception {
        CliRun r = run("send-test", "--config", config(StandIns.PRINTER, standIns.hocon()).toString(),
                "--from", "noreply@contoso.com", "--to", "someone@example.org");
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("[ ok ] send as " + StandIns.PRINTER, "accepted upstream: 250");
        assertThat(standIns.messagesAs(StandIns.PRINTER)).singleElement().satisfies(m -> {
            assertThat(m.mailFrom()).isEqualTo("noreply@contoso.com");
            assertThat(m.contentAsString()).contains("Subject: OAuth SMTP Relay test message");
        });
    }

    // ---- Microsoft Graph ----

    private String viaGraph() {
        return standIns.settings().upstream("graph").render();
    }

    @Test
    void graphIdentitiesGetTheGraphStepsWithoutAnySmtpLoginOrMail() throws Exception {
        CliRun r = run("check", "--config", config(StandIns.PRINTER, viaGraph()).toString());
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output())
                .contains("[ ok ] graph token: issued to app " + StandIns.CLIENT_ID, "Mail.Send")
                .contains("[ ok ] graph mailbox " + StandIns.PRINTER + " via localhost:" + standIns.graph().port()
                        + ": Graph knows the user " + StandIns.PRINTER)
                .contains("[ ok ] graph mailbox " + StandIns.NOTICES)
                .contains("[note] graph:", "relay send-test --via graph")
                .doesNotContain("[ ok ] token:", "AUTH XOAUTH2", "[FAIL]", "[warn] graph", StandIns.CLIENT_SECRET, "eyJ");
        assertThat(standIns.anyLine("AUTH")).as("no SMTP login for graph-only mailboxes").isFalse();
        assertThat(standIns.graph().requests()).as("lookups only, nothing sent")
                .allMatch(req -> req.startsWith("GET /v1.0/users/"));
        assertThat(standIns.graph().messages()).isEmpty();
    }

    @Test
    void smtpThenGraphChecksBothPathsAndTakesSmtpAuthDisabledAsTheFallbackItIs() throws Exception {
        standIns.exchange().smtpAuthDisabled(true);
        CliRun r = run("check", "--config", config(StandIns.PRINTER, standIns.settings().upstream("smtp-then-graph")
                .render()).toString());
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("[ ok ] token:", "[warn] mailbox " + StandIns.PRINTER, "5.7.139",
                "smtp-then-graph", "[ ok ] graph token:", "[ ok ] graph mailbox " + StandIns.PRINTER);
    }

    @Test
    void aGraphTokenWithoutMailSendIsExplainedAsTheGraph403ItLeadsTo() throws Exception {
        standIns.entra().grantScope(StandIns.GRAPH_SCOPE, StandInTokenEndpoint.MAIL_READ_WRITE_ROLE,
                StandInGraph.USER_READ_ALL_ROLE);
        CliRun r = run("check", "--config", config(StandIns.PRINTER, viaGraph()).toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.output()).contains("[FAIL] graph token: the token for " + StandIns.GRAPH_SCOPE
                        + " has no Mail.Send role, so Graph answers sendMail with 403 ErrorAccessDenied",
                "likely cause: Graph refused the app access to this mailbox",
                "fix: In the app registration: API permissions > Add > Microsoft Graph > Application permissions",
                "Grant admin consent");
    }

    @Test
    void withoutUserReadAllTheMailboxLookupIsAWarningNotAFailure() throws Exception {
        standIns.entra().grantScope(StandIns.GRAPH_SCOPE, StandInTokenEndpoint.MAIL_SEND_ROLE,
                StandInTokenEndpoint.MAIL_READ_WRITE_ROLE);
        CliRun r = run("check", "--config", config(StandIns.PRINTER, viaGraph()).toString());
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("[warn] graph mailbox " + StandIns.PRINTER,
                "Graph GET user 403 Authorization_RequestDenied", "the user was not looked up",
                "fix: Sending does not need it", "User.Read.All").doesNotContain("[FAIL]");
    }

    @Test
    void aMailboxGraphDoesNotKnowFailsWithTheExplanation() throws Exception {
        CliRun r = run("check", "--config", config("stranger@contoso.com", viaGraph()).toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.output()).contains("[FAIL] graph mailbox stranger@contoso.com",
                "Graph GET user 404 Request_ResourceNotFound", "likely cause: Graph has no Exchange Online mailbox",
                "user principal name");
    }

    @Test
    void sendTestGoesThroughGraphWhenTheIdentityDoesAndViaSmtpOverridesIt() throws Exception {
        Path config = config(StandIns.PRINTER, viaGraph());
        CliRun graph = run("send-test", "--config", config.toString(), "--from", "noreply@contoso.com",
                "--to", "someone@example.org");
        assertThat(graph.exitCode()).as(graph.output()).isZero();
        assertThat(graph.output()).contains("[ ok ] send as " + StandIns.PRINTER, "through Graph (localhost:",
                "accepted upstream: 250 2.0.0 Graph sendMail: 202 Accepted");
        assertThat(standIns.graph().messages()).singleElement().satisfies(m -> {
            assertThat(m.mailbox()).isEqualTo(StandIns.PRINTER);
            assertThat(m.recipients()).containsExactly("someone@example.org");
            assertThat(m.mimeAsString()).contains("Subject: OAuth SMTP Relay test message", "through Microsoft Graph");
        });

        CliRun smtp = run("send-test", "--config", config.toString(), "--from", "noreply@contoso.com",
                "--to", "someone@example.org", "--via", "smtp");
        assertThat(smtp.exitCode()).as(smtp.output()).isZero();
        assertThat(smtp.output()).contains("over SMTP (", "accepted upstream: 250");
        assertThat(standIns.messagesAs(StandIns.PRINTER)).hasSize(1);
        assertThat(standIns.graph().messages()).hasSize(1);
    }

    @Test
    void sendTestViaGraphExplainsAnApplicationAccessPolicyThatLeavesTheMailboxOut() throws Exception {
        standIns.graph().restrictAccess(Set.of(StandIns.NOTICES));
        CliRun r = run("send-test", "--config", config(StandIns.PRINTER, standIns.hocon()).toString(),
                "--from", StandIns.PRINTER, "--to", "someone@example.org", "--via", "graph");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.output()).contains("[FAIL] send as " + StandIns.PRINTER, "Graph sendMail 403 ErrorAccessDenied",
                "[RAOP]", "likely cause: An Exchange application access policy or RBAC for Applications",
                "Test-ApplicationAccessPolicy -Identity <mailbox>").doesNotContain("eyJ");
        assertThat(standIns.graph().messages()).isEmpty();
    }

    @Test
    void aUserSignInAccountIsCheckedAsItsSignedInUser() throws Exception {
        var entra = standIns.entra();
        String publicClient = "00000000-0000-0000-0000-0000000de1e9";
        entra.registerPublicClient(publicClient);
        entra.addUser(StandIns.SCANNER);
        entra.grantDelegatedScope(dev.oauthrelay.server.standin.StandInTokenEndpoint.DELEGATED_SMTP_SCOPE);
        String accounts = standIns.hocon() + """
                sign-in.key-file = "%s"
                upstream-accounts = [ { name = scans, sign-in = user, tenant-id = "%s", client-id = "%s",
                                        authority = "%s", trusted-certificates = "%s" } ]
                trusted-networks = [ { cidr = "10.9.9.9", mailbox = "%s", upstream-account = scans } ]
                """.formatted(dir.resolve("keys/sign-in.key"), entra.tenantId(), publicClient, entra.authority(),
                entra.certificatePath(), StandIns.SCANNER);
        Path config = config(StandIns.PRINTER, accounts);

        CliRun before = run("check", "--config", config.toString());
        assertThat(before.exitCode()).isEqualTo(1);
        assertThat(before.output()).contains("[note] upstream account: account scans: ", "[FAIL] token",
                "not signed in: run ./relay login --account scans", "sign in (again): ./relay login --account scans")
                .contains("[ ok ] mailbox " + StandIns.PRINTER); // the default account is checked all the same

        var user = (dev.oauthrelay.server.oauth.UserAccount) dev.oauthrelay.server.config.ConfigLoader
                .load(java.util.Optional.of(config)).upstreamAccounts().get("scans");
        try (var session = new dev.oauthrelay.server.oauth.UserSession(user,
                user.key().loadOrCreate(f -> { }), java.time.Clock.systemUTC())) {
            session.login(user.smtpScope(), code -> entra.approveDeviceCode(code.userCode(), StandIns.SCANNER))
                    .get(30, java.util.concurrent.TimeUnit.SECONDS);
        }

        CliRun after = run("check", "--config", config.toString());
        assertThat(after.exitCode()).as(after.output()).isZero();
        assertThat(after.output())
                .contains("[ ok ] token: issued to app " + publicClient + " in tenant " + entra.tenantId()
                        + " for user " + StandIns.SCANNER + ", delegated [SMTP.Send]")
                .contains("[ ok ] mailbox " + StandIns.SCANNER)
                .doesNotContain("eyJ");
    }
}

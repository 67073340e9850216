package dev.oauthrelay.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.auth.PasswordHasher;
import dev.oauthrelay.server.standin.StandIns;
import java.nio.file.Files;
import java.nio.file.Path;
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
}

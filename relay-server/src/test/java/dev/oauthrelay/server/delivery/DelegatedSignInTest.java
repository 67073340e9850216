package dev.oauthrelay.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.server.listener.SmtpTestClient;
import dev.oauthrelay.server.listener.TestRelay;
import dev.oauthrelay.server.metrics.AdminHttp;
import dev.oauthrelay.server.standin.StandInTokenEndpoint;
import dev.oauthrelay.server.standin.StandIns;
import dev.oauthrelay.spool.QueueId;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * A tenant that grants no SMTP.SendAsApp: the trusted scanner's mailbox is sent as with a user's
 * delegated token. {@code relay login} (the real command, in-process) runs the device code flow
 * against the Entra stand-in while a "person" enters the printed code; the running relay picks the
 * session up, delivers as the user, keeps redeeming (and rotating) the refresh token, survives a
 * restart with the rotated one, and says "sign in again" once Entra expires it.
 */
class DelegatedSignInTest extends DeliveryTestSupport {

    private static final String PUBLIC_CLIENT = "00000000-0000-0000-0000-0000000de1e9";
    private static final String ACCOUNT = "scanner-user";
    private static final String RCPT = "bob@example.net";

    private Path keyFile;

    @BeforeEach
    void tenantWithAUser() {
        StandInTokenEndpoint entra = standIns.entra();
        entra.registerPublicClient(PUBLIC_CLIENT);
        entra.addUser(StandIns.SCANNER);
        entra.grantDelegatedScope(StandInTokenEndpoint.DELEGATED_SMTP_SCOPE);
        keyFile = dir.resolve("keys/sign-in.key");
    }

    private String accounts() {
        return accounts("smtp");
    }

    private String accounts(String upstream) {
        StandInTokenEndpoint entra = standIns.entra();
        return """
                sign-in { key-file = "%s" }
                upstream-accounts = [ {
                  name = %s
                  sign-in = user
                  tenant-id = "%s"
                  client-id = "%s"
                  authority = "%s"
                  trusted-certificates = "%s"
                } ]
                trusted-networks = [ { cidr = "%s/32", mailbox = "%s", upstream-account = %s, upstream = %s } ]
                """.formatted(keyFile, ACCOUNT, entra.tenantId(), PUBLIC_CLIENT, entra.authority(),
                entra.certificatePath(), TestRelay.TRUSTED_HOST, StandIns.SCANNER, ACCOUNT, upstream);
    }

    private String sendAsScanner(String subject) throws Exception {
        // From the scanner's own address: a user may send as itself only (Graph checks the From header).
        String content = message(subject, "scan").replace("From: Printer 2. OG <printer@contoso.com>",
                "From: Scanner <" + StandIns.SCANNER + ">");
        try (SmtpTestClient c = TestRelay.trustedHost(relay, "scanner")) {
            String id = SmtpTestClient.queueId(c.sendMail(StandIns.SCANNER, List.of(RCPT), content));
            c.command("QUIT");
            return id;
        }
    }

    private String lastError(String id) {
        try {
            return relay.spool().readState(QueueId.parse(id)).map(s -> s.lastError()).orElse("");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** {@code relay login} as an admin runs it, with someone entering the printed code at the printed page. */
    private int login() throws Exception {
        Path config = dir.resolve("login.conf");
        Files.writeString(config, "relay { data-dir = \"" + dir.resolve("relay") + "\"\n" + standIns.hocon() + accounts() + "}");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        CompletableFuture<Void> person = CompletableFuture.runAsync(() -> {
            Pattern code = Pattern.compile("enter the code (\\S+) to authenticate");
            eventually().alias("the device code is printed").until(() -> code.matcher(printed.toString(StandardCharsets.UTF_8)).find());
            Matcher m = code.matcher(printed.toString(StandardCharsets.UTF_8));
            assertThat(m.find()).isTrue();
            assertThat(standIns.entra().approveDeviceCode(m.group(1), StandIns.SCANNER)).isTrue();
        });
        CommandLine cli = new CommandLine(new dev.oauthrelay.server.cli.RelayCli());
        int exit;
        try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
            PrintStream saved = System.out;
            System.setOut(out);
            try {
                exit = cli.execute("login", "--config", config.toString(), "--account", ACCOUNT);
            } finally {
                System.setOut(saved);
            }
        }
        person.join();
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("Created the sign-in key " + keyFile,
                "Signed in as " + StandIns.SCANNER);
        return exit;
    }

    @Test
    void mailWaitsForTheSignInThenGoesOutAsTheUserAndTheRotatedTokenSurvivesARestart() throws Exception {
        startRelay(standIns.hocon() + accounts());
        String waiting = sendAsScanner("before sign-in");
        until("deferred for want of a sign-in", () -> lastError(waiting)
                .contains("not signed in: run ./relay login --account " + ACCOUNT));

        assertThat(login()).isZero();
        assertThat(Files.getPosixFilePermissions(keyFile)).hasSize(2); // rw-------
        awaitDelivered(1);
        assertThat(standIns.messagesAs(StandIns.SCANNER)).hasSize(1);
        assertThat(standIns.entra().userSignIns()).isEqualTo(1);
        int redeemed = standIns.entra().refreshTokenRedemptions();
        assertThat(redeemed).as("the relay redeemed the stored refresh token").isPositive();
        assertThat(AdminHttp.get(relay.adminPort(), "/").body()).contains("<h3>" + ACCOUNT + " (SMTP)</h3>",
                "Signed in as " + StandIns.SCANNER);

        stopRelay();
        startRelay(standIns.hocon() + accounts());
        sendAsScanner("after restart");
        awaitDelivered(1);
        assertThat(standIns.messagesAs(StandIns.SCANNER)).hasSize(2);
        assertThat(standIns.entra().refreshTokenRedemptions()).isGreaterThan(redeemed);
        assertThat(standIns.entra().userSignIns()).as("no new sign-in was needed").isEqualTo(1);
    }

    @Test
    void theRelayKeepsTheRefreshTokenInUseAndAsksForANewSignInOnceEntraExpiresIt() throws Exception {
        // Tokens living 10 min 2 s are refreshed 2 s after issue (10 minutes early): a day of refreshes in seconds.
        standIns.entra().setTokenLifetime(Duration.ofMinutes(10).plusSeconds(2));
        startRelay(standIns.hocon() + accounts());
        assertThat(login()).isZero();
        int start = standIns.entra().refreshTokenRedemptions();
        until("the relay redeemed the refresh token again, with no mail to send",
                () -> standIns.entra().refreshTokenRedemptions() >= start + 2);
        assertThat(standIns.entra().liveRefreshTokens()).as("each use rotated it").hasSize(1);
        // Entra expires it 90 days after its last use, which was just now.
        assertThat(AdminHttp.get(relay.adminPort(), "/metrics").body()).containsPattern(
                "relay_credential_expires_in_seconds\\{credential=\"refresh-token\",upstream_account=\"" + ACCOUNT
                        + "\"} 7[6-7]\\d{5}");

        standIns.entra().ageRefreshTokens(Duration.ofDays(91));
        until("the token check names the account and the fix", () -> AdminHttp.get(relay.adminPort(), "/health/ready")
                .body().contains("AADSTS700082"));
        assertThat(AdminHttp.get(relay.adminPort(), "/health/ready").body())
                .contains(ACCOUNT + " (SMTP): ", "sign in again: ./relay login --account " + ACCOUNT)
                .contains("\"credentials\":{\"status\":\"DOWN\"", "refresh token of upstream account " + ACCOUNT);
    }

    @Test
    void graphTakesTheUsersDelegatedMailSendForTheUsersOwnMailbox() throws Exception {
        standIns.entra().grantDelegatedScope("https://localhost/Mail.Send");
        startRelay(standIns.hocon() + accounts("graph"));
        assertThat(login()).isZero();
        sendAsScanner("through graph as the user");
        until("Graph took the message", () -> !standIns.graph().messages().isEmpty());
        assertThat(delivery().failedCount()).isZero();
        assertThat(standIns.graph().messages()).singleElement()
                .satisfies(m -> assertThat(m.mailbox()).isEqualToIgnoringCase(StandIns.SCANNER));
        assertThat(standIns.exchange().messages()).as("not over SMTP").isEmpty();
    }
}

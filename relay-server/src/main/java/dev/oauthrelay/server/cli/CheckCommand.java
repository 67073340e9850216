package dev.oauthrelay.server.cli;

import dev.oauthrelay.delivery.AttemptResult;
import dev.oauthrelay.policy.DeviceAccount;
import dev.oauthrelay.policy.TrustedNetwork;
import dev.oauthrelay.server.config.RelayConfig;
import dev.oauthrelay.server.oauth.MsalTokenSource;
import dev.oauthrelay.server.oauth.OAuthSettings;
import dev.oauthrelay.server.oauth.TokenClaims;
import dev.oauthrelay.server.upstream.LoginCheck;
import dev.oauthrelay.server.upstream.SmtpUpstream;
import dev.oauthrelay.token.AccessToken;
import dev.oauthrelay.token.CachingTokenProvider;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code relay check --config FILE}: proves the setup end to end without sending mail. Validates
 * the configuration, acquires a token (printing what it grants, never the token), then for each
 * configured mailbox connects upstream, STARTTLS, AUTH XOAUTH2, QUIT. Every step gets a verdict;
 * a failure names the likely cause and the fix. Exit 0 only when everything passed.
 */
@Command(name = "check", description = "Check the configuration, the token and the login of every mailbox.")
final class CheckCommand implements Callable<Integer> {

    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(90);

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", required = true, description = "Configuration file.")
    Path config;

    @Override
    public Integer call() throws Exception {
        CheckReport report = new CheckReport(System.out);
        Optional<RelayConfig> loaded = report.loadConfig(config);
        if (loaded.isEmpty()) {
            return 1;
        }
        RelayConfig relay = loaded.get();
        report.ok("configuration", config + " is valid (" + relay.listeners().size() + " listener(s), "
                + relay.accounts().size() + " account(s), " + relay.trustedNetworks().size() + " trusted network(s))");
        CredentialLines.report(report, relay, Clock.systemUTC());
        if (relay.oauth().isEmpty()) {
            report.fail("token", "relay.oauth.tenant-id and client-id are not set", "no app registration is configured",
                    "set relay.oauth.tenant-id, client-id and a credential (see config/relay.conf)");
            return 1;
        }
        OAuthSettings oauth = relay.oauth().get();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "check-timer");
            t.setDaemon(true);
            return t;
        });
        try (MsalTokenSource source = new MsalTokenSource(oauth);
             CachingTokenProvider tokens = new CachingTokenProvider(source, Clock.systemUTC(), timer,
                     CachingTokenProvider.DEFAULT_REFRESH_MARGIN, Duration.ofSeconds(15))) {
            if (!checkToken(report, oauth, tokens)) {
                return 1;
            }
            try (SmtpUpstream upstream = new SmtpUpstream(relay.upstream(), tokens)) {
                for (String mailbox : mailboxes(relay)) {
                    checkMailbox(report, relay, upstream, mailbox);
                }
            }
        } catch (IllegalArgumentException e) {
            report.fail("credential", e.getMessage(), "the certificate or key cannot be used",
                    "check relay.oauth.certificate / private-key / pkcs12 and the password");
        } finally {
            timer.shutdownNow();
        }
        return report.allPassed() ? 0 : 1;
    }

    private static boolean checkToken(CheckReport report, OAuthSettings oauth, CachingTokenProvider tokens)
            throws InterruptedException {
        AccessToken token;
        try {
            token = tokens.currentToken().get(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            String message = e.getCause() != null ? e.getCause().getMessage() : "no answer within " + STEP_TIMEOUT;
            report.fail("token", message, "Entra ID did not issue a token to " + oauth.clientId(),
                    "check relay.oauth.tenant-id, client-id and the credential (" + oauth.credentialKind() + ")");
            return false;
        }
        TokenClaims claims = TokenClaims.parse(token);
        report.ok("token", "issued to app " + claims.appId() + " in tenant " + claims.tenantId() + ", roles "
                + claims.roles() + ", expires " + claims.expiresOn() + " (" + oauth.credentialKind() + ")");
        if (!claims.appId().isEmpty() && !claims.hasRole(TokenClaims.SEND_AS_APP_ROLE)) {
            report.fail("token", "the token has no " + TokenClaims.SEND_AS_APP_ROLE + " role",
                    "the app lacks the SMTP.SendAsApp application permission, or admin consent was not granted",
                    "in the app registration: API permissions > Add > APIs my organization uses > Office 365 Exchange"
                            + " Online > Application permissions > SMTP.SendAsApp; then Grant admin consent");
            return false;
        }
        return true;
    }

    private static void checkMailbox(CheckReport report, RelayConfig relay, SmtpUpstream upstream, String mailbox)
            throws InterruptedException {
        String step = "mailbox " + mailbox + " via " + relay.upstream().host() + ":" + relay.upstream().port();
        LoginCheck result;
        try {
            result = upstream.verifyLogin(mailbox).get(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            report.fail(step, "no answer within " + STEP_TIMEOUT, "the upstream did not answer",
                    "check that outbound TCP " + relay.upstream().port() + " to " + relay.upstream().host() + " is open");
            return;
        }
        if (result.passed()) {
            report.ok(step, "STARTTLS (" + result.tls().orElse("?") + ", certificate verified), AUTH XOAUTH2 accepted");
            return;
        }
        AttemptResult.Failed f = result.failure().get();
        String error = (f.reply() != null ? f.reply() + " " : "") + "(" + f.stage() + ": " + f.reason() + ")";
        switch (f.stage()) {
            case TLS -> report.fail(step, error, "TLS with the upstream could not be verified, so no token was sent",
                    "check relay.upstream.host (the certificate must match it); for a private CA or a TLS-inspecting"
                            + " proxy, add its CA with relay.upstream.trusted-certificates");
            case CONNECT -> report.fail(step, error, "the upstream could not be reached",
                    "check DNS and that outbound TCP " + relay.upstream().port() + " to " + relay.upstream().host() + " is open");
            case TOKEN -> report.fail(step, error, "no token", "see the token step");
            default -> report.fail(step, error, "the upstream refused the login",
                    "see the upstream's reply; run the Exchange Online PowerShell checks in README.md");
        }
    }

    /** Every mailbox the relay may send as: accounts, trusted networks and the notification mailbox. */
    static Set<String> mailboxes(RelayConfig relay) {
        Set<String> out = new LinkedHashSet<>();
        relay.accounts().stream().map(DeviceAccount::identity).forEach(i -> out.add(i.mailbox()));
        relay.trustedNetworks().stream().map(TrustedNetwork::identity).forEach(i -> out.add(i.mailbox()));
        relay.delivery().notifyMailbox().ifPresent(out::add);
        return out;
    }
}

package dev.oauthrelay.server.cli;

import dev.oauthrelay.delivery.AttemptResult;
import dev.oauthrelay.delivery.RoutingUpstream;
import dev.oauthrelay.policy.UpstreamChoice;
import dev.oauthrelay.server.config.RelayConfig;
import dev.oauthrelay.server.oauth.AppAccount;
import dev.oauthrelay.server.oauth.TokenSources;
import dev.oauthrelay.server.oauth.UpstreamAccount;
import dev.oauthrelay.server.oauth.UserAccount;
import dev.oauthrelay.token.TokenSource;
import dev.oauthrelay.server.oauth.TokenClaims;
import dev.oauthrelay.server.upstream.LoginCheck;
import dev.oauthrelay.server.upstream.SmtpUpstream;
import dev.oauthrelay.token.AccessToken;
import dev.oauthrelay.token.CachingTokenProvider;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code relay check --config FILE}: proves the setup end to end without sending mail. Validates
 * the configuration; for the mailboxes that go over SMTP ({@code upstream = smtp} or
 * {@code smtp-then-graph}) acquires a token (printing what it grants, never the token), then for
 * each connects upstream, STARTTLS, AUTH XOAUTH2, QUIT; for the mailboxes that may go through
 * Microsoft Graph, checks what {@link GraphCheck} can check without sending. Every step gets a
 * verdict; a failure names the likely cause and the fix (the one {@code ErrorExplainer}). Exit 0
 * only when nothing failed (warnings and notes do not count).
 */
@Command(name = "check", description = "Check the configuration, the token and the login of every mailbox.")
final class CheckCommand implements Callable<Integer> {

    static final Duration STEP_TIMEOUT = Duration.ofSeconds(90);

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
        if (!relay.delivers()) {
            report.fail("token", "relay.oauth.tenant-id and client-id are not set", "no app registration is configured",
                    "set relay.oauth.tenant-id, client-id and a credential (see config/relay.conf)");
            return 1;
        }
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "check-timer");
            t.setDaemon(true);
            return t;
        });
        try {
            boolean several = relay.upstreamAccounts().size() > 1;
            for (UpstreamAccount account : relay.upstreamAccounts().values()) {
                if (several || account instanceof UserAccount) {
                    report.note("upstream account", account.describe());
                }
                checkAccount(report, relay, account, timer);
            }
        } finally {
            timer.shutdownNow();
        }
        return report.allPassed() ? 0 : 1;
    }

    /** The tokens of one upstream account, and the logins of the mailboxes that use it. */
    private static void checkAccount(CheckReport report, RelayConfig relay, UpstreamAccount account,
                                     ScheduledExecutorService timer) throws InterruptedException {
        Map<String, Set<UpstreamChoice>> routes = routes(relay, account.name());
        Set<String> viaSmtp = mailboxesWhere(routes, c -> c != UpstreamChoice.GRAPH);
        Set<String> viaGraph = mailboxesWhere(routes, UpstreamChoice::usesGraph);
        // Without any mailbox (no identity, no notices) the default upstream's token is still checked.
        UpstreamChoice fallback = relay.delivery().defaultUpstream();
        try (TokenSources sources = TokenSources.of(account, Clock.systemUTC())) {
            if (!viaSmtp.isEmpty() || (routes.isEmpty() && fallback != UpstreamChoice.GRAPH)) {
                checkSmtp(report, relay, account, sources, timer, viaSmtp,
                        mailboxesWhere(routes, c -> c == UpstreamChoice.SMTP_THEN_GRAPH));
            }
            if (!viaGraph.isEmpty() || (routes.isEmpty() && fallback.usesGraph())) {
                GraphCheck.run(report, relay, account, sources, timer, viaGraph);
            }
        } catch (IllegalArgumentException e) {
            report.fail("credential", e.getMessage(), "the credential or key of upstream account " + account.name()
                    + " cannot be used", account instanceof UserAccount
                    ? "check relay.sign-in (key-file or key)"
                    : "check relay.oauth.certificate / private-key / pkcs12 and the password");
        }
    }

    /** The SMTP token and the login of each mailbox that goes over SMTP. */
    private static void checkSmtp(CheckReport report, RelayConfig relay, UpstreamAccount account, TokenSources sources,
                                  ScheduledExecutorService timer, Set<String> mailboxes, Set<String> graphFallback)
            throws InterruptedException {
        try (CachingTokenProvider tokens = tokens(sources.smtp(), timer)) {
            if (!checkToken(report, account, tokens, mailboxes)) {
                return;
            }
            try (SmtpUpstream upstream = new SmtpUpstream(relay.upstream(), tokens)) {
                for (String mailbox : mailboxes) {
                    checkMailbox(report, relay, upstream, mailbox, graphFallback.contains(mailbox));
                }
            }
        }
    }

    /** The token cache relay check and send-test use: no background refresh, 15 s between retries. */
    static CachingTokenProvider tokens(TokenSource source, ScheduledExecutorService timer) {
        return new CachingTokenProvider(source, Clock.systemUTC(), timer, CachingTokenProvider.DEFAULT_REFRESH_MARGIN,
                Duration.ofSeconds(15));
    }

    /**
     * A token from {@code tokens} described under {@code step} (app, tenant, roles, expiry; never
     * the token), or empty after reporting why Entra ID issued none (an AADSTS error, explained).
     */
    static Optional<TokenClaims> acquire(CheckReport report, String step, UpstreamAccount account,
                                         CachingTokenProvider tokens) throws InterruptedException {
        AccessToken token;
        try {
            token = tokens.currentToken().get(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            String message = e.getCause() != null ? e.getCause().getMessage() : "no answer within " + STEP_TIMEOUT;
            if (account instanceof UserAccount) {
                report.fail(step, message, "Entra ID did not issue a token for the signed-in user of " + account.name(),
                        "sign in (again): ./relay login --account " + account.name());
            } else {
                report.fail(step, message, "Entra ID did not issue a token to " + account.clientId(),
                        "check the tenant-id, client-id and the credential (" + credentialKind(account) + ")"
                                + " of upstream account " + account.name());
            }
            return Optional.empty();
        }
        TokenClaims claims = TokenClaims.parse(token);
        report.ok(step, claims.delegated()
                ? "issued to app " + claims.appId() + " in tenant " + claims.tenantId() + " for user " + claims.user()
                        + ", delegated " + claims.scopes() + ", expires " + claims.expiresOn()
                : "issued to app " + claims.appId() + " in tenant " + claims.tenantId() + ", roles " + claims.roles()
                        + ", expires " + claims.expiresOn() + " (" + credentialKind(account) + ")");
        return Optional.of(claims);
    }

    private static String credentialKind(UpstreamAccount account) {
        return account instanceof AppAccount app ? app.settings().credentialKind() : "signed-in user";
    }

    private static boolean checkToken(CheckReport report, UpstreamAccount account, CachingTokenProvider tokens,
                                      Set<String> mailboxes) throws InterruptedException {
        Optional<TokenClaims> acquired = acquire(report, "token", account, tokens);
        if (acquired.isEmpty()) {
            return false;
        }
        TokenClaims claims = acquired.get();
        if (claims.delegated()) {
            if (!claims.hasScope(TokenClaims.SMTP_SEND_SCOPE)) {
                report.fail("token", "the user's token has no " + TokenClaims.SMTP_SEND_SCOPE + " permission",
                        "the app lacks the delegated SMTP.Send permission, or it was not consented",
                        "in the app registration: API permissions > Office 365 Exchange Online > Delegated >"
                                + " SMTP.Send; grant consent, then ./relay login --account " + account.name());
                return false;
            }
            for (String mailbox : mailboxes) {
                if (!mailbox.equalsIgnoreCase(claims.user())) {
                    report.fail("token", "signed in as " + claims.user() + ", but " + mailbox + " is sent as",
                            "a delegated token authenticates as the signed-in user only",
                            "./relay login --account " + account.name() + " as " + mailbox);
                    return false;
                }
            }
            return true;
        }
        if (!claims.appId().isEmpty() && !claims.hasRole(TokenClaims.SEND_AS_APP_ROLE)) {
            report.fail("token", "the token has no " + TokenClaims.SEND_AS_APP_ROLE + " role",
                    "the app lacks the SMTP.SendAsApp application permission, or admin consent was not granted",
                    "in the app registration: API permissions > Add > APIs my organization uses > Office 365 Exchange"
                            + " Online > Application permissions > SMTP.SendAsApp; then Grant admin consent");
            return false;
        }
        return true;
    }

    private static void checkMailbox(CheckReport report, RelayConfig relay, SmtpUpstream upstream, String mailbox,
                                     boolean graphFallback) throws InterruptedException {
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
        if (graphFallback && RoutingUpstream.smtpAuthDisabled(f)) {
            // smtp-then-graph: this is the very answer that sends the mailbox's mail through Graph.
            report.warn(step, error + "; with upstream = smtp-then-graph its mail goes through Graph (see the graph steps)",
                    "nothing, if Graph is meant to carry it; else enable SMTP AUTH for the mailbox"
                            + " (Set-CASMailbox -Identity " + mailbox + " -SmtpClientAuthenticationDisabled $false)");
            return;
        }
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

    /**
     * Every mailbox the relay may send as (accounts, trusted networks, the notification mailbox)
     * with the upstreams its identities choose; failure notices take the default upstream.
     */
    static Map<String, Set<UpstreamChoice>> routes(RelayConfig relay, String upstreamAccount) {
        Map<String, Set<UpstreamChoice>> out = new LinkedHashMap<>();
        relay.identities().stream()
                .filter(i -> i.upstreamAccount().equals(upstreamAccount))
                .forEach(i -> out.computeIfAbsent(i.mailbox(), m -> EnumSet.noneOf(UpstreamChoice.class)).add(i.upstream()));
        // Failure notices go as their mailbox's identity's account, else as the fallback account.
        relay.delivery().notifyMailbox()
                .filter(m -> upstreamAccount.equals(relay.fallbackAccount())
                        && relay.identities().stream().noneMatch(i -> i.mailbox().equalsIgnoreCase(m)))
                .ifPresent(m -> out.computeIfAbsent(m, k -> EnumSet.noneOf(UpstreamChoice.class))
                        .add(relay.delivery().defaultUpstream()));
        return out;
    }


    private static Set<String> mailboxesWhere(Map<String, Set<UpstreamChoice>> routes, Predicate<UpstreamChoice> choice) {
        Set<String> out = new LinkedHashSet<>();
        routes.forEach((mailbox, choices) -> {
            if (choices.stream().anyMatch(choice)) {
                out.add(mailbox);
            }
        });
        return out;
    }
}

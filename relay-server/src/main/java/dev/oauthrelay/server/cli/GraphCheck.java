package dev.oauthrelay.server.cli;

import dev.oauthrelay.diagnosis.Diagnosis;
import dev.oauthrelay.diagnosis.ErrorExplainer;
import dev.oauthrelay.server.config.RelayConfig;
import dev.oauthrelay.server.graph.GraphSettings;
import dev.oauthrelay.server.graph.GraphUpstream;
import dev.oauthrelay.server.graph.UserLookup;
import dev.oauthrelay.server.oauth.TokenSources;
import dev.oauthrelay.server.oauth.UpstreamAccount;
import dev.oauthrelay.server.oauth.TokenClaims;
import dev.oauthrelay.token.CachingTokenProvider;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Microsoft Graph steps of {@code relay check}, for the mailboxes whose identities choose
 * {@code graph} or {@code smtp-then-graph}, without sending mail:
 * <ol>
 *   <li>a token for the Graph scope ({@code relay.graph.scope}) from the same app registration,
 *       and its roles: {@code Mail.Send} must be among them (it is there only as an application
 *       permission with admin consent), {@code Mail.ReadWrite} is needed for messages above
 *       {@code relay.graph.max-request-size};
 *   <li>per mailbox, {@code GET /users/{mailbox}}: whether the directory knows the user that
 *       {@code sendMail} addresses. It needs User.Read.All, which sending does not; a 403 is
 *       reported as a warning that the lookup was not possible, not as a failure.
 * </ol>
 * What stays unproven is said in a note: Graph has no request that shows, without sending, that
 * Mail.Send reaches a given mailbox (an application access policy or RBAC for Applications may
 * leave it out, and only Exchange applies those, when mail is sent). {@code relay send-test
 * --via graph} proves it with a real message.
 */
final class GraphCheck {

    private GraphCheck() {
    }

    static void run(CheckReport report, RelayConfig relay, UpstreamAccount account, TokenSources sources,
                    ScheduledExecutorService timer, Set<String> mailboxes) throws InterruptedException {
        GraphSettings graph = relay.graph();
        try (CachingTokenProvider tokens = CheckCommand.tokens(sources.graph(graph.scope()), timer)) {
            Optional<TokenClaims> claims = CheckCommand.acquire(report, "graph token", account, tokens);
            if (claims.isEmpty() || !rolesSuffice(report, graph, claims.get())) {
                return;
            }
            try (GraphUpstream upstream = new GraphUpstream(graph, tokens, Clock.systemUTC())) {
                for (String mailbox : mailboxes) {
                    checkMailbox(report, graph, upstream, mailbox);
                }
            }
        }
        report.note("graph", "token and mailboxes checked; whether Graph lets the app send as each mailbox (an"
                + " application access policy or RBAC for Applications can leave one out) shows only when mail is sent:"
                + " run relay send-test --via graph --from <mailbox> --to <you>");
    }

    private static boolean rolesSuffice(CheckReport report, GraphSettings graph, TokenClaims claims) {
        if (claims.appId().isEmpty()) {
            return true; // not a JWT: nothing to read, Graph will say
        }
        if (claims.delegated()) {
            if (!claims.hasScope("Mail.Send")) {
                report.fail("graph token", "the user's token for Graph has no Mail.Send permission, so Graph answers"
                        + " sendMail with 403 ErrorAccessDenied", "the app lacks the delegated Mail.Send permission",
                        "add Microsoft Graph > Delegated permissions > Mail.Send and grant admin consent");
                return false;
            }
            return true;
        }
        if (!claims.hasRole("Mail.Send")) {
            // The words Graph answers sendMail with, so the one translator explains them as it would in the log.
            report.fail("graph token", "the token for " + graph.scope() + " has no Mail.Send role, so Graph answers"
                    + " sendMail with 403 ErrorAccessDenied", "the app lacks the Mail.Send application permission",
                    "add Microsoft Graph > Application permissions > Mail.Send and grant admin consent");
            return false;
        }
        if (!claims.hasRole("Mail.ReadWrite")) {
            report.warn("graph token", "no Mail.ReadWrite role: a message whose base64 exceeds relay.graph.max-request-size ("
                            + graph.maxRequestSize() + " bytes) cannot be sent as a draft with attachment uploads",
                    "if devices send large messages, add Microsoft Graph > Application permissions > Mail.ReadWrite"
                            + " and grant admin consent");
        }
        return true;
    }

    private static void checkMailbox(CheckReport report, GraphSettings graph, GraphUpstream upstream, String mailbox)
            throws InterruptedException {
        String step = "graph mailbox " + mailbox + " via " + graph.host() + ":" + graph.port();
        UserLookup user;
        try {
            user = upstream.lookUpUser(mailbox).get(CheckCommand.STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            report.fail(step, "no answer within " + CheckCommand.STEP_TIMEOUT, "Graph did not answer",
                    "check that outbound HTTPS to " + graph.host() + ":" + graph.port() + " is open");
            return;
        }
        if (user.found()) {
            report.ok(step, "Graph knows the user " + user.userPrincipalName()
                    + (user.mail().isEmpty() ? "" : " (mail " + user.mail() + ")"));
        } else if (user.notPermitted()) {
            report.warn(step, user.detail() + "; the user was not looked up",
                    ErrorExplainer.explain(user.detail()).map(Diagnosis::fix)
                            .orElse("grant Microsoft Graph User.Read.All (Application) for this lookup"));
        } else {
            report.fail(step, user.detail(), "Graph did not answer the lookup",
                    "check outbound HTTPS to " + graph.host() + ":" + graph.port() + " (a TLS-inspecting proxy's CA goes"
                            + " in relay.graph.trusted-certificates)");
        }
    }
}

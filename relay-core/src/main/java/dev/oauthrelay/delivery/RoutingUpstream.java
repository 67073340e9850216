package dev.oauthrelay.delivery;

import dev.oauthrelay.policy.UpstreamChoice;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each submission through the upstream its identity chose: SMTP, Graph, or SMTP with a
 * fallback to Graph. The fallback happens within the same attempt when Exchange Online refuses
 * SMTP AUTH because it is switched off for the tenant or the mailbox ({@code 535 5.7.139}, see
 * {@link #smtpAuthDisabled}); such a mailbox then goes straight to Graph for a while
 * ({@code remember}), because Exchange blocks a sender that keeps failing the same way
 * ({@code 5.2.251}-{@code 5.2.255}) and a login that is bound to fail costs a connection and a
 * token check per message.
 */
public final class RoutingUpstream implements Upstream {

    private static final Logger log = LoggerFactory.getLogger(RoutingUpstream.class);

    /** Which upstream an identity uses; the default for an unknown one (a failure notice, a removed account). */
    @FunctionalInterface
    public interface Routes {
        UpstreamChoice choose(String identityKind, String identity);
    }

    private final Upstream smtp;
    private final Upstream graph;
    private final Routes routes;
    private final Duration remember;
    private final Clock clock;
    /** Mailbox (lower case) -> until when SMTP is skipped for it. */
    private final Map<String, Instant> smtpDisabled = new ConcurrentHashMap<>();

    /**
     * @param graph    null if no route uses Graph; a submission routed there anyway is deferred
     * @param remember how long a mailbox whose SMTP AUTH is disabled goes straight to Graph
     */
    public RoutingUpstream(Upstream smtp, Upstream graph, Routes routes, Duration remember, Clock clock) {
        this.smtp = smtp;
        this.graph = graph;
        this.routes = routes;
        this.remember = remember;
        this.clock = clock;
    }

    @Override
    public CompletableFuture<AttemptResult> submit(Submission submission) {
        UpstreamChoice choice = routes.choose(submission.identityKind(), submission.identity());
        return switch (choice) {
            case SMTP -> smtp.submit(submission);
            case GRAPH -> viaGraph(submission);
            case SMTP_THEN_GRAPH -> smtpThenGraph(submission);
        };
    }

    private CompletableFuture<AttemptResult> smtpThenGraph(Submission submission) {
        String key = submission.mailbox().toLowerCase(Locale.ROOT);
        Instant until = smtpDisabled.get(key);
        if (until != null && clock.instant().isBefore(until)) {
            return viaGraph(submission);
        }
        return smtp.submit(submission).thenCompose(result -> {
            if (!smtpAuthDisabled(result)) {
                return CompletableFuture.completedFuture(result);
            }
            smtpDisabled.put(key, clock.instant().plus(remember));
            log.info("mailbox {}: Exchange Online says SMTP AUTH is disabled ({}); sending through Graph, and"
                    + " for the next {} without trying SMTP first", submission.mailbox(),
                    ((AttemptResult.Failed) result).reply(), remember);
            return viaGraph(submission);
        });
    }

    private CompletableFuture<AttemptResult> viaGraph(Submission submission) {
        if (graph == null) {
            return CompletableFuture.completedFuture(new AttemptResult.Failed(AttemptResult.Stage.CONNECT, null,
                    "the Graph upstream is not configured", false));
        }
        return graph.submit(submission);
    }

    /**
     * Whether SMTP was refused because SMTP AUTH is switched off for the tenant or the mailbox:
     * {@code 535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the
     * Tenant} (or {@code ... for the Mailbox}, or {@code ... basic authentication is disabled}).
     * Exchange Online answers it to AUTH; it is accepted at MAIL too.
     */
    public static boolean smtpAuthDisabled(AttemptResult result) {
        return result instanceof AttemptResult.Failed f && f.reply() != null
                && (f.stage() == AttemptResult.Stage.AUTH || f.stage() == AttemptResult.Stage.MAIL)
                && f.reply().isPermanent() && f.reply().text().startsWith("5.7.139");
    }

    @Override
    public void close() {
        try {
            smtp.close();
        } finally {
            if (graph != null) {
                graph.close();
            }
        }
    }
}

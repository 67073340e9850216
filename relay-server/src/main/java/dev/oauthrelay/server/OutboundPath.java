package dev.oauthrelay.server;

import dev.oauthrelay.delivery.DeliveryScheduler;
import dev.oauthrelay.delivery.MailboxPacer;
import dev.oauthrelay.delivery.Notifier;
import dev.oauthrelay.delivery.RoutingUpstream;
import dev.oauthrelay.delivery.SpoolNotifier;
import dev.oauthrelay.server.config.DeliveryConfig;
import dev.oauthrelay.server.config.RelayConfig;
import dev.oauthrelay.server.graph.GraphPath;
import dev.oauthrelay.server.graph.IdentityRoutes;
import dev.oauthrelay.server.oauth.MsalTokenSource;
import dev.oauthrelay.server.oauth.OAuthSettings;
import dev.oauthrelay.server.upstream.SmtpUpstream;
import dev.oauthrelay.spool.QueueId;
import dev.oauthrelay.spool.Spool;
import dev.oauthrelay.token.CachingTokenProvider;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The outbound half of the data path, wired together: token source (MSAL4J) -> token cache ->
 * upstream SMTP client (and, if an identity uses it, Graph with its own token cache) -> routing
 * per identity -> delivery scheduler, plus failure notices through the queue.
 */
final class OutboundPath implements AutoCloseable {

    private final MsalTokenSource source;
    private final CachingTokenProvider tokens;
    private final RoutingUpstream upstream;
    private final GraphPath graph;
    private final DeliveryScheduler scheduler;

    private OutboundPath(MsalTokenSource source, CachingTokenProvider tokens, RoutingUpstream upstream,
                         GraphPath graph, DeliveryScheduler scheduler) {
        this.source = source;
        this.tokens = tokens;
        this.upstream = upstream;
        this.graph = graph;
        this.scheduler = scheduler;
    }

    static OutboundPath start(RelayConfig config, OAuthSettings oauth, Spool spool, List<QueueId> recovered,
                              ScheduledExecutorService timer, Executor io, Clock clock,
                              dev.oauthrelay.observe.RelayEvents events) {
        MsalTokenSource source = new MsalTokenSource(oauth);
        CachingTokenProvider tokens = new CachingTokenProvider(source, clock, timer,
                CachingTokenProvider.DEFAULT_REFRESH_MARGIN, config.delivery().tokenRetryDelay(), events);
        tokens.start();
        DeliveryConfig d = config.delivery();
        IdentityRoutes routes = new IdentityRoutes(config.accounts(), config.trustedNetworks(), d.defaultUpstream());
        GraphPath graph = routes.anyGraph()
                ? GraphPath.start(config.graph(), oauth, clock, timer, d.tokenRetryDelay(), events) : null;
        RoutingUpstream upstream = new RoutingUpstream(new SmtpUpstream(config.upstream(), tokens),
                graph == null ? null : graph.upstream(), routes, config.graph().rememberSmtpDisabled(), clock);
        Notifier notifier = d.notifyMailbox()
                .<Notifier>map(mailbox -> new SpoolNotifier(spool, config.hostname(), mailbox, d.notifyAdmin(),
                        d.notifySender(), clock))
                .orElse(Notifier.NONE);
        DeliveryScheduler scheduler = new DeliveryScheduler(spool, upstream, d.retry(), notifier, clock, timer, io,
                d.maxConcurrent(), events, new MailboxPacer(d.perMailbox()));
        spool.addCommitListener(scheduler::enqueue);
        scheduler.start(recovered);
        return new OutboundPath(source, tokens, upstream, graph, scheduler);
    }

    DeliveryScheduler scheduler() {
        return scheduler;
    }

    CachingTokenProvider tokens() {
        return tokens;
    }

    /** No new attempts; those in flight go on. */
    void stopScheduling() {
        scheduler.close();
    }

    @Override
    public void close() {
        scheduler.close();
        upstream.close(); // SMTP and Graph clients
        if (graph != null) {
            graph.close();
        }
        tokens.close();
        source.close();
    }
}

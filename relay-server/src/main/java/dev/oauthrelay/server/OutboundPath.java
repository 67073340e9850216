package dev.oauthrelay.server;

import dev.oauthrelay.delivery.DeliveryScheduler;
import dev.oauthrelay.delivery.MailboxPacer;
import dev.oauthrelay.delivery.Notifier;
import dev.oauthrelay.delivery.RoutingUpstream;
import dev.oauthrelay.delivery.SpoolNotifier;
import dev.oauthrelay.policy.Identity;
import dev.oauthrelay.server.config.DeliveryConfig;
import dev.oauthrelay.server.config.RelayConfig;
import dev.oauthrelay.server.graph.GraphUpstream;
import dev.oauthrelay.server.graph.IdentityRoutes;
import dev.oauthrelay.server.oauth.UpstreamTokens;
import dev.oauthrelay.server.upstream.SmtpUpstream;
import dev.oauthrelay.spool.QueueId;
import dev.oauthrelay.spool.Spool;
import java.time.Clock;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The outbound half of the data path, wired together: token sources (MSAL4J) -> one token cache
 * per upstream account and scope -> upstream SMTP client (and Graph, if an identity uses it), each
 * mailbox authenticating with its account's tokens -> routing per identity -> delivery scheduler,
 * plus failure notices through the queue.
 */
final class OutboundPath implements AutoCloseable {

    private final UpstreamTokens tokens;
    private final RoutingUpstream upstream;
    private final DeliveryScheduler scheduler;

    private OutboundPath(UpstreamTokens tokens, RoutingUpstream upstream, DeliveryScheduler scheduler) {
        this.tokens = tokens;
        this.upstream = upstream;
        this.scheduler = scheduler;
    }

    static OutboundPath start(RelayConfig config, Spool spool, List<QueueId> recovered,
                              ScheduledExecutorService timer, Executor io, Clock clock,
                              dev.oauthrelay.observe.RelayEvents events) {
        DeliveryConfig d = config.delivery();
        IdentityRoutes routes = new IdentityRoutes(config.accounts(), config.trustedNetworks(), d.defaultUpstream());
        Map<String, String> mailboxAccounts = new LinkedHashMap<>();
        Set<String> graphAccounts = new HashSet<>();
        for (Identity i : config.identities()) {
            mailboxAccounts.put(i.mailbox(), i.upstreamAccount());
            if (i.upstream().usesGraph()) {
                graphAccounts.add(i.upstreamAccount());
            }
        }
        if (d.defaultUpstream().usesGraph()) {
            // Notices and mail of identities no longer configured go through the fallback account.
            graphAccounts.add(config.fallbackAccount());
        }
        UpstreamTokens tokens = UpstreamTokens.start(config.upstreamAccounts(), config.fallbackAccount(), mailboxAccounts, graphAccounts,
                config.graph().scope(), clock, timer, d.tokenRetryDelay(), events);
        GraphUpstream graph = routes.anyGraph() ? new GraphUpstream(config.graph(), tokens.graph(), clock) : null;
        RoutingUpstream upstream = new RoutingUpstream(new SmtpUpstream(config.upstream(), tokens.smtp()),
                graph, routes, config.graph().rememberSmtpDisabled(), clock);
        Notifier notifier = d.notifyMailbox()
                .<Notifier>map(mailbox -> new SpoolNotifier(spool, config.hostname(), mailbox, d.notifyAdmin(),
                        d.notifySender(), clock))
                .orElse(Notifier.NONE);
        DeliveryScheduler scheduler = new DeliveryScheduler(spool, upstream, d.retry(), notifier, clock, timer, io,
                d.maxConcurrent(), events, new MailboxPacer(d.perMailbox()));
        spool.addCommitListener(scheduler::enqueue);
        scheduler.start(recovered);
        return new OutboundPath(tokens, upstream, scheduler);
    }


    DeliveryScheduler scheduler() {
        return scheduler;
    }

    UpstreamTokens tokens() {
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
        tokens.close();
    }
}

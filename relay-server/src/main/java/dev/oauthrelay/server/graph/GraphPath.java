package dev.oauthrelay.server.graph;

import dev.oauthrelay.observe.RelayEvents;
import dev.oauthrelay.server.oauth.MsalTokenSource;
import dev.oauthrelay.server.oauth.OAuthSettings;
import dev.oauthrelay.token.CachingTokenProvider;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The Graph half of the outbound path: tokens for the Graph scope from the same app registration
 * (MSAL4J, in a cache of their own, refreshed early like the SMTP one) and the Graph client.
 * Started only when some identity sends through Graph.
 */
public final class GraphPath implements AutoCloseable {

    private final MsalTokenSource source;
    private final CachingTokenProvider tokens;
    private final GraphUpstream upstream;

    private GraphPath(MsalTokenSource source, CachingTokenProvider tokens, GraphUpstream upstream) {
        this.source = source;
        this.tokens = tokens;
        this.upstream = upstream;
    }

    public static GraphPath start(GraphSettings settings, OAuthSettings oauth, Clock clock, ScheduledExecutorService timer,
                                  Duration tokenRetryDelay, RelayEvents events) {
        MsalTokenSource source = new MsalTokenSource(oauth.withScope(settings.scope()));
        CachingTokenProvider tokens = new CachingTokenProvider(source, clock, timer,
                CachingTokenProvider.DEFAULT_REFRESH_MARGIN, tokenRetryDelay, events);
        try {
            tokens.start();
            return new GraphPath(source, tokens, new GraphUpstream(settings, tokens, clock));
        } catch (RuntimeException e) {
            tokens.close();
            source.close();
            throw e;
        }
    }

    /** The upstream; closed by whoever routes to it (or by {@link #close()}). */
    public GraphUpstream upstream() {
        return upstream;
    }

    @Override
    public void close() {
        upstream.close();
        tokens.close();
        source.close();
    }
}

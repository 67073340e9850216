package dev.oauthrelay.server.graph;

import dev.oauthrelay.delivery.RoutingUpstream;
import dev.oauthrelay.policy.DeviceAccount;
import dev.oauthrelay.policy.TrustedNetwork;
import dev.oauthrelay.policy.UpstreamChoice;
import dev.oauthrelay.spool.Envelope;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Each identity's upstream, from the configuration as it is now: a message queued before a
 * restart goes the way its account or network says today. An identity no longer configured, and
 * the relay's own failure notices, take the default ({@code relay.delivery.upstream}).
 */
public final class IdentityRoutes implements RoutingUpstream.Routes {

    private final Map<String, UpstreamChoice> accounts = new HashMap<>();
    private final Map<String, UpstreamChoice> networks = new HashMap<>();
    private final UpstreamChoice fallback;

    public IdentityRoutes(List<DeviceAccount> accounts, List<TrustedNetwork> networks, UpstreamChoice fallback) {
        accounts.forEach(a -> this.accounts.put(a.username().toLowerCase(Locale.ROOT), a.identity().upstream()));
        networks.forEach(n -> this.networks.put(n.identity().name(), n.identity().upstream()));
        this.fallback = fallback;
    }

    @Override
    public UpstreamChoice choose(String identityKind, String identity) {
        UpstreamChoice c = switch (identityKind) {
            case Envelope.KIND_ACCOUNT -> accounts.get(identity.toLowerCase(Locale.ROOT));
            case Envelope.KIND_TRUSTED_NETWORK -> networks.get(identity);
            default -> null;
        };
        return c == null ? fallback : c;
    }

    /** Whether any identity, or the default, may send through Graph. */
    public boolean anyGraph() {
        return fallback.usesGraph() || accounts.values().stream().anyMatch(UpstreamChoice::usesGraph)
                || networks.values().stream().anyMatch(UpstreamChoice::usesGraph);
    }
}

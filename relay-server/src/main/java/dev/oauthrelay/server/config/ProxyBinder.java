package dev.oauthrelay.server.config;

import dev.oauthrelay.policy.Cidr;

import java.util.ArrayList;
import java.util.List;

/**
 * Binds {@code relay.trusted-proxies}, the load balancers that may speak the PROXY protocol to
 * listeners with {@code proxy-protocol = true}, and checks the two against each other.
 */
final class ProxyBinder {

    private static final String EXPECT = "a list of IPv4 or IPv6 networks such as [\"10.0.0.0/24\"]";

    private ProxyBinder() {
    }

    static List<Cidr> trustedProxies(Section relay, List<ListenerConfig> listeners) {
        List<String> texts = relay.stringList("trusted-proxies", EXPECT, true);
        if (texts == null) {
            return null;
        }
        List<Cidr> out = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            try {
                out.add(Cidr.parse(texts.get(i)));
            } catch (IllegalArgumentException e) {
                relay.rejectItem("trusted-proxies", i,
                        "an IPv4 or IPv6 network such as 10.0.0.0/24 or fd00::/64 (" + e.getMessage() + ")");
            }
        }
        if (texts.isEmpty()) {
            for (ListenerConfig l : listeners) {
                if (l.proxyProtocol()) {
                    relay.problem("trusted-proxies", "is empty, but listener \"" + l.name()
                            + "\" sets proxy-protocol = true: list the addresses of the load balancers"
                            + " in front of it (every other connection to that listener is refused)");
                    break;
                }
            }
        }
        return out;
    }
}

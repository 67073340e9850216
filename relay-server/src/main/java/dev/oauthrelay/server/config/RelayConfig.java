package dev.oauthrelay.server.config;

import dev.oauthrelay.policy.Cidr;
import dev.oauthrelay.policy.DeviceAccount;
import dev.oauthrelay.policy.TrustedNetwork;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The whole validated configuration (the {@code relay} block). Built only by {@link ConfigLoader}.
 *
 * @param hostname        name used in the SMTP greeting, EHLO reply and Received headers
 * @param dataDir         where the spool and generated TLS material live
 * @param listeners       at least one; names and bound address:port pairs are unique
 * @param tls             certificate source and TLS protocol versions, shared by all listeners
 * @param accounts        device accounts (AUTH); usernames are unique, ignoring case
 * @param trustedNetworks networks that may submit without AUTH, in configuration order
 * @param limits          protocol and resource limits
 * @param upstream        where and how mail is submitted (Exchange Online by default)
 * @param upstreamAccounts the tenants and app registrations tokens come from, by name ({@code relay.oauth}
 *                        is "default"), in configuration order; empty: mail is queued, not delivered
 * @param delivery        retries, give-up and failure notices
 * @param shutdownGracePeriod how long sessions may finish their message when the relay stops
 * @param protection      AUTH brute-force protection and the greeting delay
 * @param trustedProxies  load balancers allowed to connect to {@code proxy-protocol} listeners
 * @param admin           the admin HTTP port
 * @param inventory       the device inventory
 * @param graph           Microsoft Graph, for identities that send through it
 * @param credentials     warnings about expiring client secrets and certificates
 */
public record RelayConfig(String hostname, Path dataDir, List<ListenerConfig> listeners, TlsConfig tls,
                          List<DeviceAccount> accounts, List<TrustedNetwork> trustedNetworks,
                          LimitsConfig limits, dev.oauthrelay.server.upstream.UpstreamSettings upstream,
                          java.util.Map<String, dev.oauthrelay.server.oauth.UpstreamAccount> upstreamAccounts,
                          DeliveryConfig delivery,
                          java.time.Duration shutdownGracePeriod, ProtectionConfig protection,
                          List<Cidr> trustedProxies, AdminConfig admin,
                          InventoryConfig inventory, dev.oauthrelay.server.graph.GraphSettings graph,
                          CredentialsConfig credentials) {

    public RelayConfig {
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(dataDir, "dataDir");
        listeners = List.copyOf(listeners);
        Objects.requireNonNull(tls, "tls");
        accounts = List.copyOf(accounts);
        trustedNetworks = List.copyOf(trustedNetworks);
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(upstream, "upstream");
        upstreamAccounts = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(upstreamAccounts));
        Objects.requireNonNull(delivery, "delivery");
        Objects.requireNonNull(shutdownGracePeriod, "shutdownGracePeriod");
        Objects.requireNonNull(protection, "protection");
        trustedProxies = List.copyOf(trustedProxies);
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(inventory, "inventory");
        Objects.requireNonNull(graph, "graph");
        Objects.requireNonNull(credentials, "credentials");
    }

    /** {@code relay.oauth}: the upstream account named "default", if it is configured. */
    public java.util.Optional<dev.oauthrelay.server.oauth.OAuthSettings> oauth() {
        return upstreamAccounts.get(dev.oauthrelay.policy.Identity.DEFAULT_ACCOUNT)
                instanceof dev.oauthrelay.server.oauth.AppAccount app
                ? java.util.Optional.of(app.settings()) : java.util.Optional.empty();
    }

    /** Every identity mail can be submitted as: the device accounts', then the trusted networks'. */
    public List<dev.oauthrelay.policy.Identity> identities() {
        return java.util.stream.Stream.concat(accounts.stream().map(DeviceAccount::identity),
                trustedNetworks.stream().map(TrustedNetwork::identity)).toList();
    }

    /**
     * The upstream account of mail no identity names (the relay's failure notices, an identity
     * removed while its mail waited): "default" (relay.oauth) if configured, else the first one.
     * Only meaningful when {@link #delivers()}.
     */
    public String fallbackAccount() {
        return upstreamAccounts.containsKey(dev.oauthrelay.policy.Identity.DEFAULT_ACCOUNT)
                ? dev.oauthrelay.policy.Identity.DEFAULT_ACCOUNT : upstreamAccounts.keySet().iterator().next();
    }

    /** Whether mail is delivered at all: at least one upstream account is configured. */
    public boolean delivers() {
        return !upstreamAccounts.isEmpty();
    }
}

package dev.oauthrelay.server.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import dev.oauthrelay.policy.DeviceAccount;
import dev.oauthrelay.policy.TrustedNetwork;
import dev.oauthrelay.session.TlsMode;
import dev.oauthrelay.session.data.DataDecoder;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns the resolved {@code relay} block into {@link RelayConfig}, checking every value.
 * Problems are collected, not thrown one by one; the load fails at the end if there are any.
 * Accounts and trusted networks are bound by {@link IdentityBinder}.
 */
final class RelayConfigBinder {

    /** Fields of a {@code relay.listeners} element. reference.conf has a full element as the default. */
    static final Set<String> LISTENER_KEYS =
            Set.of("name", "address", "port", "tls", "allow-plaintext-auth", "data-line-endings",
                    "proxy-protocol", "legacy-tls");

    static final String DEFAULT_LISTENER_TLS = "starttls";
    static final String DEFAULT_LISTENER_ADDRESS = "0.0.0.0";

    /** The versions this key may enable; TLS 1.0 and 1.1 are a separate, per-listener opt-in (legacy-tls). */
    static final List<String> ALLOWED_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /** RFC 5321 section 4.5.3.1.4: a server must accept command lines of at least 512 octets. */
    static final int MIN_LINE_LENGTH = 512;

    private static final String LABEL = "[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?";
    /** A DNS name (underscores tolerated, as some hosts have them) or an address literal. */
    private static final Pattern HOSTNAME = Pattern.compile(LABEL + "(?:\\." + LABEL + ")*\\.?|\\[[A-Za-z0-9:.]+\\]");

    private final Problems problems;

    private RelayConfigBinder(Problems problems) {
        this.problems = problems;
    }

    static RelayConfig bind(Config resolved, Config reference, Problems problems) throws InvalidConfigException {
        ConfigValue root = resolved.getValue(ConfigLoader.ROOT);
        if (!(root instanceof ConfigObject rootObject)) {
            throw new InvalidConfigException(ConfigLoader.ROOT + ": expected an object { ... }, found "
                    + Section.describe(root) + Section.origin(root));
        }
        KnownKeys.checkTree(rootObject, reference.getObject(ConfigLoader.ROOT), ConfigLoader.ROOT, problems);
        RelayConfig config = new RelayConfigBinder(problems).relay(
                new Section(rootObject.toConfig(), ConfigLoader.ROOT, problems));
        problems.throwIfAny();
        return config;
    }

    private RelayConfig relay(Section relay) {
        String hostname = relay.string("hostname", "a host name such as relay.example.com", true);
        if (hostname != null && (hostname.length() > 253 || !HOSTNAME.matcher(hostname).matches())) {
            relay.reject("hostname", "a host name such as relay.example.com (letters, digits, '-', '.'),"
                    + " or an address literal such as [192.0.2.1]", false);
            hostname = null; // reported; and the upstream EHLO name needs a valid one
        }
        Path dataDir = path(relay, "data-dir", "a directory path", true);
        List<ListenerConfig> listeners = listeners(relay);
        List<dev.oauthrelay.policy.Cidr> trustedProxies = ProxyBinder.trustedProxies(relay, listeners);
        Section tlsSection = relay.section("tls");
        TlsConfig tls = tlsSection == null ? null : tls(tlsSection);
        Cloud cloud = DeliveryBinder.cloud(relay);
        Section deliverySection = relay.section("delivery");
        var defaultUpstream = deliverySection == null ? null
                : DeliveryBinder.upstreamChoice(deliverySection, "upstream", null);
        if (deliverySection != null && defaultUpstream == null && !deliverySection.has("upstream")) {
            deliverySection.problem("upstream", "is missing: expected " + DeliveryBinder.EXPECT_UPSTREAM);
        }
        var upstreamAccounts = cloud == null ? null : DeliveryBinder.upstreamAccounts(relay, cloud, dataDir);
        IdentityBinder identities = new IdentityBinder(
                defaultUpstream == null ? dev.oauthrelay.policy.UpstreamChoice.SMTP : defaultUpstream,
                upstreamAccounts == null ? null : upstreamAccounts.keySet(),
                upstreamAccounts == null ? java.util.Set.of() : upstreamAccounts.values().stream()
                        .filter(a -> a instanceof dev.oauthrelay.server.oauth.UserAccount)
                        .map(dev.oauthrelay.server.oauth.UpstreamAccount::name)
                        .collect(java.util.stream.Collectors.toSet()));
        List<DeviceAccount> accounts = identities.accounts(relay);
        List<TrustedNetwork> networks = identities.trustedNetworks(relay);
        Section limitsSection = relay.section("limits");
        LimitsConfig limits = limitsSection == null ? null : limits(limitsSection);
        Section throttleSection = relay.section("auth-throttle");
        ProtectionConfig protection = limitsSection == null || throttleSection == null ? null
                : ProtectionBinder.protection(limitsSection, throttleSection);
        Section upstreamSection = relay.section("upstream");
        var upstream = upstreamSection == null || hostname == null || cloud == null ? null
                : DeliveryBinder.upstream(upstreamSection, hostname, cloud);
        Section graphSection = relay.section("graph");
        var graph = graphSection == null || cloud == null ? null : DeliveryBinder.graph(graphSection, cloud);
        DeliveryConfig delivery = deliverySection == null ? null
                : DeliveryBinder.delivery(deliverySection, defaultUpstream);
        Section shutdownSection = relay.section("shutdown");
        Duration grace = shutdownSection == null ? null
                : shutdownSection.duration("grace-period", "a duration such as 8s (0s: close at once)", true);
        if (grace != null && grace.isNegative()) {
            shutdownSection.reject("grace-period", "a duration such as 8s (0s: close at once)", false);
        }
        Section adminSection = relay.section("admin");
        AdminConfig admin = adminSection == null ? null : AdminBinder.admin(adminSection);
        Section inventorySection = relay.section("inventory");
        InventoryConfig inventory = inventorySection == null ? null : InventoryBinder.inventory(inventorySection);
        Section credentialsSection = relay.section("credentials");
        CredentialsConfig credentials = credentialsSection == null ? null : CredentialsConfig.bind(credentialsSection);
        if (!problems.isEmpty()) {
            return null;
        }
        return new RelayConfig(hostname, dataDir, listeners, tls, accounts, networks, limits, upstream, upstreamAccounts, delivery,
                grace, protection, trustedProxies, admin, inventory, graph, credentials);
    }

    private List<ListenerConfig> listeners(Section relay) {
        List<Section> elements = relay.objectList("listeners", "a listener", LISTENER_KEYS);
        if (elements == null) {
            return List.of();
        }
        if (relay.isEmptyList("listeners")) {
            relay.problem("listeners", "expected at least one listener, found an empty list");
        }
        List<ListenerConfig> out = new ArrayList<>();
        Map<String, String> names = new HashMap<>();
        Map<String, String> endpoints = new HashMap<>();
        for (int i = 0; i < elements.size(); i++) {
            Section l = elements.get(i);
            String name = l.string("name", "a non-empty listener name", false);
            if (name == null) {
                name = "listener-" + i;
            } else if (name.isBlank()) {
                l.reject("name", "a non-empty listener name", false);
            }
            String address = l.string("address", "an IP address or host name to listen on", false);
            address = address == null ? DEFAULT_LISTENER_ADDRESS : address.strip();
            String normalizedAddress = normalizeAddress(address);
            if (normalizedAddress == null) {
                l.reject("address", "an IP address such as 0.0.0.0, :: or 127.0.0.1, or a host name", false);
            }
            Integer port = l.integer("port", "a port number 1..65535, or 0 for any free port", true);
            if (port != null && (port < 0 || port > 65535)) {
                l.reject("port", "a port number 1..65535, or 0 for any free port", false);
                port = null;
            }
            TlsMode tls = tlsMode(l);
            Boolean allowPlaintextAuth = l.bool("allow-plaintext-auth", "true or false", false);
            Optional<DataDecoder.Mode> lineEndings = dataLineEndings(l);
            Boolean proxyProtocol = l.bool("proxy-protocol", "true or false", false);
            Boolean legacyTls = l.bool("legacy-tls", "true or false", false);
            if (Boolean.TRUE.equals(legacyTls) && tls == TlsMode.NONE) {
                l.problem("legacy-tls", "needs tls = starttls or implicit on this listener (it has tls = none)");
            }

            String previous = names.putIfAbsent(name, l.path());
            if (previous != null) {
                l.problem("name", "\"" + name + "\" is already the name of " + previous + "; listener names must be unique");
            }
            // Port 0 asks the OS for a free port, so several such listeners never collide.
            if (port != null && port != 0 && normalizedAddress != null) {
                String endpoint = normalizedAddress + ":" + port;
                String other = endpoints.putIfAbsent(endpoint, l.path());
                if (other != null) {
                    l.problem("port", address + ":" + port + " is already used by " + other
                            + "; each listener needs its own address and port");
                }
            }
            if (port != null && tls != null && lineEndings != null) {
                out.add(new ListenerConfig(name, address, port, tls,
                        allowPlaintextAuth != null && allowPlaintextAuth, lineEndings.orElse(DataDecoder.Mode.STRICT),
                        Boolean.TRUE.equals(proxyProtocol), Boolean.TRUE.equals(legacyTls)));
            }
        }
        return out;
    }

    private static TlsMode tlsMode(Section l) {
        String value = l.string("tls", "none, starttls or implicit", false);
        if (value == null) {
            value = DEFAULT_LISTENER_TLS;
        }
        try {
            return TlsMode.valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            l.reject("tls", "none, starttls or implicit", false);
            return null;
        }
    }

    /**
     * {@code data-line-endings} of a listener or trusted network: empty if not set, null (problem
     * recorded) if not strict or normalize.
     */
    static Optional<DataDecoder.Mode> dataLineEndings(Section s) {
        String value = s.string("data-line-endings", "strict or normalize", false);
        if (value == null) {
            return s.has("data-line-endings") ? null : Optional.empty();
        }
        try {
            return Optional.of(DataDecoder.Mode.valueOf(value.strip().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            s.reject("data-line-endings", "strict or normalize", false);
            return null;
        }
    }

    /** A canonical form for duplicate detection, or null if the address is not usable. */
    private static String normalizeAddress(String address) {
        String a = address.strip();
        if (a.isEmpty()) {
            return null;
        }
        boolean ipLiteral = a.indexOf(':') >= 0 || a.chars().allMatch(c -> c == '.' || Character.isDigit(c));
        if (ipLiteral) {
            try {
                return InetAddress.getByName(a).getHostAddress(); // a literal: no DNS lookup happens
            } catch (UnknownHostException e) {
                return null;
            }
        }
        return HOSTNAME.matcher(a).matches() && !a.startsWith("[") ? a.toLowerCase(Locale.ROOT) : null;
    }

    private TlsConfig tls(Section t) {
        Path certificate = path(t, "certificate", "a path to a PEM certificate file", false);
        Path privateKey = path(t, "private-key", "a path to a PEM private key file", false);
        boolean hasCertificate = t.has("certificate");
        if (hasCertificate != t.has("private-key")) {
            String set = hasCertificate ? "certificate" : "private-key";
            String missing = hasCertificate ? "private-key" : "certificate";
            problems.add(t.key(missing) + " is missing: " + t.key(set) + " is set, and the two go together"
                    + " (set both, or neither for a self-signed certificate generated into relay.data-dir)");
        }
        Duration reload = t.duration("reload-interval", "a duration of at least 1s, such as 30s or 5m", true);
        if (reload != null && reload.compareTo(Duration.ofSeconds(1)) < 0) {
            t.reject("reload-interval", "a duration of at least 1s, such as 30s or 5m", false);
        }
        String expectProtocols = "a non-empty list of TLS versions from " + quoted(ALLOWED_PROTOCOLS);
        List<String> protocols = t.stringList("protocols", expectProtocols, true);
        if (protocols != null) {
            if (protocols.isEmpty()) {
                t.reject("protocols", expectProtocols, false);
            }
            for (int i = 0; i < protocols.size(); i++) {
                if (!ALLOWED_PROTOCOLS.contains(protocols.get(i))) {
                    t.rejectItem("protocols", i, "one of " + quoted(ALLOWED_PROTOCOLS)
                            + " (older versions are not allowed here)");
                }
            }
        }
        if (reload == null || protocols == null) {
            return null;
        }
        return new TlsConfig(Optional.ofNullable(certificate), Optional.ofNullable(privateKey), reload, protocols);
    }

    private LimitsConfig limits(Section l) {
        Integer maxLine = atLeast(l, "max-line-length", MIN_LINE_LENGTH,
                "a whole number of bytes of at least " + MIN_LINE_LENGTH + " (RFC 5321 section 4.5.3.1.4)");
        Long maxMessage = l.bytes("max-message-size", "a positive size such as 35MiB", true);
        if (maxMessage != null && maxMessage <= 0) {
            l.reject("max-message-size", "a positive size such as 35MiB", false);
        }
        Integer maxRecipients = atLeast(l, "max-recipients", 1, "a positive whole number");
        Integer maxErrors = atLeast(l, "max-errors", 1, "a positive whole number");
        Duration idle = l.duration("idle-timeout", "a duration of at least 1s, such as 5m", true);
        if (idle != null && idle.compareTo(Duration.ofSeconds(1)) < 0) {
            l.reject("idle-timeout", "a duration of at least 1s, such as 5m", false);
        }
        Integer maxConnections = atLeast(l, "max-connections", 1, "a positive whole number");
        Integer perAddress = atLeast(l, "max-connections-per-address", 1, "a positive whole number");
        Long minFree = l.bytes("min-free-space", "a size of 0 or more, such as 100MiB", true);
        if (minFree != null && minFree < 0) {
            l.reject("min-free-space", "a size of 0 or more, such as 100MiB", false);
        }
        if (!problems.isEmpty()) {
            return null;
        }
        return new LimitsConfig(maxLine, maxMessage, maxRecipients, maxErrors, idle, maxConnections, perAddress, minFree);
    }

    private static Integer atLeast(Section s, String key, int min, String expect) {
        Integer value = s.integer(key, expect, true);
        if (value != null && value < min) {
            s.reject(key, expect, false);
            return null;
        }
        return value;
    }

    static Path path(Section s, String key, String expect, boolean required) {
        String value = s.string(key, expect, required);
        if (value == null) {
            return null;
        }
        if (value.isBlank()) {
            s.reject(key, expect, false);
            return null;
        }
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            s.reject(key, expect, false);
            return null;
        }
    }

    private static String quoted(List<String> values) {
        return String.join(", ", values.stream().map(v -> "\"" + v + "\"").toList());
    }
}

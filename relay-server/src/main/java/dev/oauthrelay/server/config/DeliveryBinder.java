package dev.oauthrelay.server.config;

import dev.oauthrelay.delivery.MailboxPacer;
import dev.oauthrelay.delivery.RetryPolicy;
import dev.oauthrelay.policy.UpstreamChoice;
import dev.oauthrelay.server.graph.GraphSettings;
import dev.oauthrelay.server.oauth.OAuthSettings;
import dev.oauthrelay.server.upstream.TlsMode;
import dev.oauthrelay.server.upstream.UpstreamSettings;
import dev.oauthrelay.smtp.Addresses;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Binds {@code relay.upstream}, {@code relay.oauth}, {@code relay.graph} and {@code relay.delivery};
 * host names, authority and scopes left unset come from {@code relay.cloud}.
 */
final class DeliveryBinder {

    private DeliveryBinder() {
    }

    static final String EXPECT_UPSTREAM = "smtp, graph or smtp-then-graph";

    /** {@code relay.cloud}; null (reported) if it names no cloud. */
    static Cloud cloud(Section relay) {
        String name = relay.string("cloud", "global, gcc-high, dod or china", true);
        if (name == null) {
            return null;
        }
        try {
            return Cloud.parse(name);
        } catch (IllegalArgumentException e) {
            relay.reject("cloud", "global, gcc-high, dod or china", false);
            return null;
        }
    }

    /**
     * An {@code upstream} choice ({@code relay.delivery.upstream}, or an account's or network's):
     * {@code fallback} if the key is not set, null (reported) if it is not a choice.
     */
    static UpstreamChoice upstreamChoice(Section s, String key, UpstreamChoice fallback) {
        String value = s.string(key, EXPECT_UPSTREAM, false);
        if (value == null) {
            return s.has(key) ? null : fallback;
        }
        try {
            return UpstreamChoice.parse(value);
        } catch (IllegalArgumentException e) {
            s.reject(key, EXPECT_UPSTREAM, false);
            return null;
        }
    }

    static UpstreamSettings upstream(Section u, String ehloName, Cloud cloud) {
        String host = u.string("host", "a host name such as smtp.office365.com", false);
        if (host == null && !u.has("host")) {
            host = cloud.smtpHost();
        }
        Integer port = u.integer("port", "a port number 1..65535", true);
        if (port != null && (port < 1 || port > 65535)) {
            u.reject("port", "a port number 1..65535", false);
            port = null;
        }
        TlsMode tls = null;
        String mode = u.string("tls", "starttls or implicit", true);
        if (mode != null) {
            try {
                tls = TlsMode.valueOf(mode.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                u.reject("tls", "starttls or implicit (none only for a loopback benchmark sink)", false);
            }
        }
        if (tls == TlsMode.NONE && host != null && !UpstreamSettings.isLoopback(host)) {
            u.problem("tls", "= none (plaintext, no AUTH) is only allowed when upstream.host is a loopback address"
                    + " (localhost, 127.x.x.x, ::1), for benchmarks and local sinks; use starttls or implicit for "
                    + host.strip());
            tls = null;
        }
        Path trust = RelayConfigBinder.path(u, "trusted-certificates", "a path to a PEM file of CA certificates", false);
        Integer perMailbox = positive(u, "max-connections-per-mailbox");
        Duration connect = positive(u, "connect-timeout", "a duration such as 30s");
        Duration command = positive(u, "command-timeout", "a duration such as 5m");
        Duration data = positive(u, "data-timeout", "a duration such as 10m");
        Duration idle = positive(u, "idle-timeout", "a duration such as 60s");
        if (host == null || port == null || tls == null || perMailbox == null || connect == null || command == null
                || data == null || idle == null) {
            return null;
        }
        try {
            return new UpstreamSettings(host.strip(), port, tls, Optional.ofNullable(trust), ehloName, perMailbox,
                    connect, command, data, idle);
        } catch (IllegalArgumentException e) {
            u.problem("host", e.getMessage());
            return null;
        }
    }

    /** Empty when neither tenant-id nor client-id is set: the relay then queues without delivering. */
    private static final String EXPECT_SIGN_IN = "app (the app's own permissions, client credentials) or user"
            + " (a user signs in once with ./relay login)";

    /**
     * One upstream account from {@code relay.oauth} or an element of {@code relay.upstream-accounts}:
     * empty if tenant-id and client-id are both unset (only allowed for relay.oauth), null if invalid
     * (reported).
     */
    static Optional<dev.oauthrelay.server.oauth.UpstreamAccount> account(Section o, String name, Cloud cloud,
                                                                         Section relay, Path dataDir, boolean element) {
        String signIn = o.string("sign-in", EXPECT_SIGN_IN, false);
        if (signIn == null && o.has("sign-in")) {
            return null;
        }
        if (signIn == null || signIn.strip().equals("app")) {
            Optional<OAuthSettings> app = oauth(o, cloud);
            if (app.isEmpty()) {
                return o.has("tenant-id") || o.has("client-id") || element ? null : Optional.empty();
            }
            var expires = secretExpires(o, app.get());
            if (expires == null) {
                return null; // reported
            }
            return Optional.of(new dev.oauthrelay.server.oauth.AppAccount(name, app.get(), o.path(), expires));
        }
        if (!signIn.strip().equals("user")) {
            o.reject("sign-in", EXPECT_SIGN_IN, false);
            return null;
        }
        return userAccount(o, name, cloud, relay, dataDir);
    }

    /** {@code sign-in = user}: a public client, no credential; the session file under the data directory. */
    private static Optional<dev.oauthrelay.server.oauth.UpstreamAccount> userAccount(Section o, String name, Cloud cloud,
                                                                                  Section relay, Path dataDir) {
        String tenant = o.string("tenant-id", "the directory (tenant) id, a GUID", true);
        String client = o.string("client-id", "the application (client) id of an app that allows public client flows",
                true);
        boolean ok = tenant != null && client != null;
        for (String credential : java.util.List.of("client-secret", "client-secret-file", "client-secret-expires",
                "certificate", "private-key", "pkcs12", "pkcs12-password", "pkcs12-password-file")) {
            if (o.has(credential)) {
                o.problem(credential, "with sign-in = user the app is a public client and has no credential;"
                        + " remove it (the user signs in with ./relay login)");
                ok = false;
            }
        }
        String authority = o.string("authority", "an https URL such as https://login.microsoftonline.com/<tenant>/", false);
        String scope = o.string("scope", "a delegated scope such as https://outlook.office.com/SMTP.Send", false);
        Path trust = RelayConfigBinder.path(o, "trusted-certificates", "a path to a PEM file of CA certificates", false);
        dev.oauthrelay.server.oauth.SignInKey.Source key = signInKey(relay);
        if (!ok || key == null || dataDir == null || (scope == null && o.has("scope"))) {
            return null;
        }
        try {
            return Optional.of(new dev.oauthrelay.server.oauth.UserAccount(name, tenant.strip(), client.strip(),
                    authority == null ? cloud.authority(tenant.strip()) : authority.strip(),
                    scope == null ? cloud.userSmtpScope() : scope.strip(), Optional.ofNullable(trust),
                    dataDir.resolve("sign-in").resolve(name + ".token"), key));
        } catch (IllegalArgumentException e) {
            o.problem("authority", e.getMessage());
            return null;
        }
    }

    /** {@code relay.sign-in}: where the key that encrypts signed-in users' refresh tokens comes from. */
    private static dev.oauthrelay.server.oauth.SignInKey.Source signInKey(Section relay) {
        Section s = relay.section("sign-in");
        if (s == null) {
            return null;
        }
        Path file = RelayConfigBinder.path(s, "key-file", "a path to a file holding the base64 key", false);
        String text = s.string("key", "the base64 key (set it from the environment: RELAY_SIGN_IN_KEY)", false, true);
        if ((file == null) == (text == null)) {
            s.problem("key-file", file == null
                    ? "is missing: an upstream account with sign-in = user needs relay.sign-in.key-file (created by"
                    + " ./relay login if missing) or relay.sign-in.key (RELAY_SIGN_IN_KEY)"
                    : "set key-file or key, not both");
            return null;
        }
        return new dev.oauthrelay.server.oauth.SignInKey.Source(Optional.ofNullable(file), Optional.ofNullable(text));
    }

    static Optional<OAuthSettings> oauth(Section o, Cloud cloud) {
        String tenant = o.string("tenant-id", "the directory (tenant) id, a GUID", false);
        String client = o.string("client-id", "the application (client) id, a GUID", false);
        if (tenant == null && client == null) {
            return Optional.empty();
        }
        if (tenant == null || tenant.isBlank()) {
            o.problem("tenant-id", "is missing: client-id is set, and the two go together");
            return Optional.empty();
        }
        if (client == null || client.isBlank()) {
            o.problem("client-id", "is missing: tenant-id is set, and the two go together");
            return Optional.empty();
        }
        String secret = o.string("client-secret", "the client secret (text)", false, true);
        Path secretFile = RelayConfigBinder.path(o, "client-secret-file", "a path to a file holding the client secret", false);
        if (secret != null && secretFile != null) {
            o.problem("client-secret-file", "set client-secret or client-secret-file, not both");
        }
        if (secretFile != null) {
            secret = readSecret(o, "client-secret-file", secretFile);
        }
        Path certificate = RelayConfigBinder.path(o, "certificate", "a path to a PEM certificate", false);
        Path privateKey = RelayConfigBinder.path(o, "private-key", "a path to a PEM private key", false);
        Path pkcs12 = RelayConfigBinder.path(o, "pkcs12", "a path to a PKCS#12 (.pfx/.p12) file", false);
        String pkcs12Password = o.string("pkcs12-password", "the PKCS#12 password (text)", false, true);
        Path pkcs12PasswordFile = RelayConfigBinder.path(o, "pkcs12-password-file", "a path to a file holding the PKCS#12 password", false);
        if (pkcs12PasswordFile != null) {
            pkcs12Password = readSecret(o, "pkcs12-password-file", pkcs12PasswordFile);
        }
        if ((certificate == null) != (privateKey == null)) {
            o.problem(certificate == null ? "certificate" : "private-key",
                    "is missing: certificate and private-key go together");
        }
        int credentials = (secret != null ? 1 : 0) + (certificate != null || privateKey != null ? 1 : 0) + (pkcs12 != null ? 1 : 0);
        if (credentials != 1) {
            o.problem("client-secret", credentials == 0
                    ? "no credential: set client-secret (or RELAY_OAUTH_CLIENT_SECRET, or client-secret-file), "
                    + "or certificate + private-key, or pkcs12"
                    : "more than one credential: set only one of client-secret, certificate + private-key, pkcs12");
            return Optional.empty();
        }
        String authority = o.string("authority", "an https URL such as https://login.microsoftonline.com/<tenant>/", false);
        String scope = o.string("scope", "a scope such as https://outlook.office365.com/.default", false);
        if (scope == null && o.has("scope")) {
            return Optional.empty(); // reported
        }
        scope = scope == null ? cloud.smtpScope() : scope;
        Path trust = RelayConfigBinder.path(o, "trusted-certificates", "a path to a PEM file of CA certificates", false);
        try {
            return Optional.of(new OAuthSettings(tenant.strip(), client.strip(), Optional.ofNullable(secret),
                    Optional.ofNullable(certificate), Optional.ofNullable(privateKey), Optional.ofNullable(pkcs12),
                    Optional.ofNullable(pkcs12Password),
                    authority == null ? cloud.authority(tenant.strip()) : authority.strip(), scope.strip(),
                    Optional.ofNullable(trust)));
        } catch (IllegalArgumentException e) {
            // OAuthSettings' messages name the setting, never the secret.
            o.problem(authority != null ? "authority" : "tenant-id", e.getMessage());
            return Optional.empty();
        }
    }

    /** The fields of an element of {@code relay.upstream-accounts}: a name, and those of {@code relay.oauth}. */
    static final java.util.Set<String> UPSTREAM_ACCOUNT_KEYS = java.util.Set.of("name", "sign-in", "tenant-id", "client-id",
            "client-secret", "client-secret-file", "certificate", "private-key", "pkcs12", "pkcs12-password",
            "pkcs12-password-file", "authority", "scope", "trusted-certificates", "client-secret-expires");

    private static final java.util.regex.Pattern ACCOUNT_NAME = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final String EXPECT_ACCOUNT_NAME = "a name of lower-case letters, digits and '-', such as fabrikam";

    /**
     * {@code relay.oauth} (as the account {@value dev.oauthrelay.policy.Identity#DEFAULT_ACCOUNT}, when
     * set) and {@code relay.upstream-accounts}, in configuration order; null if any is invalid (reported).
     */
    static java.util.Map<String, dev.oauthrelay.server.oauth.UpstreamAccount> upstreamAccounts(
            Section relay, Cloud cloud, Path dataDir) {
        java.util.Map<String, dev.oauthrelay.server.oauth.UpstreamAccount> out = new java.util.LinkedHashMap<>();
        String defaultName = dev.oauthrelay.policy.Identity.DEFAULT_ACCOUNT;
        Section oauthSection = relay.section("oauth");
        if (oauthSection != null) {
            Optional<dev.oauthrelay.server.oauth.UpstreamAccount> defaultAccount =
                    account(oauthSection, defaultName, cloud, relay, dataDir, false);
            if (defaultAccount == null) {
                return null; // reported
            }
            defaultAccount.ifPresent(a -> out.put(defaultName, a));
        }
        java.util.List<Section> elements = relay.objectList("upstream-accounts", "an upstream account", UPSTREAM_ACCOUNT_KEYS);
        if (elements == null) {
            return relay.has("upstream-accounts") ? null : out;
        }
        boolean ok = true;
        for (Section a : elements) {
            String name = a.string("name", EXPECT_ACCOUNT_NAME, true);
            if (name != null && !ACCOUNT_NAME.matcher(name).matches()) {
                a.reject("name", EXPECT_ACCOUNT_NAME, false);
                name = null;
            } else if (defaultName.equals(name)) {
                a.problem("name", "\"" + defaultName + "\" is the name of relay.oauth; choose another");
                name = null;
            } else if (name != null && out.containsKey(name)) {
                a.problem("name", "\"" + name + "\" is used by another upstream account; each needs its own");
                name = null;
            }
            boolean hasTenantOrClient = a.has("tenant-id") || a.has("client-id");
            if (!hasTenantOrClient) {
                a.problem("tenant-id", "is missing: an upstream account needs tenant-id and client-id");
            }
            Optional<dev.oauthrelay.server.oauth.UpstreamAccount> account = hasTenantOrClient
                    ? account(a, name == null ? "?" : name, cloud, relay, dataDir, true) : Optional.empty();
            if (name == null || account == null || account.isEmpty()) {
                ok = false;
                continue;
            }
            out.put(name, account.get());
        }
        return ok ? out : null;
    }

    static final String EXPECT_EXPIRES = "a date such as 2027-01-15 (UTC) or an instant such as \"2027-01-15T10:30:00Z\"";

    /**
     * {@code client-secret-expires}: empty when unset, null (reported) when it is not a date or goes
     * with a certificate, whose expiry the relay reads from the certificate itself.
     */
    static Optional<java.time.Instant> secretExpires(Section o, OAuthSettings settings) {
        String value = o.string("client-secret-expires", EXPECT_EXPIRES, false);
        if (value == null) {
            return o.has("client-secret-expires") ? null : Optional.empty();
        }
        if (settings.clientSecret().isEmpty()) {
            o.problem("client-secret-expires", "goes with a client secret; a certificate's expiry is read from the"
                    + " certificate itself: remove it");
            return null;
        }
        try {
            return Optional.of(parseExpiry(value.strip()));
        } catch (java.time.format.DateTimeParseException e) {
            o.reject("client-secret-expires", EXPECT_EXPIRES, false);
            return null;
        }
    }

    /** {@code 2027-01-15} (the start of that day, UTC), or an ISO-8601 instant or date-time with offset. */
    static java.time.Instant parseExpiry(String value) {
        if (value.length() == 10) {
            return java.time.LocalDate.parse(value).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
        }
        return java.time.OffsetDateTime.parse(value).toInstant();
    }

    private static String readSecret(Section s, String key, Path file) {
        try {
            String value = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (value.isEmpty()) {
                s.problem(key, "the file " + file + " is empty");
                return null;
            }
            return value;
        } catch (IOException e) {
            s.problem(key, "cannot read " + file + ": " + e.getClass().getSimpleName());
            return null;
        }
    }

    /** {@code relay.graph}; host and scope default to the cloud's Graph. */
    static GraphSettings graph(Section g, Cloud cloud) {
        String host = g.string("host", "a host name such as graph.microsoft.com", false);
        if (host == null && !g.has("host")) {
            host = cloud.graphHost();
        }
        Integer port = g.integer("port", "a port number 1..65535", true);
        if (port != null && (port < 1 || port > 65535)) {
            g.reject("port", "a port number 1..65535", false);
            port = null;
        }
        String scope = g.string("scope", "a scope such as https://graph.microsoft.com/.default", false);
        if (scope == null && !g.has("scope") && host != null) {
            scope = Cloud.graphScope(host.strip());
        }
        Path trust = RelayConfigBinder.path(g, "trusted-certificates", "a path to a PEM file of CA certificates", false);
        Integer perMailbox = positive(g, "max-concurrent-per-mailbox");
        Duration connect = positive(g, "connect-timeout", "a duration such as 30s");
        Duration request = positive(g, "request-timeout", "a duration such as 5m");
        Long maxRequest = atLeastKiB(g, "max-request-size", "a size of at least 1KiB, such as 3MB");
        Long chunk = atLeastKiB(g, "upload-chunk-size", "a size of at least 1KiB and below 2GiB, such as 3MiB");
        if (chunk != null && chunk > Integer.MAX_VALUE) {
            g.reject("upload-chunk-size", "a size of at least 1KiB and below 2GiB, such as 3MiB", false);
            chunk = null;
        }
        Duration remember = positive(g, "remember-smtp-disabled", "a duration such as 1h");
        if (host == null || port == null || scope == null || perMailbox == null || connect == null || request == null
                || maxRequest == null || chunk == null || remember == null) {
            return null;
        }
        try {
            return new GraphSettings(host.strip(), port, scope.strip(), Optional.ofNullable(trust), perMailbox, connect,
                    request, maxRequest, chunk.intValue(), remember);
        } catch (IllegalArgumentException e) {
            g.problem("host", e.getMessage());
            return null;
        }
    }

    private static Long atLeastKiB(Section s, String key, String expect) {
        Long v = s.bytes(key, expect, true);
        if (v != null && v < 1024) {
            s.reject(key, expect, false);
            return null;
        }
        return v;
    }

    static DeliveryConfig delivery(Section d, UpstreamChoice defaultUpstream) {
        Integer maxConcurrent = positive(d, "max-concurrent");
        Duration tokenRetry = positive(d, "token-retry-delay", "a duration such as 15s");
        Section r = d.section("retry");
        RetryPolicy retry = r == null ? null : retry(r);
        Section n = d.section("notify");
        Optional<String> mailbox = Optional.empty();
        Optional<String> admin = Optional.empty();
        Boolean sender = null;
        if (n != null) {
            mailbox = address(n, "mailbox");
            admin = address(n, "admin");
            sender = n.bool("original-sender", "true or false", true);
            if (mailbox.isEmpty() && (admin.isPresent() || Boolean.TRUE.equals(sender))) {
                n.problem("mailbox", "is missing: notices need a mailbox to be sent as");
            }
        }
        Section p = d.section("per-mailbox");
        MailboxPacer.Limits perMailbox = p == null ? null : perMailbox(p);
        if (maxConcurrent == null || retry == null || sender == null || tokenRetry == null || defaultUpstream == null
                || perMailbox == null) {
            return null;
        }
        return new DeliveryConfig(maxConcurrent, retry, mailbox, admin, sender, tokenRetry, defaultUpstream,
                perMailbox);
    }

    /** {@code relay.delivery.per-mailbox}: Exchange Online's sending limits. */
    private static MailboxPacer.Limits perMailbox(Section p) {
        Integer perMinute = positive(p, "messages-per-minute");
        Integer perDay = positive(p, "recipients-per-day");
        Integer perMessage = positive(p, "max-recipients-per-message");
        Duration backoff = positive(p, "throttle-backoff", "a duration such as 1m");
        Integer pauseAfter = positive(p, "pause-after-failures");
        Duration pause = positive(p, "pause-duration", "a duration such as 1h");
        if (perMinute == null || perDay == null || perMessage == null || backoff == null || pauseAfter == null
                || pause == null) {
            return null;
        }
        return new MailboxPacer.Limits(perMinute, perDay, perMessage, backoff, pauseAfter, pause);
    }

    private static RetryPolicy retry(Section r) {
        Duration initial = positive(r, "initial-delay", "a duration such as 1m");
        Double multiplier = r.number("multiplier", "a number of 1 or more, such as 2", true);
        if (multiplier != null && multiplier < 1) {
            r.reject("multiplier", "a number of 1 or more, such as 2", false);
            multiplier = null;
        }
        Duration max = positive(r, "max-delay", "a duration such as 1h");
        Double jitter = r.number("jitter", "a fraction from 0 to below 1, such as 0.2", true);
        if (jitter != null && (jitter < 0 || jitter >= 1)) {
            r.reject("jitter", "a fraction from 0 to below 1, such as 0.2", false);
            jitter = null;
        }
        Duration maxAge = positive(r, "max-age", "a duration such as 5d");
        if (initial != null && max != null && max.compareTo(initial) < 0) {
            r.problem("max-delay", "must be at least initial-delay (" + initial + ")");
            return null;
        }
        if (initial == null || multiplier == null || max == null || jitter == null || maxAge == null) {
            return null;
        }
        return new RetryPolicy(initial, multiplier, max, jitter, maxAge);
    }

    private static Optional<String> address(Section s, String key) {
        String value = s.string(key, "an e-mail address", false);
        if (value == null) {
            return Optional.empty();
        }
        if (!Addresses.isValid(value.strip())) {
            s.reject(key, "an e-mail address such as relay@contoso.com", false);
            return Optional.empty();
        }
        return Optional.of(value.strip());
    }

    static Integer positive(Section s, String key) {
        Integer v = s.integer(key, "a positive whole number", true);
        if (v != null && v < 1) {
            s.reject(key, "a positive whole number", false);
            return null;
        }
        return v;
    }

    private static Duration positive(Section s, String key, String expect) {
        Duration d = s.duration(key, expect, true);
        if (d != null && (d.isNegative() || d.isZero())) {
            s.reject(key, expect, false);
            return null;
        }
        return d;
    }
}

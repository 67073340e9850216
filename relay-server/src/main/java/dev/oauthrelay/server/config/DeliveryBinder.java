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

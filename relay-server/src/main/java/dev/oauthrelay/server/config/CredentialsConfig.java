package dev.oauthrelay.server.config;

import java.time.Duration;
import java.util.Objects;

/**
 * {@code relay.credentials}: warnings about client secrets and certificates that run out.
 *
 * @param warnBefore how long before a credential expires it counts as expiring (log, health,
 *                   status page); zero: only once it has expired
 */
public record CredentialsConfig(Duration warnBefore) {

    /** The defaults of {@code reference.conf}. */
    public static final CredentialsConfig DEFAULTS = new CredentialsConfig(Duration.ofDays(30));

    public CredentialsConfig {
        Objects.requireNonNull(warnBefore, "warnBefore");
        if (warnBefore.isNegative()) {
            throw new IllegalArgumentException("warnBefore must not be negative: " + warnBefore);
        }
    }

    /** Binds {@code relay.credentials}; null (reported) when invalid. */
    static CredentialsConfig bind(Section s) {
        String expect = "a duration such as 30d (0d: warn only once expired)";
        Duration warnBefore = s.duration("warn-before", expect, true);
        if (warnBefore != null && warnBefore.isNegative()) {
            s.reject("warn-before", expect, false);
            return null;
        }
        return warnBefore == null ? null : new CredentialsConfig(warnBefore);
    }
}

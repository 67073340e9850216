package dev.oauthrelay.server.config;

import java.time.Duration;
import java.util.Optional;

/** Binds {@code relay.admin}. */
final class AdminBinder {

    /** Shorter tokens are guessable; operators generate one with {@code openssl rand -hex 32}. */
    static final int MIN_TOKEN_LENGTH = 16;

    private AdminBinder() {
    }

    static AdminConfig admin(Section a) {
        Boolean enabled = a.bool("enabled", "true or false", true);
        String address = a.string("address", "an IP address to bind, such as 127.0.0.1", true);
        Integer port = a.integer("port", "a TCP port from 0 to 65535", true);
        if (port != null && (port < 0 || port > 65535)) {
            a.reject("port", "a TCP port from 0 to 65535", false);
            port = null;
        }
        String token = a.string("token", "a random text of at least " + MIN_TOKEN_LENGTH + " characters", false, true);
        if (token != null && token.length() < MIN_TOKEN_LENGTH) {
            a.problem("token", "is too short: use at least " + MIN_TOKEN_LENGTH
                    + " random characters, e.g. from `openssl rand -hex 32`");
            return null;
        }
        Section h = a.section("health");
        HealthConfig health = h == null ? null : health(h);
        if (enabled == null || address == null || port == null || health == null) {
            return null;
        }
        return new AdminConfig(enabled, address, port, Optional.ofNullable(token), health);
    }

    private static HealthConfig health(Section h) {
        Duration downAfter = h.duration("upstream-down-after", "a duration such as 5m (0s: at once)", true);
        Boolean needsDelivery = h.bool("ready-needs-delivery", "true or false", true);
        if (downAfter != null && downAfter.isNegative()) {
            h.reject("upstream-down-after", "a duration of 0s or more", false);
            return null;
        }
        return downAfter == null || needsDelivery == null ? null : new HealthConfig(downAfter, needsDelivery);
    }
}

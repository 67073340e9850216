package dev.oauthrelay.server.config;

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
        if (enabled == null || address == null || port == null) {
            return null;
        }
        return new AdminConfig(enabled, address, port, Optional.ofNullable(token));
    }
}

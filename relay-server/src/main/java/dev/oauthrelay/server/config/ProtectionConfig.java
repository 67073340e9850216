package dev.oauthrelay.server.config;

import dev.oauthrelay.auth.AuthThrottle;
import java.time.Duration;
import java.util.Objects;

/**
 * Protection against password guessing and against clients that are not well-behaved SMTP
 * clients. The first two are keys under {@code relay.limits}, the throttle is
 * {@code relay.auth-throttle}.
 *
 * @param authFailuresPerSession failed AUTH attempts after which a session is closed
 * @param greetingDelay          how long the relay waits before its greeting; a client that talks
 *                               first is disconnected. Zero: greet at once, no check
 * @param authThrottle           failed AUTH attempts per client address and per account, across sessions
 */
public record ProtectionConfig(int authFailuresPerSession, Duration greetingDelay, AuthThrottle.Settings authThrottle) {

    public ProtectionConfig {
        Objects.requireNonNull(greetingDelay, "greetingDelay");
        Objects.requireNonNull(authThrottle, "authThrottle");
    }
}

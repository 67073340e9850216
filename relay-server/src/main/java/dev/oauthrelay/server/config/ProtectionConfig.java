package dev.oauthrelay.server.config;

import dev.oauthrelay.auth.AuthThrottle;
import java.time.Duration;
import java.util.Objects;

/**
 * Protection against password guessing and against clients that are not well-behaved SMTP
 * clients. All but the throttle ({@code relay.auth-throttle}) are keys under {@code relay.limits}.
 *
 * @param authFailuresPerSession failed AUTH attempts after which a session is closed
 * @param greetingDelay          how long the relay waits before its greeting; a client that talks
 *                               first is disconnected. Zero: greet at once, no check
 * @param slowClients            deadlines for clients that trickle their input (slow drip)
 * @param authThrottle           failed AUTH attempts per client address and per account, across sessions
 */
public record ProtectionConfig(int authFailuresPerSession, Duration greetingDelay, SlowClientLimits slowClients,
                               AuthThrottle.Settings authThrottle) {

    public ProtectionConfig {
        Objects.requireNonNull(greetingDelay, "greetingDelay");
        Objects.requireNonNull(slowClients, "slowClients");
        Objects.requireNonNull(authThrottle, "authThrottle");
    }
}

package dev.oauthrelay.server.config;

import dev.oauthrelay.auth.AuthThrottle;
import java.time.Duration;

/**
 * Binds {@code relay.limits.auth-failures-per-session}, {@code greeting-delay}, the slow-client
 * limits ({@code command-timeout}, {@code min-data-rate}, {@code min-data-rate-window}) and
 * {@code relay.auth-throttle}.
 */
final class ProtectionBinder {

    /** Longer would run into clients' greeting timeouts (RFC 5321 section 4.5.3.2.1 suggests 5 minutes, some use less). */
    static final Duration MAX_GREETING_DELAY = Duration.ofSeconds(30);

    private ProtectionBinder() {
    }

    static ProtectionConfig protection(Section limits, Section throttle) {
        Integer perSession = atLeast(limits, "auth-failures-per-session", 1);
        Duration greeting = limits.duration("greeting-delay", "a duration from 0s to 30s, such as 500ms", true);
        if (greeting != null && (greeting.isNegative() || greeting.compareTo(MAX_GREETING_DELAY) > 0)) {
            limits.reject("greeting-delay", "a duration from 0s to 30s, such as 500ms", false);
            greeting = null;
        }
        SlowClientLimits slowClients = slowClients(limits);
        AuthThrottle.Settings settings = throttle(throttle);
        if (perSession == null || greeting == null || slowClients == null || settings == null) {
            return null;
        }
        return new ProtectionConfig(perSession, greeting, slowClients, settings);
    }

    private static SlowClientLimits slowClients(Section l) {
        Duration command = atLeastOneSecond(l, "command-timeout", "a duration of at least 1s, such as 5m");
        Long rate = l.bytes("min-data-rate", "a size per second of 0 or more, such as 512 (bytes) or 1KiB (0: off)", true);
        if (rate != null && rate < 0) {
            l.reject("min-data-rate", "a size per second of 0 or more, such as 512 (bytes) or 1KiB (0: off)", false);
            rate = null;
        }
        Duration window = atLeastOneSecond(l, "min-data-rate-window", "a duration of at least 1s, such as 5m");
        if (command == null || rate == null || window == null) {
            return null;
        }
        return new SlowClientLimits(command, rate, window);
    }

    private static AuthThrottle.Settings throttle(Section t) {
        Integer delayAfter = atLeast(t, "delay-after", 1);
        Duration maxDelay = t.duration("max-delay", "a duration of 0s or more, such as 8s (0s: no delays)", true);
        if (maxDelay != null && maxDelay.isNegative()) {
            t.reject("max-delay", "a duration of 0s or more, such as 8s (0s: no delays)", false);
            maxDelay = null;
        }
        Integer lockoutAfter = atLeast(t, "lockout-after", 1);
        Duration lockout = atLeastOneSecond(t, "lockout", "a duration of at least 1s, such as 15m");
        Duration window = atLeastOneSecond(t, "window", "a duration of at least 1s, such as 15m");
        Integer maxTracked = atLeast(t, "max-tracked", 1);
        if (delayAfter == null || maxDelay == null || lockoutAfter == null || lockout == null || window == null
                || maxTracked == null) {
            return null;
        }
        return new AuthThrottle.Settings(delayAfter, maxDelay, lockoutAfter, lockout, window, maxTracked);
    }

    private static Integer atLeast(Section s, String key, int min) {
        Integer value = s.integer(key, "a positive whole number", true);
        if (value != null && value < min) {
            s.reject(key, "a positive whole number", false);
            return null;
        }
        return value;
    }

    private static Duration atLeastOneSecond(Section s, String key, String expect) {
        Duration value = s.duration(key, expect, true);
        if (value != null && value.compareTo(Duration.ofSeconds(1)) < 0) {
            s.reject(key, expect, false);
            return null;
        }
        return value;
    }
}

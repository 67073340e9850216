package dev.oauthrelay.server.config;

import java.time.Duration;
import java.util.Objects;

/**
 * {@code relay.admin.health}: when {@code GET /health/ready} says the relay is not ready.
 *
 * @param upstreamDownAfter  how long delivery attempts must have failed to connect to the upstream
 *                           (none getting through) before the upstream check is DOWN; zero: at the
 *                           first such failure
 * @param readyNeedsDelivery whether the token and upstream checks count for readiness; false:
 *                           they are reported, but only listeners and spool decide
 */
public record HealthConfig(Duration upstreamDownAfter, boolean readyNeedsDelivery) {

    /** The defaults of {@code reference.conf}. */
    public static final HealthConfig DEFAULTS = new HealthConfig(Duration.ofMinutes(5), true);

    public HealthConfig {
        Objects.requireNonNull(upstreamDownAfter, "upstreamDownAfter");
        if (upstreamDownAfter.isNegative()) {
            throw new IllegalArgumentException("upstreamDownAfter must not be negative: " + upstreamDownAfter);
        }
    }
}

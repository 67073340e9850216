package dev.oauthrelay.server.config;

import java.util.Objects;
import java.util.Optional;

/**
 * {@code relay.admin}: the admin HTTP port (metrics, health, status page, devices, queue).
 *
 * @param token  bearer token for operations that change the queue; empty: refused over HTTP
 * @param health when {@code /health/ready} reports the relay as not ready
 */
public record AdminConfig(boolean enabled, String address, int port, Optional<String> token, HealthConfig health) {

    public AdminConfig {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(health, "health");
    }

    /** With the default health settings. */
    public AdminConfig(boolean enabled, String address, int port, Optional<String> token) {
        this(enabled, address, port, token, HealthConfig.DEFAULTS);
    }

    /** Never the token itself: this record may end up in a log line or an error. */
    @Override
    public String toString() {
        return "AdminConfig[enabled=" + enabled + ", address=" + address + ", port=" + port + ", token="
                + (token.isPresent() ? "(set)" : "(unset)") + ", health=" + health + "]";
    }
}

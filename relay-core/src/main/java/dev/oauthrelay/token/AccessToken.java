package dev.oauthrelay.token;

import java.time.Instant;

/**
 * An OAuth access token for the upstream. {@link #toString()} never shows the token itself, so a
 * stray log statement cannot leak it.
 *
 * @param value     the bearer token
 * @param expiresOn when the token stops being valid
 */
public record AccessToken(String value, Instant expiresOn) {

    public AccessToken {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("empty access token");
        }
        if (expiresOn == null) {
            throw new IllegalArgumentException("access token without expiry");
        }
    }

    public boolean validAt(Instant when) {
        return when.isBefore(expiresOn);
    }

    @Override
    public String toString() {
        return "AccessToken[expires " + expiresOn + "]";
    }
}

package dev.oauthrelay.server.health;

import java.util.Objects;

/** What one check found: UP or DOWN, and why, in words an operator can act on. */
public record CheckResult(boolean up, String reason) {

    public CheckResult {
        Objects.requireNonNull(reason, "reason");
    }

    public static CheckResult up(String reason) {
        return new CheckResult(true, reason);
    }

    public static CheckResult down(String reason) {
        return new CheckResult(false, reason);
    }
}

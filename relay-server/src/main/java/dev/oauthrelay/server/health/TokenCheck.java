package dev.oauthrelay.server.health;

import dev.oauthrelay.token.CachingTokenProvider;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * An access token is at hand: one is cached and valid, or none has failed yet (the first fetch
 * runs at start-up). DOWN when no valid token is cached and the last fetch failed: deliveries then
 * wait, and the reason (with the Entra ID error code, never a secret) says why.
 */
public final class TokenCheck implements Supplier<CheckResult> {

    private final CachingTokenProvider tokens;

    public TokenCheck(CachingTokenProvider tokens) {
        this.tokens = tokens;
    }

    @Override
    public CheckResult get() {
        Optional<Instant> validUntil = tokens.validUntil();
        Optional<String> lastError = tokens.lastError();
        if (validUntil.isPresent()) {
            return CheckResult.up("token valid until " + validUntil.get()
                    + lastError.map(e -> "; the last refresh failed: " + e).orElse(""));
        }
        return lastError.map(e -> CheckResult.down("no valid token; the last fetch failed: " + e))
                .orElseGet(() -> CheckResult.up("no token yet; the first fetch is under way"));
    }
}

package dev.oauthrelay.server.health;

import dev.oauthrelay.server.oauth.UpstreamTokens;
import dev.oauthrelay.token.CachingTokenProvider;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * An access token is at hand for every upstream account (and for Graph, where it is used): one is
 * cached and valid, or none has failed yet (the first fetch runs at start-up). DOWN when some cache
 * has no valid token and its last fetch failed: that account's deliveries then wait, and the
 * reason (with the Entra ID error code, never a secret) says which account and why.
 */
public final class TokenCheck implements Supplier<CheckResult> {

    private final UpstreamTokens tokens;

    public TokenCheck(UpstreamTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public CheckResult get() {
        List<String> reasons = new ArrayList<>();
        boolean up = true;
        boolean label = tokens.accounts().size() > 1
                || tokens.accounts().stream().anyMatch(a -> a.graph().isPresent()
                || !dev.oauthrelay.policy.Identity.DEFAULT_ACCOUNT.equals(a.account().name()));
        for (UpstreamTokens.Account a : tokens.accounts()) {
            CheckResult smtp = check(a.smtp());
            up &= smtp.up();
            reasons.add(label ? a.account().name() + " (SMTP): " + smtp.reason() : smtp.reason());
            if (a.graph().isPresent()) {
                CheckResult graph = check(a.graph().get());
                up &= graph.up();
                reasons.add(a.account().name() + " (Graph): " + graph.reason());
            }
        }
        String reason = String.join("; ", reasons);
        return up ? CheckResult.up(reason) : CheckResult.down(reason);
    }

    static CheckResult check(CachingTokenProvider cache) {
        Optional<Instant> validUntil = cache.validUntil();
        Optional<String> lastError = cache.lastError();
        if (validUntil.isPresent()) {
            return CheckResult.up("token valid until " + validUntil.get()
                    + lastError.map(e -> "; the last refresh failed: " + e).orElse(""));
        }
        return lastError.map(e -> CheckResult.down("no valid token; the last fetch failed: " + e))
                .orElseGet(() -> CheckResult.up("no token yet; the first fetch is under way"));
    }
}

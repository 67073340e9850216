package dev.oauthrelay.token;

import java.util.concurrent.CompletableFuture;

/**
 * Hands out a valid access token for the upstream. Implementations cache, refresh early and share
 * one fetch among concurrent callers; callers may call it for every message.
 */
public interface TokenProvider {

    /** A token valid for a while yet; completes exceptionally with {@link TokenUnavailableException}. */
    CompletableFuture<AccessToken> currentToken();

    /**
     * The upstream refused this token (535): forget it, so the next call fetches a new one. A
     * no-op if the provider has already moved on to another token.
     */
    void invalidate(AccessToken rejected);
}

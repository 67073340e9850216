package dev.oauthrelay.token;

import java.util.concurrent.CompletableFuture;

/**
 * One fetch of a new token from the identity provider (MSAL4J in production, a stand-in in
 * tests). Implementations must not run the fetch on the caller's thread if it blocks.
 */
public interface TokenSource {
    CompletableFuture<AccessToken> fetch();
}

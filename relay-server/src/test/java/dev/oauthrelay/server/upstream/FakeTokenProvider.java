package dev.oauthrelay.server.upstream;

import dev.oauthrelay.token.AccessToken;
import dev.oauthrelay.token.TokenProvider;
import dev.oauthrelay.token.TokenUnavailableException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** Issues "good-token-1", "good-token-2", ...; a new one only after the current one is invalidated. */
final class FakeTokenProvider implements TokenProvider {

    private int issued;
    private AccessToken current;
    private volatile boolean unavailable;
    private final List<String> invalidated = new CopyOnWriteArrayList<>();

    static boolean isValid(String token) {
        return token.startsWith("good-token-");
    }

    @Override
    public synchronized CompletableFuture<AccessToken> currentToken() {
        if (unavailable) {
            return CompletableFuture.failedFuture(new TokenUnavailableException("AADSTS7000215: Invalid client secret provided."));
        }
        if (current == null) {
            current = new AccessToken("good-token-" + ++issued, Instant.now().plusSeconds(3600));
        }
        return CompletableFuture.completedFuture(current);
    }

    @Override
    public synchronized void invalidate(AccessToken rejected) {
        invalidated.add(rejected.value());
        if (rejected.equals(current)) {
            current = null;
        }
    }

    void unavailable(boolean value) {
        unavailable = value;
    }

    List<String> invalidated() {
        return List.copyOf(invalidated);
    }
}

package dev.oauthrelay.token;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A token source whose fetches the test completes by hand. */
final class FakeTokenSource implements TokenSource {

    private final List<CompletableFuture<AccessToken>> fetches = new ArrayList<>();

    @Override
    public synchronized CompletableFuture<AccessToken> fetch() {
        CompletableFuture<AccessToken> f = new CompletableFuture<>();
        fetches.add(f);
        return f;
    }

    synchronized int calls() {
        return fetches.size();
    }

    /** The n-th fetch (0-based). */
    synchronized CompletableFuture<AccessToken> fetch(int n) {
        return fetches.get(n);
    }

    synchronized CompletableFuture<AccessToken> last() {
        return fetches.get(fetches.size() - 1);
    }
}

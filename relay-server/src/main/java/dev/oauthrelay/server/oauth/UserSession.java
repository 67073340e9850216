package dev.oauthrelay.server.oauth;

import com.microsoft.aad.msal4j.DeviceCode;
import com.microsoft.aad.msal4j.DeviceCodeFlowParameters;
import com.microsoft.aad.msal4j.IAccount;
import com.microsoft.aad.msal4j.IAuthenticationResult;
import com.microsoft.aad.msal4j.ITokenCacheAccessAspect;
import com.microsoft.aad.msal4j.ITokenCacheAccessContext;
import com.microsoft.aad.msal4j.PublicClientApplication;
import com.microsoft.aad.msal4j.SilentParameters;
import dev.oauthrelay.token.AccessToken;
import dev.oauthrelay.token.TokenSource;
import dev.oauthrelay.token.TokenUnavailableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A signed-in user's session with Entra ID, through MSAL4J's public client: the device code sign-in
 * ({@code relay login}), and access tokens for any scope redeemed from the stored refresh token.
 *
 * <p>Every redemption returns a new refresh token; MSAL puts it into its cache, and the cache is
 * written back, encrypted, after every change ({@link TokenStore}), so the rotated token survives a
 * restart. The relay's token caches redeem it about once an hour while the relay runs, which keeps
 * it far from Entra's 90-day inactivity expiry. One MSAL call runs at a time (a single thread): two
 * redemptions of the same refresh token at once would race for its successor. A new sign-in
 * written by {@code relay login} while the relay runs is picked up at the next redemption.
 */
public final class UserSession implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(UserSession.class);
    /** Entra ID expires a refresh token that has not been used for this long. */
    public static final Duration REFRESH_TOKEN_INACTIVITY = Duration.ofDays(90);
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    private static final int READ_TIMEOUT_MILLIS = 20_000;

    private final UserAccount account;
    /** Replaced once, when the key file that was missing at start appears. Guarded by lock. */
    private TokenStore store;
    private boolean keyMissing;
    private final Clock clock;
    private final ExecutorService executor;
    private final PublicClientApplication app;
    private final MsalErrors errors;

    private final Object lock = new Object();
    /** The session as last read or written; null before the first sign-in. Guarded by lock. */
    private TokenStore.Session session;
    private Optional<FileTime> loadedModified = Optional.empty();
    private IOException storeProblem;
    /** The cache MSAL produced during a sign-in, written once the user is known. */
    private String pendingCache;
    /** A sign-in is under way: cache changes wait in pendingCache. Guarded by lock. */
    private boolean signingIn;

    /**
     * @throws IllegalArgumentException if the sign-in key cannot be loaded (the message names the file
     *     and what is wrong, never the key)
     */
    public UserSession(UserAccount account, Clock clock) {
        this(account, keyOrPlaceholder(account), clock);
        this.keyMissing = account.key().file().filter(f -> !java.nio.file.Files.exists(f)).isPresent();
    }

    /**
     * The configured key; while its file does not exist yet (nobody has run {@code relay login}),
     * a random one that decrypts nothing, so the account reports "not signed in" instead of
     * keeping the relay from starting.
     */
    private static SignInKey keyOrPlaceholder(UserAccount account) {
        java.util.Optional<java.nio.file.Path> file = account.key().file();
        if (file.isPresent() && !java.nio.file.Files.exists(file.get())) {
            byte[] random = new byte[32];
            new java.security.SecureRandom().nextBytes(random);
            return SignInKey.fromText(java.util.Base64.getEncoder().encodeToString(random),
                    file.get() + " (missing: ./relay login creates it)");
        }
        return account.key().load();
    }

    public UserSession(UserAccount account, SignInKey key, Clock clock) {
        this.account = account;
        this.store = account.store(key);
        this.clock = clock;
        this.errors = MsalErrors.redacting(List.of(), account.authority() + "oauth2/v2.0/token");
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "msal-user-" + account.name());
            t.setDaemon(true);
            return t;
        });
        try {
            PublicClientApplication.Builder builder = PublicClientApplication.builder(account.clientId())
                    .authority(account.authority())
                    .executorService(executor)
                    .connectTimeoutForDefaultHttpClient(CONNECT_TIMEOUT_MILLIS)
                    .readTimeoutForDefaultHttpClient(READ_TIMEOUT_MILLIS)
                    .setTokenCacheAccessAspect(new Persistence());
            if (!MsalTokenSource.isMicrosoftHost(account.authority())) {
                builder.instanceDiscovery(false).validateAuthority(false);
            }
            account.trustedCertificates().ifPresent(b -> builder.sslSocketFactory(ExtraTrust.socketFactory(b)));
            this.app = builder.build();
        } catch (MalformedURLException | RuntimeException e) {
            executor.shutdownNow();
            throw e instanceof IllegalArgumentException iae ? iae
                    : new IllegalArgumentException("invalid authority " + account.authority() + ": " + e.getMessage(), e);
        }
        synchronized (lock) {
            reloadIfChanged();
        }
    }

    /** Tokens for {@code scope}, each a fresh redemption of the refresh token. */
    public TokenSource source(String scope) {
        return () -> token(scope);
    }

    /** The stored session: who signed in and when the refresh token was last used; empty before {@code relay login}. */
    public Optional<TokenStore.Session> session() {
        synchronized (lock) {
            reloadIfChanged();
            return Optional.ofNullable(session);
        }
    }

    /** When Entra will expire the refresh token if it is not used again; empty before the first sign-in. */
    public Optional<Instant> refreshTokenExpiry() {
        return session().map(s -> s.lastRefreshedAt().plus(REFRESH_TOKEN_INACTIVITY));
    }

    /**
     * The device code sign-in: {@code prompt} gets the code and the page to enter it at; the future
     * completes when the user has signed in (and the session is stored) or the code expired.
     */
    public CompletableFuture<String> login(String scope, Consumer<DeviceCode> prompt) {
        synchronized (lock) {
            pendingCache = null;
            signingIn = true;
        }
        DeviceCodeFlowParameters parameters = DeviceCodeFlowParameters.builder(Set.of(scope), prompt).build();
        return app.acquireToken(parameters).handle((result, error) -> {
            if (error != null) {
                synchronized (lock) {
                    signingIn = false;
                    pendingCache = null;
                }
                throw errors.map(error);
            }
            String username = result.account().username();
            Instant now = clock.instant();
            synchronized (lock) {
                String cache = pendingCache != null ? pendingCache : app.tokenCache().serialize();
                signingIn = false;
                pendingCache = null;
                save(new TokenStore.Session(cache, username, now, now));
            }
            return username;
        });
    }

    /**
     * Reading the store (a file read and a decryption) runs on the session's own thread, never on
     * the caller's, which may be an event loop or the token cache's timer.
     */
    private CompletableFuture<AccessToken> token(String scope) {
        return CompletableFuture.supplyAsync(this::session, executor).thenCompose(current -> token(scope, current));
    }

    private CompletableFuture<AccessToken> token(String scope, Optional<TokenStore.Session> current) {
        if (current.isEmpty()) {
            IOException problem;
            synchronized (lock) {
                problem = storeProblem;
            }
            return CompletableFuture.failedFuture(new TokenUnavailableException(problem != null
                    ? "upstream account " + account.name() + ": " + problem.getMessage()
                    : "upstream account " + account.name() + " is not signed in: run ./relay login --account "
                            + account.name()));
        }
        String username = current.get().username();
        CompletableFuture<AccessToken> result = new CompletableFuture<>();
        app.getAccounts().thenCompose(accounts -> {
            IAccount user = accounts.stream().filter(a -> username.equalsIgnoreCase(a.username())).findFirst()
                    .orElseThrow(() -> new TokenUnavailableException("upstream account " + account.name()
                            + ": the stored sign-in of " + username + " has no refresh token; run ./relay login"
                            + " --account " + account.name()));
            try {
                return app.acquireTokenSilently(SilentParameters.builder(Set.of(scope), user)
                        .forceRefresh(true) // the relay caches access tokens itself; this also rotates the refresh token
                        // Else MSAL rebuilds the authority from the cached account's host, without its port.
                        .authorityUrl(account.authority())
                        .build());
            } catch (MalformedURLException e) {
                throw new IllegalArgumentException(e);
            }
        }).whenComplete((r, error) -> {
            if (error != null) {
                Throwable cause = MsalErrors.unwrap(error);
                if (cause instanceof TokenUnavailableException t) {
                    result.completeExceptionally(t);
                } else {
                    TokenUnavailableException mapped = errors.map(error);
                    result.completeExceptionally(new TokenUnavailableException("upstream account " + account.name()
                            + " (signed in as " + username + "): " + mapped.getMessage()
                            + (needsSignIn(mapped.getMessage()) ? "; sign in again: ./relay login --account "
                            + account.name() : "")));
                }
            } else {
                result.complete(new AccessToken(r.accessToken(), r.expiresOnDate().toInstant()));
            }
        });
        return result;
    }

    /** Entra errors after which only a new interactive sign-in helps. */
    static boolean needsSignIn(String message) {
        return message.contains("invalid_grant") || message.contains("AADSTS700082") || message.contains("AADSTS70043")
                || message.contains("AADSTS50173") || message.contains("AADSTS50076") || message.contains("AADSTS65001");
    }

    /** Reads the store if {@code relay login} (or another relay process) replaced it. Caller holds lock. */
    private void reloadIfChanged() {
        if (keyMissing && java.nio.file.Files.exists(account.key().file().orElseThrow())) {
            // relay login created the key while the relay ran.
            try {
                store = account.store(account.key().load());
                keyMissing = false;
            } catch (IllegalArgumentException e) {
                storeProblem = new IOException(e.getMessage());
                return;
            }
        }
        Optional<FileTime> modified = store.modified();
        if (session != null && modified.equals(loadedModified)) {
            return;
        }
        if (modified.isEmpty()) {
            return; // nobody signed in yet
        }
        try {
            session = store.read().orElse(null);
            loadedModified = store.modified();
            storeProblem = null;
        } catch (IOException e) {
            if (storeProblem == null || !String.valueOf(storeProblem.getMessage()).equals(e.getMessage())) {
                log.warn("upstream account {}: {}", account.name(), e.getMessage());
            }
            storeProblem = e;
            session = null;
        }
    }

    /** Caller holds lock. */
    private void save(TokenStore.Session s) {
        try {
            store.write(s);
            session = s;
            loadedModified = store.modified();
        } catch (IOException e) {
            // The new refresh token lives on in memory until the next write succeeds.
            log.error("upstream account {}: cannot store the rotated refresh token in {}: {}", account.name(),
                    store.file(), e.getMessage());
            session = s;
            throw new UncheckedIOException(e);
        }
    }

    /** Loads MSAL's cache from the store before each use and writes it back after each change. */
    private final class Persistence implements ITokenCacheAccessAspect {
        @Override
        public void beforeCacheAccess(ITokenCacheAccessContext context) {
            synchronized (lock) {
                reloadIfChanged();
                if (pendingCache != null) {
                    context.tokenCache().deserialize(pendingCache);
                } else if (session != null) {
                    context.tokenCache().deserialize(session.msalCache());
                }
            }
        }

        @Override
        public void afterCacheAccess(ITokenCacheAccessContext context) {
            if (!context.hasCacheChanged()) {
                return;
            }
            String cache = context.tokenCache().serialize();
            synchronized (lock) {
                if (signingIn || session == null) {
                    pendingCache = cache; // a sign-in in progress: stored once login() knows the user
                } else {
                    save(new TokenStore.Session(cache, session.username(), session.signedInAt(), clock.instant()));
                }
            }
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}

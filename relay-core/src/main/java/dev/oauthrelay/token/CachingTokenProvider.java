package dev.oauthrelay.token;

import dev.oauthrelay.observe.RelayEvents;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's own token state on top of a {@link TokenSource}: one cached token, refreshed in the
 * background well before it expires, one fetch shared by all callers, and the last good token kept
 * while a refresh fails. MSAL4J's own cache cannot be relied on for this (it misses with an explicit
 * port, makes one request per concurrent cold call, and throws when a proactive refresh fails even
 * though the cached token is still valid).
 *
 * <p>{@link #currentToken()} never blocks: it returns a completed future when a token is cached, or
 * a future that completes when the one in-flight fetch does.
 */
public final class CachingTokenProvider implements TokenProvider, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CachingTokenProvider.class);

    /** High Volume Email rejects tokens close to expiry ({@code 501 5.5.127}): refresh this early. */
    public static final Duration DEFAULT_REFRESH_MARGIN = Duration.ofMinutes(10);

    /** Retries after a failed fetch back off exponentially, up to this (or retryDelay if longer). */
    static final Duration MAX_RETRY_DELAY = Duration.ofMinutes(5);

    private final TokenSource source;
    private final Clock clock;
    private final RelayEvents events;
    private final ScheduledExecutorService scheduler;
    private final Duration refreshMargin;
    private final Duration retryDelay;
    private final AtomicInteger fetchCount = new AtomicInteger();
    private final Object lock = new Object();

    // All guarded by lock.
    private Cached cached;
    private CompletableFuture<AccessToken> inFlight;
    private ScheduledFuture<?> scheduled;
    private boolean retryScheduled;
    private int consecutiveFailures;
    private String lastError;
    private Instant lastFailureAt;
    private boolean closed;

    /** A token and when to replace it. */
    private record Cached(AccessToken token, Instant refreshAt) {}

    /**
     * @param refreshMargin how long before expiry to refresh; at least {@link #DEFAULT_REFRESH_MARGIN}
     * @param retryDelay    delay before the first retry of a failed background refresh; doubles on
     *                      each further failure, capped at {@link #MAX_RETRY_DELAY}
     */
    public CachingTokenProvider(TokenSource source, Clock clock, ScheduledExecutorService scheduler,
            Duration refreshMargin, Duration retryDelay) {
        this(source, clock, scheduler, refreshMargin, retryDelay, RelayEvents.NONE);
    }

    /** @param events told of every fetched token and every failed fetch */
    public CachingTokenProvider(TokenSource source, Clock clock, ScheduledExecutorService scheduler,
            Duration refreshMargin, Duration retryDelay, RelayEvents events) {
        this.events = Objects.requireNonNull(events, "events");
        this.source = Objects.requireNonNull(source, "source");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        if (refreshMargin.compareTo(DEFAULT_REFRESH_MARGIN) < 0) {
            throw new IllegalArgumentException("refresh margin must be at least " + DEFAULT_REFRESH_MARGIN
                    + " (Exchange Online rejects tokens close to expiry): " + refreshMargin);
        }
        if (retryDelay.isNegative() || retryDelay.isZero()) {
            throw new IllegalArgumentException("retry delay must be positive: " + retryDelay);
        }
        this.refreshMargin = refreshMargin;
        this.retryDelay = retryDelay;
    }

    /** Starts the first fetch in the background, so a token is ready before the first message. */
    public void start() {
        CompletableFuture<AccessToken> started;
        synchronized (lock) {
            if (closed || inFlight != null || cached != null) {
                return;
            }
            started = beginFetch();
        }
        runFetch(started);
    }

    @Override
    public CompletableFuture<AccessToken> currentToken() {
        CompletableFuture<AccessToken> shared;
        boolean started;
        AccessToken valid;
        synchronized (lock) {
            if (closed) {
                return CompletableFuture.failedFuture(new TokenUnavailableException("token provider is closed"));
            }
            Instant now = clock.instant();
            valid = cached != null && cached.token().validAt(now) ? cached.token() : null;
            if (valid != null && (now.isBefore(cached.refreshAt()) || retryScheduled)) {
                // Fresh, or a failed refresh is already waiting for its retry: do not ask the
                // identity provider once per message while it is failing.
                return CompletableFuture.completedFuture(valid);
            }
            if (valid == null && inFlight == null && lastFailureAt != null
                    && now.isBefore(lastFailureAt.plus(retryDelay))) {
                // During an outage, demand (one delivery attempt per queued message) must not turn
                // into one token request per message: at most one fetch per retryDelay on demand,
                // besides the scheduled retries.
                return CompletableFuture.failedFuture(new TokenUnavailableException(lastError));
            }
            started = inFlight == null;
            shared = started ? beginFetch() : inFlight;
        }
        if (started) {
            runFetch(shared);
        }
        // Inside the margin but still valid: serve it while the refresh runs.
        return valid != null ? CompletableFuture.completedFuture(valid) : forCaller(shared);
    }

    @Override
    public void invalidate(AccessToken rejected) {
        synchronized (lock) {
            if (cached != null && cached.token().equals(rejected)) {
                log.info("Access token rejected by the upstream; fetching a new one on next use");
                cached = null;
                cancelScheduled();
            }
        }
    }

    /** How many fetches were started (for tests and metrics). */
    public int fetchCount() {
        return fetchCount.get();
    }

    /** When the cached token expires, if a token is cached and still valid now; for health and metrics. */
    public Optional<Instant> validUntil() {
        synchronized (lock) {
            return cached != null && cached.token().validAt(clock.instant())
                    ? Optional.of(cached.token().expiresOn()) : Optional.empty();
        }
    }

    /** Why the last fetch failed, if it did and none has succeeded since; for health and check output. */
    public Optional<String> lastError() {
        synchronized (lock) {
            return Optional.ofNullable(lastError);
        }
    }

    /** Cancels scheduled refreshes; later calls fail. A fetch already running still completes its callers. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            cancelScheduled();
        }
    }

    /** Marks a fetch as in flight. Call with the lock held; then call {@link #runFetch} without it. */
    private CompletableFuture<AccessToken> beginFetch() {
        cancelScheduled(); // a fetch now supersedes any planned refresh or retry
        fetchCount.incrementAndGet();
        inFlight = new CompletableFuture<>();
        return inFlight;
    }

    /**
     * Asks the source, outside the lock: a source that completes synchronously must not run the
     * callers' continuations under it. Sources do not block (see {@link TokenSource}).
     */
    private void runFetch(CompletableFuture<AccessToken> shared) {
        CompletableFuture<AccessToken> fetch;
        try {
            fetch = Objects.requireNonNull(source.fetch(), "token source returned no future");
        } catch (RuntimeException e) {
            finish(shared, null, e);
            return;
        }
        fetch.whenComplete((token, error) -> finish(shared, token, error));
    }

    private void finish(CompletableFuture<AccessToken> shared, AccessToken token, Throwable error) {
        TokenUnavailableException failure = null;
        synchronized (lock) {
            if (inFlight == shared) {
                inFlight = null;
            }
            Instant now = clock.instant();
            if (error == null && token == null) {
                error = new IllegalStateException("token source returned no token");
            } else if (error == null && !token.validAt(now)) {
                // Caching it would schedule an immediate refresh, and again, and again.
                error = new IllegalStateException("token source returned a token that expired at " + token.expiresOn());
            }
            if (error == null) {
                cached = new Cached(token, refreshAt(token, now));
                consecutiveFailures = 0;
                lastError = null;
                lastFailureAt = null;
                if (!closed) {
                    schedule(cached.refreshAt(), false);
                }
            } else {
                failure = unavailable(error);
                consecutiveFailures++;
                lastError = failure.getMessage();
                lastFailureAt = now;
                Duration delay = backoff();
                boolean haveValid = cached != null && cached.token().validAt(now);
                if (haveValid) {
                    log.warn("Token refresh failed (attempt {}); still using the current token, valid until {};"
                            + " retrying in {}: {}", consecutiveFailures, cached.token().expiresOn(), delay, lastError);
                } else {
                    log.warn("Cannot obtain an access token (attempt {}); retrying in {}: {}",
                            consecutiveFailures, delay, lastError);
                }
                if (!closed) {
                    // Retry even without a valid token, so one is ready before the next message.
                    schedule(now.plus(delay), true);
                }
            }
        }
        // Outside the lock: completing runs the callers' continuations.
        if (failure == null) {
            events.tokenFetched(token.expiresOn());
            shared.complete(token);
        } else {
            events.tokenFetchFailed(failure.getMessage());
            shared.completeExceptionally(failure);
        }
    }

    /**
     * When to replace a token: {@code refreshMargin} before it expires, but for a token that arrives
     * with less lifetime than that, halfway through what is left, so short-lived tokens do not cause
     * a fetch per message.
     */
    private Instant refreshAt(AccessToken token, Instant now) {
        Instant early = token.expiresOn().minus(refreshMargin);
        if (early.isAfter(now)) {
            return early;
        }
        return now.plus(Duration.between(now, token.expiresOn()).dividedBy(2));
    }

    private Duration backoff() {
        Duration cap = retryDelay.compareTo(MAX_RETRY_DELAY) > 0 ? retryDelay : MAX_RETRY_DELAY;
        Duration delay = retryDelay;
        for (int i = 1; i < consecutiveFailures && delay.compareTo(cap) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(cap) > 0 ? cap : delay;
    }

    private void schedule(Instant when, boolean retry) {
        cancelScheduled();
        long delayMillis = Math.max(0, Duration.between(clock.instant(), when).toMillis());
        try {
            scheduled = scheduler.schedule(this::refreshInBackground, delayMillis, TimeUnit.MILLISECONDS);
            retryScheduled = retry;
        } catch (RuntimeException e) { // rejected: the scheduler is shutting down
            log.debug("Cannot schedule token refresh: {}", e.toString());
        }
    }

    private void cancelScheduled() {
        if (scheduled != null) {
            scheduled.cancel(false);
            scheduled = null;
        }
        retryScheduled = false;
    }

    private void refreshInBackground() {
        CompletableFuture<AccessToken> started;
        synchronized (lock) {
            scheduled = null;
            retryScheduled = false;
            if (closed || inFlight != null) {
                return;
            }
            started = beginFetch();
        }
        runFetch(started);
    }

    /** Each caller gets its own future, so one caller cancelling cannot cancel the shared fetch. */
    private static CompletableFuture<AccessToken> forCaller(CompletableFuture<AccessToken> shared) {
        CompletableFuture<AccessToken> mine = new CompletableFuture<>();
        shared.whenComplete((token, error) -> {
            if (error != null) {
                mine.completeExceptionally(unwrap(error));
            } else {
                mine.complete(token);
            }
        });
        return mine;
    }

    private static TokenUnavailableException unavailable(Throwable error) {
        Throwable cause = unwrap(error);
        if (cause instanceof TokenUnavailableException tue) {
            return tue;
        }
        String message = cause.getMessage();
        return new TokenUnavailableException(
                cause.getClass().getSimpleName() + (message == null ? "" : ": " + message), cause);
    }

    private static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}

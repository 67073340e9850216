package dev.oauthrelay.token;

import dev.oauthrelay.testsupport.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CachingTokenProviderTest {

    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final Duration MARGIN = Duration.ofMinutes(10);
    private static final Duration RETRY = Duration.ofSeconds(30);
    private static final Duration LIFETIME = Duration.ofMinutes(60);

    private final MutableClock clock = new MutableClock(T0);
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final FakeTokenSource source = new FakeTokenSource();
    private final CachingTokenProvider provider = new CachingTokenProvider(source, clock, scheduler, MARGIN, RETRY);

    @AfterEach
    void close() {
        provider.close();
        scheduler.shutdownNow();
    }

    private AccessToken token(String value) {
        return new AccessToken(value, clock.instant().plus(LIFETIME));
    }

    /** Starts the provider and completes the first fetch with {@code t}. */
    private AccessToken primed(AccessToken t) {
        provider.start();
        source.fetch(0).complete(t);
        return t;
    }

    @Test
    void startFetchesInTheBackgroundBeforeAnyCaller() {
        provider.start();
        provider.start();
        assertThat(source.calls()).isEqualTo(1);
        AccessToken t1 = token("t1");
        source.fetch(0).complete(t1);
        assertThat(provider.currentToken()).isCompletedWithValue(t1);
        assertThat(provider.fetchCount()).isEqualTo(1);
    }

    @Test
    void hundredConcurrentCallersShareOneFetch() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(16);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<CompletableFuture<AccessToken>>> calls = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                calls.add(callers.submit(() -> {
                    go.await();
                    return provider.currentToken();
                }));
            }
            go.countDown();
            List<CompletableFuture<AccessToken>> results = new ArrayList<>();
            for (Future<CompletableFuture<AccessToken>> call : calls) {
                results.add(call.get(10, TimeUnit.SECONDS)); // currentToken() returned without blocking
            }
            assertThat(results).noneMatch(CompletableFuture::isDone);
            assertThat(source.calls()).isEqualTo(1);

            AccessToken t1 = token("t1");
            source.fetch(0).complete(t1);
            assertThat(results).allSatisfy(f -> assertThat(f).isCompletedWithValue(t1));
            assertThat(provider.fetchCount()).isEqualTo(1);
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void refreshIsScheduledBeforeTheMarginAndOldTokenIsServedMeanwhile() {
        AccessToken t1 = primed(token("t1"));
        assertThat(scheduler.pending()).containsExactly(t1.expiresOn().minus(MARGIN));

        clock.advance(LIFETIME.minus(MARGIN));
        scheduler.runDue();
        assertThat(source.calls()).isEqualTo(2);

        // The refresh is still running: callers get the old token at once, and no extra fetch.
        for (int i = 0; i < 10; i++) {
            assertThat(provider.currentToken()).isCompletedWithValue(t1);
        }
        assertThat(provider.fetchCount()).isEqualTo(2);

        AccessToken t2 = token("t2");
        source.fetch(1).complete(t2);
        assertThat(provider.currentToken()).isCompletedWithValue(t2);
        assertThat(scheduler.pending()).containsExactly(t2.expiresOn().minus(MARGIN));
    }

    @Test
    void callerInsideTheMarginTriggersTheRefreshIfTheSchedulerHasNotYet() {
        AccessToken t1 = primed(token("t1"));
        clock.advance(LIFETIME.minus(MARGIN).plusMinutes(1)); // e.g. the machine was suspended

        assertThat(provider.currentToken()).isCompletedWithValue(t1);
        assertThat(source.calls()).isEqualTo(2);
        assertThat(provider.currentToken()).isCompletedWithValue(t1);
        assertThat(source.calls()).isEqualTo(2);
        scheduler.runDue(); // the stale scheduled refresh was superseded
        assertThat(source.calls()).isEqualTo(2);
    }

    @Test
    void failedRefreshKeepsServingTheLastGoodTokenAndRetriesLater() {
        AccessToken t1 = primed(token("t1"));
        clock.advance(LIFETIME.minus(MARGIN));
        scheduler.runDue();
        source.fetch(1).completeExceptionally(new TokenUnavailableException("AADSTS7000222: secret expired"));

        assertThat(provider.lastError()).contains("AADSTS7000222: secret expired");
        for (int i = 0; i < 10; i++) {
            assertThat(provider.currentToken()).isCompletedWithValue(t1);
        }
        assertThat(source.calls()).as("no fetch per caller while a retry is pending").isEqualTo(2);
        assertThat(scheduler.pending()).containsExactly(clock.instant().plus(RETRY));

        clock.advance(RETRY);
        scheduler.runDue();
        assertThat(source.calls()).isEqualTo(3);
        source.fetch(2).completeExceptionally(new IOException("connection reset"));
        assertThat(provider.lastError()).hasValueSatisfying(e -> assertThat(e).contains("connection reset"));
        assertThat(scheduler.pending()).as("backoff doubles").containsExactly(clock.instant().plus(RETRY.multipliedBy(2)));

        clock.advance(RETRY.multipliedBy(2));
        scheduler.runDue();
        AccessToken t2 = token("t2");
        source.fetch(3).complete(t2);
        assertThat(provider.currentToken()).isCompletedWithValue(t2);
        assertThat(provider.lastError()).isEmpty();
    }

    @Test
    void backoffIsCapped() {
        primed(token("t1"));
        for (int i = 0; i < 20; i++) {
            clock.advance(Duration.ofMinutes(60)); // past any retry delay, and past expiry
            scheduler.runDue();
            source.last().completeExceptionally(new IOException("down"));
        }
        assertThat(scheduler.pending()).containsExactly(clock.instant().plus(CachingTokenProvider.MAX_RETRY_DELAY));
    }

    @Test
    void expiredTokenAndFailingFetchFailsWithTheProvidersMessage() {
        primed(token("t1"));
        clock.advance(LIFETIME.plusSeconds(1));

        CompletableFuture<AccessToken> a = provider.currentToken();
        CompletableFuture<AccessToken> b = provider.currentToken();
        assertThat(source.calls()).isEqualTo(2);
        source.fetch(1).completeExceptionally(
                new TokenUnavailableException("invalid_client: AADSTS7000215: Invalid client secret provided."));

        for (CompletableFuture<AccessToken> f : List.of(a, b)) {
            assertThatThrownBy(f::get)
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(TokenUnavailableException.class)
                    .hasMessageContaining("AADSTS7000215");
        }
        assertThat(provider.lastError()).hasValueSatisfying(e -> assertThat(e).contains("AADSTS7000215"));
    }

    @Test
    void otherFailuresAreWrappedInTokenUnavailable() {
        CompletableFuture<AccessToken> f = provider.currentToken();
        source.fetch(0).completeExceptionally(new IOException("Connection refused"));
        assertThatThrownBy(f::join)
                .cause()
                .isInstanceOf(TokenUnavailableException.class)
                .hasMessageContaining("Connection refused");
    }

    @Test
    void noValidTokenFetchesOnDemandOnceTheRetryDelayHasPassedEvenBeforeTheScheduledRetry() {
        CompletableFuture<AccessToken> first = provider.currentToken();
        source.fetch(0).completeExceptionally(new IOException("down"));
        assertThat(first).isCompletedExceptionally();

        clock.advance(RETRY); // the scheduled retry is not run: demand alone triggers the fetch
        CompletableFuture<AccessToken> second = provider.currentToken();
        assertThat(source.calls()).isEqualTo(2);
        AccessToken t1 = token("t1");
        source.fetch(1).complete(t1);
        assertThat(second).isCompletedWithValue(t1);
    }

    @Test
    void invalidateDropsTheTokenSoTheNextCallFetches() {
        AccessToken t1 = primed(token("t1"));
        provider.invalidate(t1);

        CompletableFuture<AccessToken> next = provider.currentToken();
        assertThat(next).isNotDone();
        assertThat(source.calls()).isEqualTo(2);
        AccessToken t2 = token("t2");
        source.fetch(1).complete(t2);
        assertThat(next).isCompletedWithValue(t2);
    }

    @Test
    void validUntilNamesTheCachedTokensExpiryWhileItIsValid() {
        assertThat(provider.validUntil()).as("before the first token").isEmpty();
        AccessToken t1 = primed(token("t1"));
        assertThat(provider.validUntil()).contains(t1.expiresOn());

        provider.invalidate(t1);
        assertThat(provider.validUntil()).as("after a 535 dropped it").isEmpty();
        provider.currentToken();
        AccessToken t2 = token("t2");
        source.fetch(1).complete(t2);
        clock.advance(LIFETIME);
        assertThat(provider.validUntil()).as("expired").isEmpty();
    }

    @Test
    void invalidatingAStaleTokenIsANoOp() {
        AccessToken t1 = primed(token("t1"));
        provider.invalidate(t1);
        provider.currentToken();
        AccessToken t2 = token("t2");
        source.fetch(1).complete(t2);

        provider.invalidate(t1); // a late 535 for a token we already replaced
        assertThat(provider.currentToken()).isCompletedWithValue(t2);
        assertThat(source.calls()).isEqualTo(2);
    }

    @Test
    void callerCancellingItsFutureDoesNotCancelTheSharedFetch() {
        CompletableFuture<AccessToken> impatient = provider.currentToken();
        CompletableFuture<AccessToken> patient = provider.currentToken();
        impatient.cancel(true);
        AccessToken t1 = token("t1");
        source.fetch(0).complete(t1);
        assertThat(patient).isCompletedWithValue(t1);
    }

    @Test
    void shortLivedTokensAreRefreshedHalfwayInsteadOfOnEveryCall() {
        provider.start();
        AccessToken shortLived = new AccessToken("short", T0.plus(Duration.ofMinutes(4)));
        source.fetch(0).complete(shortLived);
        assertThat(scheduler.pending()).containsExactly(T0.plus(Duration.ofMinutes(2)));
        assertThat(provider.currentToken()).isCompletedWithValue(shortLived);
        assertThat(source.calls()).isEqualTo(1);
    }

    @Test
    void alreadyExpiredTokenFromTheSourceIsAFailure() {
        CompletableFuture<AccessToken> f = provider.currentToken();
        source.fetch(0).complete(new AccessToken("old", T0.minusSeconds(1)));
        assertThatThrownBy(f::join).cause().isInstanceOf(TokenUnavailableException.class).hasMessageContaining("expired");
    }

    @Test
    void closeCancelsScheduledWorkAndRefusesCallers() {
        primed(token("t1"));
        assertThat(scheduler.pending()).hasSize(1);
        provider.close();
        assertThat(scheduler.pending()).isEmpty();
        clock.advance(LIFETIME);
        scheduler.runDue();
        assertThat(source.calls()).isEqualTo(1);
        assertThatThrownBy(() -> provider.currentToken().join()).cause().isInstanceOf(TokenUnavailableException.class);
    }

    @Test
    void worksWithARealScheduler() throws Exception {
        ScheduledThreadPoolExecutor real = new ScheduledThreadPoolExecutor(1);
        FakeTokenSource src = new FakeTokenSource();
        try (CachingTokenProvider p = new CachingTokenProvider(src, java.time.Clock.systemUTC(), real, MARGIN, RETRY)) {
            CompletableFuture<AccessToken> f = p.currentToken();
            AccessToken t = new AccessToken("real", Instant.now().plus(LIFETIME));
            src.fetch(0).complete(t);
            assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo(t);
            assertThat(real.getQueue()).hasSize(1); // the refresh
            p.close();
            assertThat(real.getQueue())
                    .allMatch(r -> ((Future<?>) r).isCancelled());
        } finally {
            real.shutdownNow();
        }
    }

    @Test
    void rejectsAMarginBelowTenMinutes() {
        assertThatThrownBy(() -> new CachingTokenProvider(source, clock, scheduler, Duration.ofMinutes(5), RETRY))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void duringAnOutageDemandCausesAtMostOneFetchPerRetryDelay() {
        provider.start();
        source.fetch(0).completeExceptionally(new IOException("connection refused"));
        // A backlog of deliveries asks again and again: no new request, a quick failure instead.
        for (int i = 0; i < 50; i++) {
            assertThat(provider.currentToken()).isCompletedExceptionally();
        }
        assertThat(source.calls()).isEqualTo(1);
        assertThatThrownBy(() -> provider.currentToken().join()).hasCauseInstanceOf(TokenUnavailableException.class)
                .hasMessageContaining("connection refused");
        clock.advance(RETRY.plusSeconds(1));
        CompletableFuture<AccessToken> later = provider.currentToken();
        assertThat(source.calls()).isEqualTo(2);
        AccessToken t = token("after-outage");
        source.fetch(1).complete(t);
        assertThat(later).isCompletedWithValue(t);
    }
}

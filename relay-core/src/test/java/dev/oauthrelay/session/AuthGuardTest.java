package dev.oauthrelay.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.oauthrelay.auth.AuthThrottle;
import dev.oauthrelay.policy.Identity;
import dev.oauthrelay.policy.SenderMismatch;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AuthGuardTest {

    private static final Identity PRINTER = new Identity("printer", Identity.Kind.ACCOUNT, "printer@contoso.com",
            List.of("printer@contoso.com"), SenderMismatch.REJECT);

    private final AuthThrottle throttle = new AuthThrottle(AuthThrottle.Settings.DEFAULTS,
            Clock.fixed(Instant.parse("2026-11-29T10:00:00Z"), ZoneOffset.UTC));
    private final List<Duration> delays = new ArrayList<>();
    private final List<CompletableFuture<Void>> timers = new ArrayList<>();
    private final AuthGuard guard = new AuthGuard(throttle, 3, delay -> {
        delays.add(delay);
        CompletableFuture<Void> f = new CompletableFuture<>();
        timers.add(f);
        return f;
    });
    private final AtomicInteger checks = new AtomicInteger();

    private CompletableFuture<AuthGuard.Outcome> attempt(boolean rightPassword) {
        return guard.verify("192.0.2.1", "printer", () -> {
            checks.incrementAndGet();
            return rightPassword ? Optional.of(PRINTER) : Optional.empty();
        }, Runnable::run);
    }

    private AuthGuard.Outcome completeTimer(CompletableFuture<AuthGuard.Outcome> f) {
        assertThat(f).isNotDone(); // the reply waits for the timer, not for a thread
        timers.get(timers.size() - 1).complete(null);
        return f.join();
    }

    @Test
    void theReplyWaitsForTheTimerAndTheDelayGrows() {
        for (int i = 0; i < 5; i++) {
            assertThat(completeTimer(attempt(false)).identity()).isEmpty();
        }
        assertThat(delays).containsExactly(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(1),
                Duration.ofSeconds(2));
        assertThat(checks).hasValue(5);
    }

    @Test
    void aLockedOutAttemptIsRefusedWithoutCheckingThePassword() {
        for (int i = 0; i < 10; i++) {
            completeTimer(attempt(false));
        }
        AuthGuard.Outcome locked = completeTimer(attempt(true));
        assertThat(locked.identity()).isEmpty();
        assertThat(locked.lockedOut()).isTrue();
        assertThat(checks).hasValue(10);
        assertThat(delays.get(delays.size() - 1)).isEqualTo(Duration.ofSeconds(8));
    }

    @Test
    void aSuccessClearsTheCount() {
        for (int i = 0; i < 4; i++) {
            completeTimer(attempt(false));
        }
        assertThat(completeTimer(attempt(true)).identity()).contains(PRINTER);
        completeTimer(attempt(false));
        assertThat(delays.get(delays.size() - 1)).isZero();
    }

    @Test
    void aBrokenCheckIsAnOutcomeNotAnException() {
        CompletableFuture<AuthGuard.Outcome> f = guard.verify("192.0.2.1", "printer", () -> {
            throw new IllegalStateException("bcrypt exploded");
        }, Runnable::run);
        AuthGuard.Outcome outcome = completeTimer(f);
        assertThat(outcome.failure()).isNotNull();
        assertThat(throttle.tracked()).as("not counted as a wrong password").isZero();
    }

    @Test
    void theRealTimerDoesNotBlockTheCaller() {
        long start = System.nanoTime();
        CompletableFuture<Void> f = AuthGuard.REAL_TIME.after(Duration.ofMillis(500));
        // It returned before the delay was over: nobody waited in it.
        assertThat(f.isDone() || Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofMillis(500)) >= 0)
                .as("returned at once").isFalse();
        f.join();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(500));
        assertThat(AuthGuard.REAL_TIME.after(Duration.ZERO)).isDone();
    }
}

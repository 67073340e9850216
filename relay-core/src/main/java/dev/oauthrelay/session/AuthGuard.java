package dev.oauthrelay.session;

import dev.oauthrelay.auth.AuthThrottle;
import dev.oauthrelay.policy.Identity;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * How sessions protect AUTH: the {@link AuthThrottle} shared by all sessions, the failures one
 * session may have before it is closed, and a timer that holds replies back without holding a
 * thread. One instance serves all sessions.
 */
public final class AuthGuard {

    /** Completes a future after a delay. It must not block the calling thread. */
    @FunctionalInterface
    public interface Timer {
        CompletableFuture<Void> after(Duration delay);
    }

    /** A real-time timer: the JDK's shared delay scheduler completes the future; no thread waits. */
    public static final Timer REAL_TIME = delay -> delay.isZero()
            ? CompletableFuture.completedFuture(null)
            : CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(delay.toNanos(), TimeUnit.NANOSECONDS));

    /**
     * The result of one attempt, after its delay.
     *
     * @param identity  who logged in; empty if refused
     * @param lockedOut refused because the address or account is locked out (password not checked)
     * @param failure   the password check itself failed (a bug or resource problem), else null
     */
    public record Outcome(Optional<Identity> identity, boolean lockedOut, Throwable failure) {
    }

    private final AuthThrottle throttle;
    private final int failuresPerSession;
    private final Timer timer;

    /**
     * @param failuresPerSession failed AUTH attempts after which the session is closed (at least 1)
     */
    public AuthGuard(AuthThrottle throttle, int failuresPerSession, Timer timer) {
        if (failuresPerSession < 1) {
            throw new IllegalArgumentException("failuresPerSession must be positive");
        }
        this.throttle = throttle;
        this.failuresPerSession = failuresPerSession;
        this.timer = timer;
    }

    public int failuresPerSession() {
        return failuresPerSession;
    }

    /**
     * Checks credentials with {@code check} on {@code blocking}, unless the throttle says the
     * address or account is locked out, and completes after the throttle's delay. Never completes
     * exceptionally.
     */
    CompletableFuture<Outcome> verify(String address, String username, Supplier<Optional<Identity>> check,
                                      Executor blocking) {
        AuthThrottle.Admission admission = throttle.admit(address, username);
        CompletableFuture<Outcome> outcome;
        if (admission.locked()) {
            outcome = CompletableFuture.completedFuture(new Outcome(Optional.empty(), true, null));
        } else {
            outcome = CompletableFuture.supplyAsync(check, blocking).handle((identity, failure) -> {
                if (failure != null) {
                    return new Outcome(Optional.empty(), false, failure);
                }
                if (identity.isPresent()) {
                    throttle.succeeded(address, username);
                } else {
                    throttle.failed(address, username);
                }
                return new Outcome(identity, false, null);
            });
        }
        return outcome.thenCompose(o -> timer.after(admission.delay()).handle((ok, ignored) -> o));
    }
}

package dev.oauthrelay.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;

/**
 * When to try a deferred message again: exponential backoff from {@code initialDelay}, multiplied
 * by {@code multiplier} per attempt up to {@code maxDelay}, with +/- {@code jitter} (a fraction)
 * so that messages deferred together (an outage) do not all retry in the same second; given up
 * after {@code maxAge} since the message was received (5 days by default, like most MTAs).
 */
public record RetryPolicy(Duration initialDelay, double multiplier, Duration maxDelay, double jitter, Duration maxAge) {

    public RetryPolicy {
        if (initialDelay.isNegative() || initialDelay.isZero() || multiplier < 1 || jitter < 0 || jitter >= 1
                || maxDelay.compareTo(initialDelay) < 0 || maxAge.isNegative()) {
            throw new IllegalArgumentException("invalid retry policy " + initialDelay + " x" + multiplier
                    + " max " + maxDelay + " jitter " + jitter + " max age " + maxAge);
        }
    }

    /** The delay after the given number of failed attempts (1 = after the first). */
    public Duration delayAfter(int attempts, RandomGenerator random) {
        double base = initialDelay.toMillis() * Math.pow(multiplier, Math.max(0, attempts - 1));
        double capped = Math.min(base, maxDelay.toMillis());
        double factor = 1 + jitter * (2 * random.nextDouble() - 1);
        return Duration.ofMillis(Math.max(1, Math.round(capped * factor)));
    }

    public boolean expired(Instant receivedAt, Instant now) {
        return now.isAfter(receivedAt.plus(maxAge));
    }
}

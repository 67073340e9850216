package dev.oauthrelay.server.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits on clients that trickle their input to hold a connection without ever being idle
 * ({@code relay.limits.command-timeout}, {@code min-data-rate}, {@code min-data-rate-window}).
 *
 * @param commandTimeout    longest time from the first byte of a command line to its line end
 * @param minDataRate       bytes per second a client must keep up during DATA; 0: no minimum
 * @param minDataRateWindow how far behind that rate a client may fall: the grace period after the
 *                          354, and the most time a burst of data can buy
 */
public record SlowClientLimits(Duration commandTimeout, long minDataRate, Duration minDataRateWindow) {

    public SlowClientLimits {
        Objects.requireNonNull(commandTimeout, "commandTimeout");
        Objects.requireNonNull(minDataRateWindow, "minDataRateWindow");
    }
}

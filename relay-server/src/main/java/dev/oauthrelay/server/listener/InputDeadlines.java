package dev.oauthrelay.server.listener;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * The slow-drip rules for one connection, as bookkeeping over a monotonic clock in nanoseconds
 * (the handler passes {@link System#nanoTime()}, tests pass numbers), so the rules are tested
 * without waiting. The idle timeout alone cannot stop a client that sends one byte every few
 * seconds: every byte resets it. Two rules can, and both mean that trickling bytes buys a client
 * no more time than silence would:
 *
 * <ul>
 *   <li><b>Command lines</b>: from the first byte of a command line (or SASL response) to its line
 *       end at most {@code commandTimeout}. The wait for a command to <em>start</em> is the idle
 *       timeout's (RFC 5321 section 4.5.3.2.7); a real client writes a whole line at once.</li>
 *   <li><b>Message data</b>: a time budget, the scheme of Postfix's {@code smtpd_min_data_rate}.
 *       After the 354 the client has {@code window} in hand (the grace period); waiting uses it
 *       up, every byte received adds {@code 1 / minDataRate} seconds, never to more than
 *       {@code window}. A client that falls a whole window behind the minimum rate is too slow.
 *       A device that pauses between pages keeps the time its last page bought, up to a window.</li>
 * </ul>
 *
 * <p>Deadlines are compared by subtraction, as {@link System#nanoTime()} asks, so they survive
 * the clock's wrap-around. Not thread-safe: used on the channel's event loop only.
 */
final class InputDeadlines {

    enum Verdict { IN_TIME, COMMAND_TOO_SLOW, DATA_TOO_SLOW }

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** Longer durations are cut to this (73 years), so additions cannot overflow. */
    private static final long MAX_NANOS = Long.MAX_VALUE / 4;

    private final long commandTimeout;
    /** Bytes per second; 0: no minimum. */
    private final long minDataRate;
    private final long window;

    private boolean inLine;
    private long lineDeadline;
    private boolean inData;
    /** When the data budget runs out if no more bytes arrive. */
    private long dataDeadline;

    InputDeadlines(Duration commandTimeout, long minDataRate, Duration window) {
        if (minDataRate < 0) {
            throw new IllegalArgumentException("minDataRate must be 0 or more");
        }
        this.commandTimeout = nanos(commandTimeout);
        this.minDataRate = minDataRate;
        this.window = nanos(window);
    }

    private static long nanos(Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("durations must be positive: " + d);
        }
        return d.compareTo(Duration.ofNanos(MAX_NANOS)) > 0 ? MAX_NANOS : d.toNanos();
    }

    /** Part of a command line is here; its deadline starts now unless it already runs. */
    void lineStarted(long now) {
        if (!inLine) {
            inLine = true;
            lineDeadline = now + commandTimeout;
        }
    }

    /** No command line is under way (one just ended, or nothing is buffered). */
    void lineEnded() {
        inLine = false;
    }

    /** The 354 went out: the message data starts with a full window in hand. */
    void dataStarted(long now) {
        inLine = false;
        inData = minDataRate > 0;
        dataDeadline = now + window;
    }

    /** {@code bytes} of message data arrived at {@code now}. */
    void dataReceived(long now, long bytes) {
        if (!inData || now - dataDeadline >= 0) {
            return; // an exhausted budget stays exhausted: check() says so
        }
        long earned = bytes >= MAX_NANOS / NANOS_PER_SECOND ? window : bytes * NANOS_PER_SECOND / minDataRate;
        long inHand = Math.min(window, dataDeadline - now + Math.min(earned, window));
        dataDeadline = now + inHand;
    }

    /** The end of the data was seen (or the message refused). */
    void dataEnded() {
        inData = false;
    }

    Verdict check(long now) {
        if (inLine && now - lineDeadline >= 0) {
            return Verdict.COMMAND_TOO_SLOW;
        }
        if (inData && now - dataDeadline >= 0) {
            return Verdict.DATA_TOO_SLOW;
        }
        return Verdict.IN_TIME;
    }

    /** When {@link #check} should run next, or empty while no rule is watching. */
    OptionalLong nextCheck() {
        if (inLine && inData) {
            return OptionalLong.of(lineDeadline - dataDeadline < 0 ? lineDeadline : dataDeadline);
        }
        if (inLine) {
            return OptionalLong.of(lineDeadline);
        }
        return inData ? OptionalLong.of(dataDeadline) : OptionalLong.empty();
    }
}

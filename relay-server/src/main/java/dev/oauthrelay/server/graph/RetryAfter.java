package dev.oauthrelay.server.graph;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The HTTP {@code Retry-After} header (RFC 9110 section 10.2.3): delay-seconds or an HTTP-date.
 * Graph sends seconds with 429 and 503 ("Microsoft Graph throttling guidance").
 */
final class RetryAfter {

    /** A value beyond this is not believed (a broken header must not park a message for weeks). */
    static final Duration MAX = Duration.ofDays(1);

    private RetryAfter() {
    }

    /** The wait the header asks for, capped at {@link #MAX}; empty if missing or unreadable. */
    static Optional<Duration> parse(Optional<String> header, Instant now) {
        if (header.isEmpty()) {
            return Optional.empty();
        }
        String v = header.get().strip();
        Duration d;
        if (!v.isEmpty() && v.chars().allMatch(Character::isDigit)) {
            d = v.length() > 9 ? MAX : Duration.ofSeconds(Long.parseLong(v));
        } else {
            try {
                d = Duration.between(now, ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        }
        if (d.isNegative()) {
            d = Duration.ZERO;
        }
        return Optional.of(d.compareTo(MAX) > 0 ? MAX : d);
    }
}

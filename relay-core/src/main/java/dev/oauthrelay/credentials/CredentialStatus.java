package dev.oauthrelay.credentials;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One credential judged at one moment: its {@link CredentialState} and the words for it.
 *
 * @param expiry what is known of it (merged from every source)
 * @param state  the verdict
 * @param asOf   the moment it was judged
 */
public record CredentialStatus(CredentialExpiry expiry, CredentialState state, Instant asOf) {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    public CredentialStatus {
        Objects.requireNonNull(expiry, "expiry");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(asOf, "asOf");
    }

    /**
     * Judges {@code expiry} at {@code now}: EXPIRED when Entra ID said so or the date has passed,
     * EXPIRING when the date is at most {@code warnBefore} ahead, OK when it is further, UNKNOWN
     * without a date.
     */
    public static CredentialStatus evaluate(CredentialExpiry expiry, Instant now, Duration warnBefore) {
        CredentialState state;
        if (expiry.expired()) {
            state = CredentialState.EXPIRED;
        } else if (expiry.expiresAt().isEmpty()) {
            state = CredentialState.UNKNOWN;
        } else {
            Duration left = Duration.between(now, expiry.expiresAt().get());
            state = left.isNegative() || left.isZero() ? CredentialState.EXPIRED
                    : left.compareTo(warnBefore) <= 0 ? CredentialState.EXPIRING : CredentialState.OK;
        }
        return new CredentialStatus(expiry, state, now);
    }

    public String account() {
        return expiry.account();
    }

    public CredentialKind kind() {
        return expiry.kind();
    }

    /**
     * Seconds until it expires, 0 once it has expired (also when Entra ID said so without a date);
     * empty when unknown. The value of {@code relay_credential_expires_in_seconds}.
     */
    public OptionalLong secondsLeft() {
        if (state == CredentialState.EXPIRED) {
            return OptionalLong.of(0);
        }
        return expiry.expiresAt().map(t -> OptionalLong.of(Math.max(0, Duration.between(asOf, t).toSeconds())))
                .orElse(OptionalLong.empty());
    }

    /**
     * The whole sentence, with the fix when the admin must act, e.g. "the client secret of upstream
     * account fabrikam expires on 2027-01-15 (in 12 days): create a new client secret in ...".
     */
    public String sentence() {
        return state == CredentialState.OK ? statement() : statement() + ": " + advice();
    }

    /** The sentence without the advice: "the client secret of upstream account fabrikam expires on 2027-01-15 (in 12 days)". */
    public String statement() {
        String subject = "the " + kind().words() + " of upstream account " + account();
        return switch (state) {
            case OK, EXPIRING -> subject + " expires on " + date() + " (" + relative() + ")";
            case EXPIRED -> subject + (expiry.expiresAt().isPresent() && !expiry.expired()
                    ? " expired on " + date() + " (" + relative() + ")"
                    : " has expired (" + expiry.learntFrom() + ")");
            case UNKNOWN -> "the expiry of the " + kind().words() + " of upstream account " + account() + " is unknown";
        };
    }

    /** What to do now: replace it ({@link #fix()}), or, when its expiry is unknown, how to make it known. */
    public String advice() {
        return state == CredentialState.UNKNOWN ? kind().howToKnow(expiry.configKey()) : fix();
    }

    /** A short line for a summary: "client secret of default expires 2027-06-01". */
    public String summary() {
        String subject = kind().words() + " of " + account();
        return switch (state) {
            case OK, EXPIRING -> subject + " expires " + date();
            case EXPIRED -> subject + (expiry.expiresAt().isPresent() && !expiry.expired()
                    ? " expired " + date() : " has expired (" + expiry.learntFrom() + ")");
            case UNKNOWN -> subject + ": expiry unknown";
        };
    }

    /** What to do about it (also for OK: what to do when the day comes). */
    public String fix() {
        return kind().fix(expiry.configKey());
    }

    /** The expiry date, or the date and time when it is not midnight UTC; "unknown" without one. */
    public String date() {
        return expiry.expiresAt().map(t -> t.atOffset(ZoneOffset.UTC).toLocalTime().equals(LocalTime.MIDNIGHT)
                ? DATE.format(t) : DATE_TIME.format(t)).orElse("unknown");
    }

    /** "in 12 days", "in 5 hours", "3 days ago". */
    String relative() {
        Duration d = Duration.between(asOf, expiry.expiresAt().orElse(asOf));
        String amount = amount(d.abs());
        return d.isNegative() ? amount + " ago" : "in " + amount;
    }

    private static String amount(Duration d) {
        if (d.toDays() >= 1) {
            return plural(d.plusHours(12).toDays(), "day"); // the nearest day: 4 days 23 hours is "5 days"
        }
        if (d.toHours() >= 1) {
            return plural(d.toHours(), "hour");
        }
        return plural(d.toMinutes(), "minute");
    }

    private static String plural(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }
}

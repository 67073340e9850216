package dev.oauthrelay.credentials;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Every upstream account's credentials, as its {@link CredentialSource sources} know them now,
 * judged against the warning period. When sources disagree about one credential, the most urgent
 * wins: Entra ID saying "expired" beats any date, an earlier date beats a later one, and any date
 * beats none. Order: as the sources first name them (accounts in configuration order).
 */
public final class Credentials {

    /** No upstream account, nothing to watch. */
    public static final Credentials NONE = new Credentials(List.of(), Duration.ofDays(30), Clock.systemUTC());

    private final List<CredentialSource> sources;
    private final Duration warnBefore;
    private final Clock clock;

    public Credentials(List<CredentialSource> sources, Duration warnBefore, Clock clock) {
        this.sources = List.copyOf(sources);
        this.warnBefore = Objects.requireNonNull(warnBefore, "warnBefore");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (warnBefore.isNegative()) {
            throw new IllegalArgumentException("warnBefore must not be negative: " + warnBefore);
        }
    }

    /** How long before its expiry a credential counts as EXPIRING. */
    public Duration warnBefore() {
        return warnBefore;
    }

    /** Every credential's verdict now. */
    public List<CredentialStatus> statuses() {
        Instant now = clock.instant();
        Map<CredentialExpiry.Key, CredentialExpiry> merged = new LinkedHashMap<>();
        for (CredentialSource source : sources) {
            for (CredentialExpiry e : source.expiries()) {
                merged.merge(e.key(), e, Credentials::moreUrgent);
            }
        }
        List<CredentialStatus> out = new ArrayList<>(merged.size());
        merged.values().forEach(e -> out.add(CredentialStatus.evaluate(e, now, warnBefore)));
        return out;
    }

    /** Whether any credential is EXPIRING or EXPIRED now. */
    public boolean anyNeedsAction() {
        return statuses().stream().anyMatch(s -> s.state().needsAction());
    }

    static CredentialExpiry moreUrgent(CredentialExpiry a, CredentialExpiry b) {
        if (a.expired() != b.expired()) {
            return a.expired() ? a : b;
        }
        if (a.expiresAt().isEmpty() || b.expiresAt().isEmpty()) {
            return a.expiresAt().isPresent() ? a : b.expiresAt().isPresent() ? b : a;
        }
        return b.expiresAt().get().isBefore(a.expiresAt().get()) ? b : a;
    }
}

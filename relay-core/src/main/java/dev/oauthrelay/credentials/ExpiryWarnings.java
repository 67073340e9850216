package dev.oauthrelay.credentials;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides when to log a warning about a credential: the first time it is seen EXPIRING or EXPIRED,
 * again when its state changes (EXPIRING to EXPIRED), and then once every {@link #REPEAT} while it
 * stays so; never for every look at it. Not thread-safe: one caller (a timer) asks.
 */
public final class ExpiryWarnings {

    /** How often a credential that stays EXPIRING or EXPIRED is warned about again. */
    public static final Duration REPEAT = Duration.ofDays(1);

    private record Warned(CredentialState state, Instant at) {
    }

    private final Map<CredentialExpiry.Key, Warned> warned = new HashMap<>();

    /** The statuses to warn about now, out of {@code statuses} (judged at their {@code asOf}). */
    public List<CredentialStatus> due(List<CredentialStatus> statuses) {
        List<CredentialStatus> out = new ArrayList<>();
        Set<CredentialExpiry.Key> seen = new HashSet<>();
        for (CredentialStatus s : statuses) {
            CredentialExpiry.Key key = s.expiry().key();
            seen.add(key);
            if (!s.state().needsAction()) {
                warned.remove(key);
                continue;
            }
            Warned last = warned.get(key);
            if (last == null || last.state() != s.state() || !s.asOf().isBefore(last.at().plus(REPEAT))) {
                warned.put(key, new Warned(s.state(), s.asOf()));
                out.add(s);
            }
        }
        warned.keySet().retainAll(seen);
        return out;
    }
}
